import { spawn, type ChildProcess } from "node:child_process";

const ENV = { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" };

/** The cloud as `npm run cloud` runs it, in its own process so a test can kill it with SIGKILL. */
export function spawnCloudProcess(port: number, stateDir: string): ChildProcess {
  return spawn(process.execPath, ["--import", "tsx", "emulator/main.ts", "--port", String(port), "--state-dir", stateDir], { stdio: ["ignore", "pipe", "pipe"], env: ENV });
}

/** Starts it and resolves once it says it is ready; rejects with what it printed when it exits first. */
export async function runCloudProcess(port: number, stateDir: string): Promise<ChildProcess> {
  const child = spawnCloudProcess(port, stateDir);
  let err = "";
  child.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => d.toString().includes("movies cloud ready at") && resolve());
    child.once("exit", (code) => reject(new Error(`cloud exited with ${code}: ${err}`)));
  });
  return child;
}
