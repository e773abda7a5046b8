import type { Io } from "./io.js";

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

/** A live ink bar on a terminal; on a pipe or in CI, a plain line at most every 2 s. */
export async function startProgress(io: Io, label: string): Promise<Progress> {
  if (!io.interactive) {
    let last = 0;
    return {
      update(done, total) {
        if (Date.now() - last < 2000 && done < total) return;
        last = Date.now();
        io.info(`${label}: ${done}/${total}`);
      },
      done() {},
    };
  }
  const [{ render }, { createElement }, { ProgressBar }] = await Promise.all([import("ink"), import("react"), import("./views/progress-bar.js")]);
  const view = render(createElement(ProgressBar, { label, done: 0, total: 0 }), { stdout: process.stderr });
  return {
    update(done, total) {
      view.rerender(createElement(ProgressBar, { label, done, total }));
    },
    done() {
      view.unmount();
    },
  };
}
