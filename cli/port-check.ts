import { createServer } from "node:net";
import { CliError, EXIT } from "./errors.js";

/** Whether something already listens on host:port (binding is the only sure test; a refused connect can race). */
function portBusy(host: string, port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", (e: NodeJS.ErrnoException) => (e.code === "EADDRINUSE" || e.code === "EACCES" ? resolve(true) : reject(e)));
    srv.listen(port, host, () => srv.close(() => resolve(false)));
  });
}

/**
 * Fails with the hint when the port is taken, naming what holds it when it
 * answers HTTP: another movies cloud, LocalStack, or something else.
 */
export async function requireFreePort(host: string, port: number, command: string): Promise<void> {
  if (port === 0 || !(await portBusy(host, port))) return;
  const url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`;
  const { probeEndpoint } = await import("./deploy/endpoint-probe.js");
  const probe = await probeEndpoint(url, 1000);
  const holder =
    probe.kind === "movies-cloud"
      ? "another movies embedded cloud (started from another folder or MOVIES_HOME, or by `npm start`)"
      : probe.kind === "localstack"
        ? probe.detail
        : probe.kind === "other"
          ? "a server that is neither a movies cloud nor LocalStack"
          : "a process that does not answer HTTP";
  const use = probe.kind === "movies-cloud" ? `; to use that cloud instead, pass --endpoint ${url} to other commands` : "";
  throw new CliError(`port ${port} is already in use by ${holder}`, EXIT.unavailable, `pick another port: \`movies ${command} --port ${port + 1}\`${use}`);
}
