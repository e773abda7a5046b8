import { describe, expect, it } from "vitest";
import { consoleUrl } from "./console-url.js";
import { browserOpener, openBrowser } from "./open-browser.js";

describe("opening the console", () => {
  it("knows the opener of each desktop, and that a Linux box without a display has none", () => {
    expect(browserOpener("darwin", {})?.command).toBe("open");
    expect(browserOpener("win32", {})?.args("http://x/?a=1&b=2")).toEqual(["/c", "start", '""', "http://x/?a=1^&b=2"]);
    expect(browserOpener("linux", { DISPLAY: ":0" })?.command).toBe("xdg-open");
    expect(browserOpener("linux", {})).toBeUndefined();
  });

  it("says so when the opener is not installed", async () => {
    expect(await openBrowser("http://127.0.0.1:1/", { command: "/nonexistent/opener", args: (u) => [u] })).toBe(false);
    expect(await openBrowser("http://127.0.0.1:1/", undefined)).toBe(false);
  });

  it("builds view URLs under /_movies/console", () => {
    expect(consoleUrl("http://127.0.0.1:45660")).toBe("http://127.0.0.1:45660/_movies/console/");
    expect(consoleUrl("http://127.0.0.1:45660/", "/queues/movie-updates-dlq")).toBe("http://127.0.0.1:45660/_movies/console/queues/movie-updates-dlq");
  });
});
