import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { freePort } from "./free-port.js";
import { stopChild } from "./stop-child.js";

/** Why moto cannot be used here, or undefined when `moto_server` is on PATH. */
export function motoMissingReason(): string | undefined {
  const probe = spawnSync("moto_server", ["--help"], { stdio: "ignore" });
  if (probe.error || probe.status !== 0) return "moto_server is not on PATH (pip install 'moto[server]')";
  return undefined;
}

export interface MotoServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** Starts moto_server on a free loopback port and waits until it answers. */
export interface MotoOptions {
  /** load AWS managed IAM policies (needed to attach them); makes /moto-api/data.json large and slow */
  iamManagedPolicies?: boolean;
}

export async function startMoto(opts: MotoOptions = {}): Promise<MotoServer> {
  const port = await freePort();
  const child: ChildProcess = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: opts.iamManagedPolicies === false ? "false" : "true" },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.status < 500) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(`moto_server did not answer on ${url} within 20 s: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    port,
    stop: () => stopChild(child),
  };
}
