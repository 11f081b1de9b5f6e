// The kernel's event queue before the typed-array heap (main f2e5db1, src/kernel/queue.ts):
// a binary heap of pointers to entry objects. Kept only as the A/B reference for
// bench/pending.bench.ts, which times it in the same process as the current queue.
import type { Entry } from "../src/kernel/queue.js";

function before(a: Entry, b: Entry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

export class PointerHeapQueue {
  private heap: Entry[] = [];
  /** Entries in the heap that were cancelled and not yet popped. */
  private cancelledCount = 0;

  get length(): number {
    return this.heap.length - this.cancelledCount;
  }

  push(entry: Entry): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(entry);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = heap[parent] as Entry;
      if (!before(entry, p)) break;
      heap[i] = p;
      i = parent;
    }
    heap[i] = entry;
  }

  /** Removes and returns the first live entry, or undefined when none is left. */
  pop(): Entry | undefined {
    for (;;) {
      const top = this.popRaw();
      if (top === undefined || top.action !== null) return top;
      this.cancelledCount--;
    }
  }

  /** The first live entry without removing it. */
  peek(): Entry | undefined {
    for (;;) {
      const top = this.heap[0];
      if (top === undefined || top.action !== null) return top;
      this.popRaw();
      this.cancelledCount--;
    }
  }

  /** Marks an entry cancelled; it is dropped when it reaches the top. */
  cancel(entry: Entry): void {
    entry.action = null;
    this.cancelledCount++;
    // Bound memory when most pending entries are cancelled (e.g. timeouts that rarely fire).
    if (this.cancelledCount > 1024 && this.cancelledCount * 2 > this.heap.length) this.compact();
  }

  private popRaw(): Entry | undefined {
    const heap = this.heap;
    const n = heap.length;
    if (n === 0) return undefined;
    const top = heap[0] as Entry;
    const last = heap.pop() as Entry;
    if (n > 1) this.siftDown(last, 0);
    return top;
  }

  private siftDown(entry: Entry, i: number): void {
    const heap = this.heap;
    const n = heap.length;
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
      let c = heap[child] as Entry;
      const right = child + 1;
      if (right < n && before(heap[right] as Entry, c)) {
        child = right;
        c = heap[right] as Entry;
      }
      if (!before(c, entry)) break;
      heap[i] = c;
      i = child;
    }
    heap[i] = entry;
  }

  private compact(): void {
    const live = this.heap.filter((e) => e.action !== null);
    this.heap = live;
    this.cancelledCount = 0;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(live[i] as Entry, i);
  }
}
