import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { OtlpExporter, tracesUrl } from "./otlp-exporter.js";
import { TraceStore } from "./store.js";
import { Tracer } from "./tracer.js";

const tracer = new Tracer(new TraceStore());
const span = (name: string) => tracer.begin({ name, service: "lambda", operation: "Invoke" });

let server: Server | undefined;
afterEach(() => new Promise<void>((ok) => (server ? server.close(() => ok()) : ok())));

/** A receiver that answers each POST with `status` once `gate` resolves. */
async function receiver(status: number, gate: Promise<void> = Promise.resolve()): Promise<{ url: string; batches: string[][] }> {
  const batches: string[][] = [];
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      await gate;
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      batches.push(body.resourceSpans[0].scopeSpans[0].spans.map((s: { name: string }) => s.name));
      res.writeHead(status);
      res.end(status === 200 ? "{}" : "collector says no");
    });
  });
  await new Promise<void>((ok) => server!.listen(0, "127.0.0.1", ok));
  return { url: `http://127.0.0.1:${(server!.address() as AddressInfo).port}`, batches };
}

describe("the OTLP/HTTP exporter", () => {
  it("posts spans in batches to <endpoint>/v1/traces", async () => {
    const r = await receiver(200);
    const exporter = new OtlpExporter({ endpoint: r.url, maxBatch: 2, delayMs: 10 });
    for (const n of ["a", "b", "c"]) exporter.offer(span(n));
    await exporter.flush();
    expect(r.batches.flat()).toEqual(["a", "b", "c"]);
    expect(r.batches.every((b) => b.length <= 2)).toBe(true);
    expect(exporter.stats()).toMatchObject({ sent: 3, dropped: 0, failed: 0, queued: 0 });
  });

  it("drops and counts spans past its bound while the collector is slow, never waiting", async () => {
    let open = () => {};
    const r = await receiver(200, new Promise<void>((ok) => (open = ok)));
    const exporter = new OtlpExporter({ endpoint: r.url, maxQueue: 3, maxBatch: 1, delayMs: 0 });
    exporter.offer(span("first"));
    await new Promise((ok) => setTimeout(ok, 50)); // "first" is now in flight, held by the receiver
    for (let i = 0; i < 10; i++) exporter.offer(span(`s${i}`));
    expect(exporter.stats()).toMatchObject({ queued: 3, dropped: 7 });
    open();
    await exporter.flush();
    expect(r.batches.flat()).toEqual(["first", "s0", "s1", "s2"]);
  });

  it("reports a refusing collector once, counting the spans lost", async () => {
    const r = await receiver(503);
    const errors: Error[] = [];
    const exporter = new OtlpExporter({ endpoint: r.url, maxBatch: 1, delayMs: 0, onError: (e) => errors.push(e) });
    for (const n of ["a", "b", "c"]) exporter.offer(span(n));
    await exporter.flush();
    expect(exporter.stats()).toMatchObject({ sent: 0, failed: 3 });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/answered 503/);
  });

  it("takes a base URL or the traces URL itself, and refuses what is not http(s)", () => {
    expect(tracesUrl("http://127.0.0.1:4318")).toBe("http://127.0.0.1:4318/v1/traces");
    expect(tracesUrl("http://collector:4318/")).toBe("http://collector:4318/v1/traces");
    expect(tracesUrl("https://tempo.example/otlp/v1/traces")).toBe("https://tempo.example/otlp/v1/traces");
    expect(() => tracesUrl("127.0.0.1:4318")).toThrow(/http\(s\) URL/);
    expect(() => tracesUrl("not a url")).toThrow(/http\(s\) URL/);
  });
});
