import { type FSWatcher, readdirSync, statSync, watch } from "node:fs";
import { join } from "node:path";

const TEST_FILE = /\.test\.tsx?$/;

/**
 * Calls `onChange` once per burst of file changes under `dir` (editors write
 * several times per save), never twice at the same time.
 *
 * Every folder gets its own watcher rather than one recursive watch: on Linux a
 * recursive watch follows files by inode, so after an editor (or `sed -i`)
 * saves by renaming a new file into place, later in-place writes to that file
 * go unseen. A folder's watcher sees both kinds of save.
 */
export function watchDebounced(dir: string, onChange: () => Promise<void>, delayMs = 150): () => void {
  let timer: NodeJS.Timeout | undefined;
  let running = false;
  let again = false;
  const fire = async () => {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await onChange();
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
