import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";

const TEST_FILE = /\.test\.tsx?$/;

/** One burst of saves: the files touched, and when the first event of the burst came (epoch ms). */
export interface ChangeBurst {
  paths: string[];
  firstEventAt: number;
}

/**
 * Calls `onChange` once per burst of file changes under `dir` (editors write
 * several times per save, or write a temp file and rename it into place),
 * never twice at the same time; changes seen while it runs make the next call.
 * The quiet period is short (30 ms): an editor's writes of one save land
 * within a few ms, and every ms here is a ms before the new code runs.
 *
 * Every folder gets its own watcher rather than one recursive watch: on Linux a
 * recursive watch follows files by inode, so after an editor (or `sed -i`)
 * saves by renaming a new file into place, later in-place writes to that file
 * go unseen. A folder's watcher sees both kinds of save.
 */
export function watchDebounced(dir: string, onChange: (burst: ChangeBurst) => Promise<void>, delayMs = 30): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  let pending = new Set<string>();
  let firstEventAt = 0;
  const fire = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    const burst = { paths: [...pending], firstEventAt };
    pending = new Set();
    firstEventAt = 0;
    try {
      await onChange(burst);
    } finally {
      running = false;
      if (again) {
        again = false;
        void fire();
      }
    }
  };
  const watchers = new Map<string, FSWatcher>();
  const watchTree = (folder: string) => {
    if (watchers.has(folder)) return;
    let watcher: FSWatcher;
    try {
      watcher = watch(folder, (_event, file) => {
        if (!file || TEST_FILE.test(String(file))) return;
        const path = join(folder, String(file));
        try {
          if (statSync(path).isDirectory()) watchTree(path);
        } catch {
          // removed: its watcher closes itself with an error
        }
        if (pending.size === 0) firstEventAt = Date.now();
        pending.add(path);
        clearTimeout(timer);
        timer = setTimeout(() => void fire(), delayMs);
      });
    } catch {
      return;
    }
    watcher.on("error", () => {
      watcher.close();
      watchers.delete(folder);
    });
    watchers.set(folder, watcher);
    for (const entry of readdirSync(folder, { withFileTypes: true })) if (entry.isDirectory()) watchTree(join(folder, entry.name));
  };
  watchTree(dir);
  return () => {
    clearTimeout(timer);
    for (const w of watchers.values()) w.close();
    watchers.clear();
  };
}
