import { describe, expect, it } from "vitest";
import { DueHeap } from "./due-heap.js";

interface Item {
  name: string;
  gen: number;
}

function drain(heap: DueHeap<Item>, now: number): string[] {
  const out: string[] = [];
  heap.popDue(now, (i) => out.push(i.name));
  return out;
}

describe("DueHeap", () => {
  it("pops items due by now, earliest first", () => {
    const heap = new DueHeap<Item>();
    const items = [5, 1, 9, 3, 7].map((at) => ({ name: `t${at}`, gen: 0, at }));
    for (const i of items) heap.push(i, i.at);
    expect(heap.peekAt()).toBe(1);
    expect(drain(heap, 5)).toEqual(["t1", "t3", "t5"]);
    expect(drain(heap, 100)).toEqual(["t7", "t9"]);
    expect(heap.peekAt()).toBeUndefined();
  });

  it("skips entries whose item changed since they were pushed", () => {
    const heap = new DueHeap<Item>();
    const a = { name: "a", gen: 0 };
    heap.push(a, 1);
    a.gen++;
    heap.push(a, 10);
    expect(heap.peekAt()).toBe(10);
    expect(drain(heap, 5)).toEqual([]);
    expect(drain(heap, 10)).toEqual(["a"]);
  });

  it("compacts away stale entries and keeps order", () => {
    const heap = new DueHeap<Item>();
    const items = Array.from({ length: 100 }, (_, k) => ({ name: `i${k}`, gen: 0 }));
    items.forEach((it, k) => heap.push(it, 1000 - k));
    items.filter((_, k) => k % 2 === 0).forEach((it) => it.gen++);
    heap.compact();
    expect(heap.size).toBe(50);
    const order = drain(heap, Infinity);
    expect(order).toEqual(items.map((_, k) => k).filter((k) => k % 2 === 1).reverse().map((k) => `i${k}`));
  });
});
