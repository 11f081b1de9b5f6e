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
//
// With many pending events (10^4 closed-loop clients each holding a think timer) the
// heap's logarithm dominates: a pop walks log4 N levels, four compares per level. So
// once the heap holds more than `spillAt` entries, the far future leaves it, after the
// ladder queue (W. T. Tang, R. S. M. Goh, I. L.-J. Thng, "Ladder queue: an O(1) priority
// queue structure for large-scale discrete event simulation", ACM TOMACS 15(3), 2005)
// and the calendar queue before it (R. Brown, CACM 31(10), 1988): unsorted buckets of
// equal width in time, each entry appended in O(1), and an unsorted "top" beyond them.
// Only the earliest bucket is ever in the heap. The order stays exact: an entry's place
// is a monotone function of its time alone (bucket index = floor((t - start) / width)),
// so every entry in the heap precedes every entry outside it, and entries with equal
// times always share a place, where the heap breaks the tie by (priority, sequence).
// When the buckets run dry the top is spread over a fresh set of them (the ladder's
// "rung" built from its top); each entry moves at most top -> bucket -> heap.
// Buckets and the top are lists threaded through the entries (`next`), not arrays: an
// array's backing store, regrown at every round, would be young memory that lives as
// long as the far future waits, which the collector copies at every scavenge.
//
// Many events are queued for the current instant with priority 0 by the kernel itself:
// a granted request, a triggered event, a process's start (two of the four events per
// customer of an M/M/1 written with processes). Queued at one time with one priority,
// they arrive in key order (the sequence only grows), so they wait in a FIFO ring, the
// "now lane", beside the heap, as an event and its sequence number without an entry of
// their own (nobody holds a handle to cancel them): no entry to make, no sift. The
// simulation takes the lane's head when the heap's least entry does not precede it. The order is the
// heap's exactly: the lane holds only events at the current time, and the clock cannot
// pass one, since it would be taken first. (Sorted runs merged with a priority queue:
// Knuth, TAOCP vol. 3, §5.4.1.)

/**
 * One scheduled entry. Opaque to users: `Simulation.schedule` returns it as an
 * {@link EventHandle} for `cancel`.
 *
 * @internal
 */
export class Entry {
  /**
   * Initialised as a number, not declared bare: a bare field starts undefined, so V8
   * keeps it tagged and every store of a non-integer time boxes a new number; from a
   * number it keeps the double in the entry and a store writes it in place. A new
   * entry then allocates that box, but a reused one (`reuse`: the owned entries of
   * the request path) is re-timed without allocating or passing the write barrier.
   */
  time = 0;
  priority: number;
  seq: number;
  /**
   * What runs: a callback, or an object whose `_process` runs (the kernel's events);
   * null once it has run or was cancelled. One field, not a callback,
   * a target and a cancelled flag: an entry is made per event, so each field is a store
   * per event (five fields against the seven this replaces).
   */
  action: EntryAction | null;
  /** The next entry in the same bucket (or the top), while it waits outside the heap. */
  next: Entry | null = null;

  constructor(time: number, priority: number, seq: number, action: EntryAction) {
    this.time = time;
    this.priority = priority;
    this.seq = seq;
    this.action = action;
  }
}

/**
 * A callback, or an object the queue runs through its `_process` method.
 *
 * @internal
 */
export type EntryAction = (() => void) | LaneEvent;

/**
 * An object the queue runs through its `_process` method: the kernel's events.
 *
 * @internal
 */
export interface LaneEvent {
  _process(): void;
}

const ARITY = 4;
const INITIAL_CAPACITY = 64;
/**
 * Heap size at which the far future moves out to buckets. In bench/pending.bench.ts's
 * closed network (four buckets per entry) 16 against 64 cost the same per event with 10
 * or 15 pending and 0.86×, 0.80× and 0.72× with 20, 30 and 50: a heap of a few dozen
 * entries already costs more per pop than the buckets do.
 */
const SPILL_AT = 16;
/**
 * Entries per bucket aimed at when the top is spread over buckets: a quarter, i.e. four
 * buckets per entry. The buckets are of equal width but the pending times are not
 * uniform (a think time's residual is densest near now), so the buckets near now hold
 * several times the average; fewer entries per bucket keep the heap they are brought
 * into small. In bench/pending.bench.ts's closed network, 0.25 against the former 2
 * took 0.83× the CPU per event at 10^4 pending and 0.80× at 10^5 (0.125 and 0.0625 did
 * no better); the price is the bucket array, 4 pointers per entry spread (32 bytes).
 */
const PER_BUCKET = 0.25;

/**
 * Tuning for tests, which need the buckets with a few entries.
 *
 * @internal
 */
export interface EventQueueOptions {
  /** Heap size at which the far future moves out to buckets (default 16). */
  spillAt?: number;
  /** Entries per bucket aimed at, a fraction for more buckets than entries (default 0.25). */
  perBucket?: number;
}

/** (priority, sequence) of a before b's; only asked when their times are equal. */
function tieBefore(a: Entry, b: Entry): boolean {
  return a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq);
}

/** @internal */
export class EventQueue {
  /** Slot i's time: the key's first part, the only one most compares need. */
  private times = new Float64Array(INITIAL_CAPACITY);
  /** Slot i's entry, whose priority and sequence break ties in time. */
  private entries: (Entry | null)[] = new Array<Entry | null>(INITIAL_CAPACITY).fill(null);
  /** Entries in the heap. */
  private size = 0;
  /** Entries anywhere (heap, buckets, top) that were cancelled and not yet dropped. */
  private cancelledCount = 0;
  /** True while the far future is kept in buckets and the top. */
  private bucketed = false;
  /** Heap size that makes the queue bucketed. */
  private spillAt: number;
  private readonly minSpill: number;
  private readonly perBucket: number;
  /** Bucket index of time t: floor((t - start) * invWidth). */
  private start = 0;
  private invWidth = 0;
  /** Buckets in use this round; those at or below `cur` have gone to the heap. */
  private bucketCount = 0;
  private cur = -1;
  /** Each bucket's list (its first entry), or null when empty. */
  private readonly buckets: (Entry | null)[] = [];
  /** The list of entries beyond the last bucket, unsorted, and its length. */
  private top: Entry | null = null;
  private topCount = 0;
  /** Entries in the buckets and the top. */
  private farCount = 0;
  /** The now lane (see the file's header): a ring of events, oldest first from `laneHead`. */
  private laneEvents: (LaneEvent | null)[] = new Array<LaneEvent | null>(INITIAL_CAPACITY).fill(
    null,
  );
  /** Each lane event's sequence number, in the same slot. */
  private laneSeqs = new Float64Array(INITIAL_CAPACITY);
  private laneHead = 0;
  private laneCount = 0;

  constructor(options: EventQueueOptions = {}) {
    this.minSpill = options.spillAt ?? SPILL_AT;
    this.spillAt = this.minSpill;
    this.perBucket = options.perBucket ?? PER_BUCKET;
  }

  get length(): number {
    return this.size + this.farCount + this.laneCount - this.cancelledCount;
  }

  /**
   * Queues `event` for the current instant with priority 0, sequence `seq`, at the end
   * of the now lane. The caller's promise: every event in the lane is for the current
   * time and has a lower sequence number (the simulation's clock and counter give both).
   */
  pushNow(event: LaneEvent, seq: number): void {
    const events = this.laneEvents;
    const n = this.laneCount;
    if (n === events.length) {
      this.growLane();
      this.pushNow(event, seq);
      return;
    }
    const slot = (this.laneHead + n) & (events.length - 1);
    events[slot] = event;
    this.laneSeqs[slot] = seq;
    this.laneCount = n + 1;
  }

  /** Events in the now lane. */
  get laneLength(): number {
    return this.laneCount;
  }

  /**
   * True when the lane's head, an event at `now` with priority 0, comes before `next`,
   * the heap's least live entry ({@link EventQueue.peek}; undefined when none).
   */
  laneFirst(next: Entry | undefined, now: number): boolean {
    if (this.laneCount === 0) return false;
    if (next === undefined || next.time > now) return true;
    const p = next.priority;
    return (
      next.time === now &&
      (p > 0 || (p === 0 && next.seq > (this.laneSeqs[this.laneHead] as number)))
    );
  }

  /** The sequence number of the lane's head (the lane is not empty). */
  laneHeadSeq(): number {
    return this.laneSeqs[this.laneHead] as number;
  }

  /** The lane's head (the lane is not empty). */
  laneHeadEvent(): LaneEvent {
    return this.laneEvents[this.laneHead] as LaneEvent;
  }

  /** Removes and returns the lane's head (the lane is not empty). */
  takeLane(): LaneEvent {
    const events = this.laneEvents;
    const head = this.laneHead;
    const event = events[head] as LaneEvent;
    events[head] = null;
    this.laneHead = (head + 1) & (events.length - 1);
    this.laneCount--;
    return event;
  }

  /** Doubles the ring, its events moved to the front in order. */
  private growLane(): void {
    const old = this.laneEvents;
    const oldSeqs = this.laneSeqs;
    const mask = old.length - 1;
    const events = new Array<LaneEvent | null>(old.length * 2).fill(null);
    const seqs = new Float64Array(old.length * 2);
    for (let i = 0; i < old.length; i++) {
      events[i] = old[(this.laneHead + i) & mask] as LaneEvent;
      seqs[i] = oldSeqs[(this.laneHead + i) & mask] as number;
    }
    this.laneEvents = events;
    this.laneSeqs = seqs;
    this.laneHead = 0;
  }

  push(entry: Entry): void {
    if (!this.bucketed) {
      if (this.size < this.spillAt) {
        this.heapPush(entry);
        return;
      }
      this.spill();
      // Spilling entries of one time (no span to cut into buckets) goes back to one heap.
      if (!this.bucketed) {
        this.heapPush(entry);
        return;
      }
    }
    const b = Math.floor((entry.time - this.start) * this.invWidth);
    if (b > this.cur) {
      if (b < this.bucketCount) {
        entry.next = this.buckets[b] as Entry | null;
        this.buckets[b] = entry;
      } else {
        entry.next = this.top;
        this.top = entry;
        this.topCount++;
      }
      this.farCount++;
      return;
    }
    this.heapPush(entry);
  }

  private heapPush(entry: Entry): void {
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

  /**
   * `e`, an entry that has run and whose handle nobody keeps, set to (time,
   * priority, seq) afresh; not yet pushed. The database server moves its one
   * completion event at every start and completion of a statement, and reuses the
   * entry that has just run for the move at a completion. Only such entries:
   * reusing every entry that has run (the queue's own events' too) cost kernel
   * processes 2–5 % in CPU,
   * likely the write barrier of storing young objects into entries that had aged,
   * and cancelled entries cannot be told apart from ones whose handle a user keeps.
   */
  reuse(e: Entry, time: number, priority: number, seq: number, action: EntryAction): Entry {
    // Re-timing an entry that still waits in the heap or a bucket would break the queue
    // (and run its owner twice): a bug in the owner, so say so where it happens.
    if (e.action !== null) {
      throw new Error(
        `dbsim internal error: a queue entry for ${e.time} ms was reused while still pending`,
      );
    }
    e.next = null;
    e.time = time;
    e.priority = priority;
    e.seq = seq;
    e.action = action;
    return e;
  }

  /** Removes and returns the heap's first live entry (the lane aside), or undefined. */
  pop(): Entry | undefined {
    const next = this.peek();
    if (next !== undefined) this.popPeeked();
    return next;
  }

  /** The heap's first live entry without removing it (the lane aside). */
  peek(): Entry | undefined {
    for (;;) {
      if (this.size === 0 && !this.refill()) return undefined;
      const top = this.entries[0] as Entry;
      if (top.action !== null) return top;
      this.popRaw();
      this.cancelledCount--;
    }
  }

  /**
   * Removes the entry {@link EventQueue.peek} has just returned (live, in the heap): the
   * run loop peeks to compare with its limits, then takes it without a second look.
   */
  popPeeked(): void {
    const entries = this.entries;
    const last = this.size - 1;
    this.size = last;
    if (last > 0) this.siftDown(0, this.times[last] as number, entries[last] as Entry);
    entries[last] = null;
  }

  /** Marks an entry cancelled (its action null); it is dropped when it reaches the top. */
  cancel(entry: Entry): void {
    entry.action = null;
    this.cancelledCount++;
    // Bound memory when most pending entries are cancelled (e.g. timeouts that rarely fire).
    if (this.cancelledCount > 1024 && this.cancelledCount * 2 > this.size + this.farCount) {
      this.compact();
    }
  }

  private popRaw(): Entry | undefined {
    if (this.size === 0 && !this.refill()) return undefined;
    const n = this.size;
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
    for (let i = (live - 2) >> 2; i >= 0; i--) {
      this.siftDown(i, this.times[i] as number, entries[i] as Entry);
    }
    this.farCount = 0;
    for (let b = this.cur + 1; b < this.bucketCount; b++) {
      const [head, n] = dropCancelled(this.buckets[b] as Entry | null);
      this.buckets[b] = head;
      this.farCount += n;
    }
    const [head, n] = dropCancelled(this.top);
    this.top = head;
    this.topCount = n;
    this.farCount += n;
    this.cancelledCount = 0;
  }

  /** Moves every heap entry to the top and spreads the top over buckets. */
  private spill(): void {
    const entries = this.entries;
    for (let i = 0; i < this.size; i++) {
      const e = entries[i] as Entry;
      e.next = this.top;
      this.top = e;
      entries[i] = null;
    }
    this.topCount += this.size;
    this.farCount += this.size;
    this.size = 0;
    this.bucketed = true;
    this.cur = -1;
    this.bucketCount = 0;
    this.rebucket();
  }

  /**
   * The heap is empty: brings the next non-empty bucket into it, spreading the top
   * over fresh buckets when they have all been used. False when nothing is pending.
   */
  private refill(): boolean {
    if (!this.bucketed) return false;
    const buckets = this.buckets;
    while (this.size === 0) {
      let b = this.cur + 1;
      while (b < this.bucketCount && buckets[b] === null) b++;
      if (b < this.bucketCount) {
        this.cur = b;
        const head = buckets[b] as Entry;
        buckets[b] = null;
        this.takeList(head);
      } else if (this.top !== null) {
        this.cur = this.bucketCount - 1;
        this.rebucket();
      } else {
        this.cur = this.bucketCount - 1;
        return false;
      }
    }
    return true;
  }

  /** Pushes a list's live entries into the heap. */
  private takeList(head: Entry | null): void {
    for (let e = head; e !== null; ) {
      const next = e.next;
      e.next = null;
      this.farCount--;
      if (e.action === null) this.cancelledCount--;
      else this.heapPush(e);
      e = next;
    }
  }

  /**
   * Spreads the top over new buckets from its least to its greatest time; with the
   * heap empty and every old bucket used, the new start may be anywhere at or before
   * the least pending time. Few entries (or one time) go back to a plain heap.
   */
  private rebucket(): void {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (let e = this.top; e !== null; e = e.next) {
      if (e.time < lo) lo = e.time;
      if (e.time > hi) hi = e.time;
    }
    const count = Math.ceil(this.topCount / this.perBucket);
    // (count - 1) / span: the greatest time maps just below `count`, whatever the rounding.
    const invWidth = (count - 1) / (hi - lo);
    if (this.topCount < this.minSpill / 2 || count < 2 || !(invWidth < Infinity)) {
      this.unbucket();
      return;
    }
    const buckets = this.buckets;
    while (buckets.length < count) buckets.push(null);
    this.start = lo;
    this.invWidth = invWidth;
    this.bucketCount = count;
    this.cur = -1;
    let e = this.top;
    let kept: Entry | null = null;
    let keptCount = 0;
    while (e !== null) {
      const next = e.next;
      const b = Math.floor((e.time - lo) * invWidth);
      if (b < count) {
        e.next = buckets[b] as Entry | null;
        buckets[b] = e;
      } else {
        e.next = kept;
        kept = e;
        keptCount++;
      }
      e = next;
    }
    this.top = kept;
    this.topCount = keptCount;
  }

  /** Back to one heap: every pending entry in it, the buckets unused. */
  private unbucket(): void {
    const head = this.top;
    this.top = null;
    this.topCount = 0;
    this.takeList(head);
    this.bucketed = false;
    this.bucketCount = 0;
    this.cur = -1;
    // Not straight back: a heap that hovers near the threshold would spill every few pushes.
    this.spillAt = Math.max(this.minSpill, 2 * this.size);
  }
}

/** A list without its cancelled entries: its new head and length. */
function dropCancelled(head: Entry | null): [Entry | null, number] {
  let kept: Entry | null = null;
  let n = 0;
  for (let e = head; e !== null; ) {
    const next = e.next;
    if (e.action === null) e.next = null;
    else {
      e.next = kept;
      kept = e;
      n++;
    }
    e = next;
  }
  return [kept, n];
}
