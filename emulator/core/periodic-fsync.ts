import { open } from "node:fs/promises";

/** How often the state files are flushed to the disk. */
const SYNC_MS = 1000;

/**
 * fsyncs the database and its WAL every second on libuv's thread pool, so no
 * fsync ever holds the event loop. SQLite itself runs with synchronous=OFF:
 * a commit is complete for the OS once written (it survives kill -9 of the
 * cloud); this bounds what a power cut can touch to the last second.
 */
export class PeriodicFsync {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly file: string,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running ??= this.syncAll().finally(() => (this.running = undefined));
    }, SYNC_MS);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private async syncAll(): Promise<void> {
    for (const f of [this.file, `${this.file}-wal`]) {
      try {
        const handle = await open(f, "r");
        try {
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== "ENOENT") this.onError(err);
      }
    }
  }
}
