import { describe, expect, it } from "vitest";
import { LogStore, tailOf, TAIL_BYTES } from "./log-store.js";

function event(functionName: string, timestamp: number, message: string, requestId?: string) {
  return { functionName, logGroupName: `/aws/lambda/${functionName}`, logStreamName: "2026/11/29/[$LATEST]abc", timestamp, message, requestId };
}

describe("LogStore", () => {
  it("keeps the newest events up to its cap per function and counts what it dropped", () => {
    const store = new LogStore(3);
    for (let i = 1; i <= 5; i++) store.append(event("a", i, `line ${i}`));
    store.append(event("b", 1, "other function"));
    expect(store.query({ functionName: "a" }).map((e) => e.message)).toEqual(["line 3", "line 4", "line 5"]);
    expect(store.dropped("a")).toBe(2);
    expect(store.query({ functionName: "b" })).toHaveLength(1);
  });

  it("filters by time, request id and limit", () => {
    const store = new LogStore();
    store.append(event("a", 100, "old", "r1"));
    store.append(event("a", 200, "new", "r2"));
    store.append(event("a", 300, "newest", "r2"));
    expect(store.query({ functionName: "a", since: 200 }).map((e) => e.message)).toEqual(["new", "newest"]);
    expect(store.query({ functionName: "a", until: 200 }).map((e) => e.message)).toEqual(["old"]);
    expect(store.query({ functionName: "a", requestId: "r1" }).map((e) => e.message)).toEqual(["old"]);
    expect(store.query({ functionName: "a", limit: 1 }).map((e) => e.message)).toEqual(["newest"]);
    expect(store.query({ functionName: "missing" })).toEqual([]);
    expect(store.streams("a")).toEqual([{ logStreamName: "2026/11/29/[$LATEST]abc", firstEventTimestamp: 100, lastEventTimestamp: 300 }]);
  });

  it("notifies followers of one function or of all", () => {
    const store = new LogStore();
    const one: string[] = [];
    const all: string[] = [];
    const stopOne = store.subscribe("a", (e) => one.push(e.message));
    store.subscribe(undefined, (e) => all.push(e.message));
    store.append(event("a", 1, "x"));
    store.append(event("b", 2, "y"));
    stopOne();
    store.append(event("a", 3, "z"));
    expect(one).toEqual(["x"]);
    expect(all).toEqual(["x", "y", "z"]);
  });

  it("tails the last 4 KB of an invocation's lines, base64", () => {
    const lines = Array.from({ length: 200 }, (_, i) => `line number ${i} ${"x".repeat(40)}`);
    const tail = Buffer.from(tailOf(lines), "base64").toString("utf8");
    expect(Buffer.byteLength(tail)).toBe(TAIL_BYTES);
    expect(tail.endsWith(`line number 199 ${"x".repeat(40)}\n`)).toBe(true);
    expect(Buffer.from(tailOf(["short"]), "base64").toString("utf8")).toBe("short\n");
  });
});
