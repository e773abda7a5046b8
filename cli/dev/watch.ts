import { watch } from "node:fs";

/**
 * Calls `onChange` once per burst of file changes under `dir` (editors write
 * several times per save), never twice at the same time.
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
  const watcher = watch(dir, { recursive: true }, (_event, file) => {
    if (file && /\.test\.tsx?$/.test(String(file))) return;
    clearTimeout(timer);
    timer = setTimeout(() => void fire(), delayMs);
  });
  return () => {
    clearTimeout(timer);
    watcher.close();
  };
}
