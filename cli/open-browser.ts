import { spawn } from "node:child_process";

/**
 * The platform's "open this URL" program, or undefined where there is no
 * desktop to open it on (a server, a container, SSH without a display).
 */
export function browserOpener(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): { command: string; args: (url: string) => string[] } | undefined {
  if (platform === "darwin") return { command: "open", args: (url) => [url] };
  if (platform === "win32") return { command: "cmd", args: (url) => ["/c", "start", '""', url.replace(/&/g, "^&")] };
  if (env.DISPLAY || env.WAYLAND_DISPLAY) return { command: "xdg-open", args: (url) => [url] };
  return undefined;
}

/** Starts the opener detached; resolves false when it cannot be started (not installed). Never waits for the browser. */
export function openBrowser(url: string, opener = browserOpener()): Promise<boolean> {
  if (!opener) return Promise.resolve(false);
  return new Promise((resolve) => {
    const child = spawn(opener.command, opener.args(url), { detached: true, stdio: "ignore" });
    child.once("error", () => resolve(false));
    child.once("spawn", () => {
      child.unref();
      resolve(true);
    });
  });
}
