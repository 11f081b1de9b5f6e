// The pending-event set: a 4-ary min-heap keyed by (time, priority, sequence).
// A bare heap is not stable, so the sequence number is part of every key and
// equal (time, priority) pairs come out in the order they were scheduled.
//
// The keys live in typed arrays beside the heap's array of entries, so a sift reads
// contiguous numbers instead of following a pointer to an entry object per compare:
// with 10^4 pending events the entries no longer fit in the cache and each pointer
// chase is a miss (bench/pending.bench.ts measures this against the binary heap of
// entry pointers this replaces). Four children per node halve the levels a pop
// walks, and the four keys it compares sit in one or two cache lines
// (LaMarca & Ladner, "The influence of caches on the performance of heaps",
// ACM J. Exp. Algorithmics 1, 1996: d-ary heaps with d = 4 beat binary heaps once the heap
// outgrows the cache). Written out by hand (no comparator closure): it is the
// kernel's hot path.

/**
 * One scheduled entry. Opaque to users: `Simulation.schedule` returns it as an
 * {@link EventHandle} for `cancel`.
 *
 * @internal
 */
export class Entry {
  time: number;
  priority: number;
  seq: number;
  fn: (() => void) | null;
  target: { _process(): void } | null;
  cancelled = false;

  constructor(
    time: number,
    priority: number,
    seq: number,
    fn: (() => void) | null,
    target: { _process(): void } | null,
  ) {
    this.time = time;
    this.priority = priority;
    this.seq = seq;
    this.fn = fn;
    this.target = target;
  }
}

const ARITY = 4;
const INITIAL_CAPACITY = 64;

/** @internal */
export class EventQueue {
  private times = new Float64Array(INITIAL_CAPACITY);
  private priorities = new Float64Array(INITIAL_CAPACITY);
  private seqs = new Float64Array(INITIAL_CAPACITY);
  /** The heap's entries; slot i's key is (times[i], priorities[i], seqs[i]). */
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
    const priorities = this.priorities;
    const seqs = this.seqs;
    const entries = this.entries;
    const t = entry.time;
    const p = entry.priority;
    const s = entry.seq;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pt = times[parent] as number;
      // Stop unless the new key is strictly before the parent's (sequences are unique).
      if (t > pt) break;
      if (t === pt) {
        const pp = priorities[parent] as number;
        if (p > pp || (p === pp && s > (seqs[parent] as number))) break;
      }
      times[i] = pt;
      priorities[i] = priorities[parent] as number;
      seqs[i] = seqs[parent] as number;
      entries[i] = entries[parent] as Entry;
      i = parent;
    }
    times[i] = t;
    priorities[i] = p;
    seqs[i] = s;
    entries[i] = entry;
  }

  /** Removes and returns the first live entry, or undefined when none is left. */
  pop(): Entry | undefined {
    for (;;) {
      const top = this.popRaw();
      if (top === undefined || !top.cancelled) return top;
      this.cancelledCount--;
    }
  }

  /** The first live entry without removing it. */
  peek(): Entry | undefined {
    for (;;) {
      if (this.size === 0) return undefined;
      const top = this.entries[0] as Entry;
      if (!top.cancelled) return top;
      this.popRaw();
      this.cancelledCount--;
    }
  }

  /** Marks an entry cancelled; it is dropped when it reaches the top. */
  cancel(entry: Entry): void {
    entry.cancelled = true;
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
    if (last > 0) {
      this.siftDown(
        0,
        this.times[last] as number,
        this.priorities[last] as number,
        this.seqs[last] as number,
        entries[last] as Entry,
      );
    }
    // Let the collector have the entry (and its callback) once it has left the heap.
    entries[last] = null;
    return top;
  }

  /** Places the key (t, p, s) with its entry at slot i or below. */
  private siftDown(i: number, t: number, p: number, s: number, entry: Entry): void {
    const times = this.times;
    const priorities = this.priorities;
    const seqs = this.seqs;
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
        if (kt < ct || (kt === ct && keyBefore(priorities, seqs, k, c))) {
          c = k;
          ct = kt;
        }
      }
      if (t < ct) break;
      if (t === ct) {
        const cp = priorities[c] as number;
        if (p < cp || (p === cp && s < (seqs[c] as number))) break;
      }
      times[i] = ct;
      priorities[i] = priorities[c] as number;
      seqs[i] = seqs[c] as number;
      entries[i] = entries[c] as Entry;
      i = c;
    }
    times[i] = t;
    priorities[i] = p;
    seqs[i] = s;
    entries[i] = entry;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const times = new Float64Array(capacity);
    times.set(this.times);
    this.times = times;
    const priorities = new Float64Array(capacity);
    priorities.set(this.priorities);
    this.priorities = priorities;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    for (let i = this.entries.length; i < capacity; i++) this.entries.push(null);
  }

  private compact(): void {
    const entries = this.entries;
    let live = 0;
    for (let i = 0; i < this.size; i++) {
      const e = entries[i] as Entry;
      if (e.cancelled) continue;
      entries[live] = e;
      this.times[live] = e.time;
      this.priorities[live] = e.priority;
      this.seqs[live] = e.seq;
      live++;
    }
    for (let i = live; i < this.size; i++) entries[i] = null;
    this.size = live;
    this.cancelledCount = 0;
    for (let i = (live - 2) >> 2; i >= 0; i--) {
      this.siftDown(
        i,
        this.times[i] as number,
        this.priorities[i] as number,
        this.seqs[i] as number,
        entries[i] as Entry,
      );
    }
  }
}

/** Slot k's (priority, sequence) before slot c's, their times being equal. */
function keyBefore(priorities: Float64Array, seqs: Float64Array, k: number, c: number): boolean {
  const kp = priorities[k] as number;
  const cp = priorities[c] as number;
  return kp < cp || (kp === cp && (seqs[k] as number) < (seqs[c] as number));
}
