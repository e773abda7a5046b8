/**
 * Min-heap of items keyed by the time they become due. Entries are never
 * removed early: each carries the generation of its item when pushed, and a
 * stale entry (item changed since) is dropped when it reaches the top. That
 * keeps visibility changes O(log n) without searching the heap.
 */
export interface Generational {
  gen: number;
}

interface Entry<T> {
  at: number;
  gen: number;
  item: T;
}

export class DueHeap<T extends Generational> {
  private entries: Entry<T>[] = [];

  get size(): number {
    return this.entries.length;
  }

  push(item: T, at: number): void {
    const heap = this.entries;
    heap.push({ at, gen: item.gen, item });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (heap[parent]!.at <= heap[i]!.at) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  }

  /** Due time of the earliest live entry, or undefined when none. */
  peekAt(): number | undefined {
    this.dropStale();
    return this.entries[0]?.at;
  }

  /** Removes and returns every live item due at or before `now`, earliest first. */
  popDue(now: number, into: (item: T) => void): void {
    for (;;) {
      this.dropStale();
      const top = this.entries[0];
      if (!top || top.at > now) return;
      this.popTop();
      into(top.item);
    }
  }

  /** Drops every stale entry at once; for when deletes leave many behind ahead of their due time. */
  compact(): void {
    const live = this.entries.filter((e) => e.gen === e.item.gen);
    this.entries = [];
    for (const e of live) this.push(e.item, e.at);
  }

  clear(): void {
    this.entries = [];
  }

  private dropStale(): void {
    while (this.entries.length > 0 && this.entries[0]!.gen !== this.entries[0]!.item.gen) this.popTop();
  }

  private popTop(): void {
    const heap = this.entries;
    const last = heap.pop()!;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let min = i;
      if (l < heap.length && heap[l]!.at < heap[min]!.at) min = l;
      if (r < heap.length && heap[r]!.at < heap[min]!.at) min = r;
      if (min === i) return;
      [heap[min], heap[i]] = [heap[i]!, heap[min]!];
      i = min;
    }
  }
}
