import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { Dashboard } from "./dashboard.js";

const base = { cloudUrl: "http://127.0.0.1:4566", apiUrl: "http://127.0.0.1:4566/restapis/abc/live/_user_request_", status: "deployed in 812 ms" };

describe("Dashboard", () => {
  it("shows hints while nothing happened", () => {
    const frame = render(<Dashboard {...base} requests={[]} events={[]} emails={[]} />).lastFrame()!;
    expect(frame).toContain("movies dev");
    expect(frame).toContain("none yet: try `npx movies call get 1`");
    expect(frame).toContain("deployed in 812 ms");
  });

  it("lists the latest requests, events and emails, newest last, capped per panel", () => {
    const t = Date.UTC(2026, 10, 29, 12, 0, 0);
    const requests = Array.from({ length: 8 }, (_, i) => ({ time: t + i * 1000, method: "GET", path: `/movies/${i}`, status: i === 7 ? 404 : 200, ms: 3.25 }));
    const frame = render(
      <Dashboard
        {...base}
        rows={3}
        requests={requests}
        events={[{ time: new Date(t).toISOString(), type: "MovieCreated", id: "42", title: "Heat" }]}
        emails={[{ time: new Date(t).toISOString(), subject: "New Movie Added: Heat", to: "dev@example.com" }]}
      />,
    ).lastFrame()!;
    expect(frame).not.toContain("/movies/4");
    expect(frame).toContain("12:00:07 404 GET    /movies/7 3.3 ms");
    expect(frame).toContain("MovieCreated");
    expect(frame).toContain("New Movie Added: Heat");
  });
});

describe("Dashboard while starting and building", () => {
  it("draws from the first frame: a spinner and the step under way, before any URL exists", () => {
    const frame = render(<Dashboard cloudUrl="" apiUrl="" status="starting the embedded cloud" busy requests={[]} events={[]} emails={[]} />).lastFrame()!;
    expect(frame).toContain("starting…");
    expect(frame).toContain("not deployed yet");
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] starting the embedded cloud/);
  });

  it("shows each function's build and a failed build's errors whole", () => {
    const frame = render(
      <Dashboard
        {...base}
        status="build failed"
        builds={{ "get-movie": "failed", "list-movies": "cached", "create-movie": "building" }}
        buildErrors={['handlers/get-movie/handler.ts:12:7: Expected ";" but found "const"', "    let x const y", "          ^"]}
        requests={[]}
        events={[]}
        emails={[]}
      />,
    ).lastFrame()!;
    expect(frame).toContain("✗ get-movie");
    expect(frame).toContain("= list-movies");
    expect(frame).toMatch(/[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] create-movie/);
    expect(frame).toContain('handlers/get-movie/handler.ts:12:7: Expected ";" but found "const"');
    expect(frame).toContain("    let x const y");
  });
});

describe("Dashboard after a hot reload", () => {
  const reload = { functions: ["get-movie"], readyMs: 412.4, parts: { build: 240, zip: 2, handover: 11, envStart: 150 } };

  it("shows save-to-ready, and says when no request has been served by the new code yet", () => {
    const frame = render(<Dashboard {...base} reload={reload} requests={[]} events={[]} emails={[]} />).lastFrame()!.replace(/\s+/g, " ");
    expect(frame).toContain("last reload get-movie: ready 412 ms after save, no request served by it yet");
    expect(frame).toContain("build 240, zip 2, handover 11, environment start 150 ms");
  });

  it("shows save-to-served once the new code answered a request", () => {
    const frame = render(<Dashboard {...base} reload={{ ...reload, servedMs: 455, servedBy: "get-movie" }} requests={[]} events={[]} emails={[]} />).lastFrame()!.replace(/\s+/g, " ");
    expect(frame).toContain("ready 412 ms after save, first request served 455 ms after save");
  });
});
