import type { Entry } from "../src/kernel/queue.js";

// The kernel's event queue before the far-future buckets (main 6af32f8, src/kernel/queue.ts):
// a 4-ary heap over a typed array of times, every pending entry in the heap. Kept only as
// the A/B reference for bench/pending.bench.ts, which times it in the same process as the
// current queue.
//
// The pending-event set: a 4-ary min-heap keyed by (time, priority, sequence).
// A bare heap is not stable, so the sequence number is part of every key and
// equal (time, priority) pairs come out in the order they were scheduled.
//
// The times live in a typed array beside the heap's array of entries, so a sift reads
// contiguous numbers instead of following a pointer to an entry object per compare
// (only a tie in time reads the entries' priority and sequence):
// with 10^4 pending events the entries no longer fit in the cache and each pointer
// chase is a miss (bench/pending.bench.ts measures this against the binary heap of
// entry pointers this replaces). Four children per node halve the levels a pop
// walks, and the four keys it compares sit in one or two cache lines
// (LaMarca & Ladner, "The influence of caches on the performance of heaps",
// ACM J. Exp. Algorithmics 1, 1996: d-ary heaps with d = 4 beat binary heaps once the heap
// outgrows the cache). Written out by hand (no comparator closure): it is the
// kernel's hot path.

const ARITY = 4;
const INITIAL_CAPACITY = 64;

/** (priority, sequence) of a before b's; only asked when their times are equal. */
function tieBefore(a: Entry, b: Entry): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

export class Heap4Queue {
  /** Slot i's time: the key's first part, the only one most compares need. */
  private times = new Float64Array(INITIAL_CAPACITY);
  /** Slot i's entry, whose priority and sequence break ties in time. */
  private entries: (Entry | null)[] = new Array<Entry | null>(INITIAL_CAPACITY).fill(null);
  private size = 0;
  /** Entries in the heap that were cancelled and not yet popped. */
  private cancelledCount = 0;

  get length(): number {
    return this.size - this.cancelledCount;
  }

  push(entry: Entry): void {
    if (this.size === this.times.length) this.grow();
    const times = this.times;
    const entries = this.entries;
    const t = entry.time;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent] as number;
      if (t > pt || (t === pt && !tieBefore(entry, entries[parent] as Entry))) break;
      times[i] = pt;
      entries[i] = entries[parent] as Entry;
      i = parent;
    }
    times[i] = t;
    entries[i] = entry;
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
      if (this.size === 0) return undefined;
      const top = this.entries[0] as Entry;
      if (top.action !== null) return top;
      this.popRaw();
      this.cancelledCount--;
    }
  }

  /** Marks an entry cancelled; it is dropped when it reaches the top. */
  cancel(entry: Entry): void {
    entry.action = null;
    this.cancelledCount++;
    // Bound memory when most pending entries are cancelled (e.g. timeouts that rarely fire).
    if (this.cancelledCount > 1024 && this.cancelledCount * 2 > this.size) this.compact();
  }

  private popRaw(): Entry | undefined {
    const n = this.size;
    if (n === 0) return undefined;
    const entries = this.entries;
    const top = entries[0] as Entry;
    const last = n - 1;
    this.size = last;
    if (last > 0) this.siftDown(0, this.times[last] as number, entries[last] as Entry);
    // Let the collector have the entry (and its callback) once it has left the heap.
    entries[last] = null;
    return top;
  }

  /** Places `entry`, whose time is t, at slot i or below. */
  private siftDown(i: number, t: number, entry: Entry): void {
    const times = this.times;
    const entries = this.entries;
    const n = this.size;
    for (;;) {
      const first = ARITY * i + 1;
      if (first >= n) break;
      // The least of up to four children.
      let c = first;
      let ct = times[first] as number;
      const end = first + ARITY < n ? first + ARITY : n;
      for (let k = first + 1; k < end; k++) {
        const kt = times[k] as number;
        if (kt < ct || (kt === ct && tieBefore(entries[k] as Entry, entries[c] as Entry))) {
          c = k;
          ct = kt;
        }
      }
      if (t < ct || (t === ct && tieBefore(entry, entries[c] as Entry))) break;
      times[i] = ct;
      entries[i] = entries[c] as Entry;
      i = c;
    }
    times[i] = t;
    entries[i] = entry;
  }

  private grow(): void {
    const times = new Float64Array(this.times.length * 2);
    times.set(this.times);
    this.times = times;
    for (let i = this.entries.length; i < times.length; i++) this.entries.push(null);
  }

  private compact(): void {
    const entries = this.entries;
    let live = 0;
    for (let i = 0; i < this.size; i++) {
      const e = entries[i] as Entry;
      if (e.action === null) continue;
      entries[live] = e;
      this.times[live] = e.time;
      live++;
    }
    for (let i = live; i < this.size; i++) entries[i] = null;
    this.size = live;
    this.cancelledCount = 0;
    for (let i = (live - 2) >> 2; i >= 0; i--) {
      this.siftDown(i, this.times[i] as number, entries[i] as Entry);
    }
  }
}
