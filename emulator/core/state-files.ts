import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Service } from "./service.js";

/** Where a service's snapshot lives under the state dir. */
export function stateFile(stateDir: string, service: string): string {
  return join(stateDir, `${service}.json`);
}

/**
 * Restores every service that keeps a snapshot from `<stateDir>/<service>.json`,
 * when the file exists. Returns the texts read, so the writer skips rewriting them.
 */
export async function restoreServices(stateDir: string, services: readonly Service[]): Promise<Map<string, string>> {
  const read = new Map<string, string>();
  for (const service of services) {
    if (!service.restore) continue;
    const file = stateFile(stateDir, service.name);
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw err;
    }
    let state: unknown;
    try {
      state = JSON.parse(text);
    } catch (err) {
      throw new Error(`State file ${file} is not valid JSON (${(err as Error).message}); move it away to start ${service.name} empty`);
    }
    service.restore(state);
    read.set(service.name, text);
  }
  return read;
}

/**
 * Writes snapshots atomically (temp file + rename), and only when they changed
 * since the last write, so a crash leaves either the old or the new file.
 */
export class SnapshotWriter {
  private readonly lastWritten: Map<string, string>;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly stateDir: string,
    private readonly services: readonly Service[],
    private readonly onError: (err: unknown) => void = () => undefined,
    /** texts already on disk (from restoreServices) */
    onDisk: Map<string, string> = new Map(),
  ) {
    this.lastWritten = new Map(onDisk);
  }

  /** Saves every second while running; call stop() for the final save. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => {
      void this.flush().catch(this.onError);
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.flush();
  }

  /** Serialised so two flushes never race on the same temp file. */
  flush(): Promise<void> {
    const next = this.running.catch(() => undefined).then(() => this.writeChanged());
    this.running = next;
    return next;
  }

  private async writeChanged(): Promise<void> {
    await mkdir(this.stateDir, { recursive: true });
    for (const service of this.services) {
      if (!service.snapshot) continue;
      const text = JSON.stringify(service.snapshot());
      if (text === undefined || this.lastWritten.get(service.name) === text) continue;
      const file = stateFile(this.stateDir, service.name);
      const temp = `${file}.${process.pid}.tmp`;
      await writeFile(temp, text);
      await rename(temp, file);
      this.lastWritten.set(service.name, text);
    }
  }
}
