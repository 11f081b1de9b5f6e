// The statements in service on a processor-sharing server, by the virtual time
// each finishes at (its attained-service deadline). Under egalitarian processor
// sharing every job in service advances at the same speed, so the order of their
// virtual finish times never changes: an arrival is one push, the next
// completion is always the least key, and no other job is touched (the
// virtual-clock device of fair queueing's virtual finish times: Demers, Keshav &
// Shenker, "Analysis and Simulation of a Fair Queueing Algorithm", SIGCOMM 1989).
//
// Keys and tie-breaking sequence numbers live in typed arrays, so no double is
// boxed on the way in or out; ties go to the job that arrived first, the order of
// the kernel's own `MinHeap` (src/kernel/heap.ts), so the completions come out in
// the same order whichever of the two holds them.
import type { ErrorKind, Operation } from "../operation.js";

/**
 * A job in service: either a statement of `op` (its answer goes to `answer`) or
 * bare work (`after`, for a backend's start-up or a replica's apply). Reused once
 * it has finished.
 */
export class PsJob {
  /** The statement's operation; null for bare work. */
  op: Operation | null = null;
  /** The statement's index in `op`. */
  index = 0;
  /** Where the statement's answer goes. */
  answer: ((error: ErrorKind | null) => void) | null = null;
  /** What bare work calls when it is done. */
  after: (() => void) | null = null;
}

/** A binary min-heap of jobs keyed by virtual finish time; ties: the first pushed first. */
export class PsJobHeap {
  private keys = new Float64Array(16);
  private seqs = new Float64Array(16);
  private values: (PsJob | null)[] = new Array<PsJob | null>(16).fill(null);
  private size = 0;
  private seq = 0;

  /** Jobs in the heap. */
  get length(): number {
    return this.size;
  }

  /** The least key, or +Infinity when the heap is empty. */
  peekKey(): number {
    return this.size > 0 ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** Adds `job`, which finishes at virtual time `key`. */
  push(key: number, job: PsJob): void {
    if (Number.isNaN(key)) throw new RangeError(`PsJobHeap.push: key ${key} is not a number`);
    if (this.size === this.keys.length) this.grow();
    const keys = this.keys;
    const seqs = this.seqs;
    const values = this.values;
    const seq = this.seq++;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (key > pk || (key === pk && seq > (seqs[parent] as number))) break;
      keys[i] = pk;
      seqs[i] = seqs[parent] as number;
      values[i] = values[parent] as PsJob;
      i = parent;
    }
    keys[i] = key;
    seqs[i] = seq;
    values[i] = job;
  }

  /** Removes and returns the job with the least key; the heap must not be empty. */
  pop(): PsJob {
    const values = this.values;
    const top = values[0] as PsJob;
    const last = --this.size;
    const key = this.keys[last] as number;
    const seq = this.seqs[last] as number;
    const job = values[last] as PsJob;
    values[last] = null;
    if (last > 0) this.siftDown(key, seq, job);
    return top;
  }

  private siftDown(key: number, seq: number, job: PsJob): void {
    const keys = this.keys;
    const seqs = this.seqs;
    const values = this.values;
    const n = this.size;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      let ck = keys[child] as number;
      let cs = seqs[child] as number;
      const right = child + 1;
      if (right < n) {
        const rk = keys[right] as number;
        const rs = seqs[right] as number;
        if (rk < ck || (rk === ck && rs < cs)) {
          child = right;
          ck = rk;
          cs = rs;
        }
      }
      if (key < ck || (key === ck && seq < cs)) break;
      keys[i] = ck;
      seqs[i] = cs;
      values[i] = values[child] as PsJob;
      i = child;
    }
    keys[i] = key;
    seqs[i] = seq;
    values[i] = job;
  }

  private grow(): void {
    const n = this.keys.length * 2;
    const keys = new Float64Array(n);
    keys.set(this.keys);
    const seqs = new Float64Array(n);
    seqs.set(this.seqs);
    this.keys = keys;
    this.seqs = seqs;
    for (let i = this.values.length; i < n; i++) this.values.push(null);
  }
}
