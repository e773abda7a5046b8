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
