import { render } from "ink-testing-library";
import { describe, expect, it } from "vitest";
import { summarize, type Trace } from "../trace/span.js";
import { createMovieSpans, TRACE_ID } from "../trace/trace-fixture.js";
import { Dashboard } from "./dashboard.js";

const base = { cloudUrl: "http://127.0.0.1:45660", apiUrl: "http://127.0.0.1:45660/restapis/abc/live/_user_request_", status: "ready", requests: [], events: [], emails: [] };
const createTrace: Trace = { traceId: TRACE_ID, spans: createMovieSpans };
const getTrace: Trace = {
  traceId: "0af7651916cd43dd8448eb211c80319c",
  spans: [{ ...createMovieSpans[1]!, traceId: "0af7651916cd43dd8448eb211c80319c", name: "GET /movies/{movieID}", durationMs: 12.5, attributes: {} }],
};
const traces = [summarize(getTrace), summarize(createTrace)];
const ENTER = "\r";
const DOWN = "\u001b[B";
const ESC = "\u001b";

/** Waits (up to 5 s, a loaded machine is slow) for a frame that passes `ok`; returns it. */
async function frame(view: { lastFrame: () => string | undefined }, ok: (f: string) => boolean): Promise<string> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const f = view.lastFrame() ?? "";
    if (ok(f)) return f;
    if (Date.now() > deadline) throw new Error(`no such frame; the last one:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
/** ink attaches its input listener in an effect after the first frame. */
const settle = () => new Promise((r) => setImmediate(r));

describe("the dashboard's traces", () => {
  it("lists recent traces: request, total time, span count, errors", () => {
    const frame = render(<Dashboard {...base} traces={traces} />).lastFrame()!;
    expect(frame).toContain("traces");
    expect(frame).toMatch(/GET \/movies\/\{movieID\}\s+12\.5 ms\s+1 spans 0 errors/);
    expect(frame).toMatch(/POST \/movies\s+340\.0 ms\s+7 spans 1 error/);
  });

  it("says none yet before the first request", () => {
    expect(render(<Dashboard {...base} traces={[]} />).lastFrame()).toContain("none yet: every request is traced");
  });

  it("opens the chosen trace's waterfall with ↓ and Enter, and goes back with Esc", async () => {
    const asked: string[] = [];
    const loadTrace = async (id: string) => {
      asked.push(id);
      return id === TRACE_ID ? createTrace : getTrace;
    };
    const view = render(<Dashboard {...base} traces={traces} loadTrace={loadTrace} />);
    await settle();
    view.stdin.write(DOWN);
    await frame(view, (f) => /› \S+ POST \/movies/.test(f));
    view.stdin.write(ENTER);
    const open = await frame(view, (f) => f.includes("◀ slowest"));
    expect(asked).toEqual([TRACE_ID]);
    expect(open).toContain(`trace ${TRACE_ID}  POST /movies  340.0 ms  7 spans, 1 error`);
    expect(open).toMatch(/lambda Invoke create-movie.*◀ slowest/);
    expect(open, open).toContain("error AccessDeniedException");
    view.stdin.write(ESC);
    const back = await frame(view, (f) => !f.includes("◀ slowest"));
    expect(back).toContain("↑/↓ choose · Enter opens the waterfall");
  });

  it("shows why a trace could not be opened (evicted meanwhile)", async () => {
    const view = render(<Dashboard {...base} traces={traces} loadTrace={() => Promise.reject(new Error("no trace 0af7… in the cloud: it was evicted"))} />);
    await settle();
    view.stdin.write(ENTER);
    await frame(view, (f) => f.includes("it was evicted"));
  });

  it("passes Ctrl-C on, since the terminal sends no SIGINT while keys are read", async () => {
    let quit = 0;
    const view = render(<Dashboard {...base} traces={traces} onQuit={() => quit++} />);
    await settle();
    view.stdin.write("\u0003");
    await frame(view, () => quit > 0);
    expect(quit).toBe(1);
  });
});
