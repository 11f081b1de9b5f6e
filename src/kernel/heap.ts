// A binary min-heap that is stable: values come out by key, and values with
// equal keys in the order they were pushed. A bare heap is not stable, so the
// push sequence number is part of every key (as in the event queue) and the
// output order is a function of the pushes alone — what determinism needs.
// Keys, sequence numbers and values live in three parallel arrays, so a push
// allocates nothing and comparisons are inline (no comparator closure).
import { SimulationError } from "./errors.js";

/**
 * A stable binary min-heap: `pop` returns the value with the least key, and
 * among equal keys the one pushed first. Push and pop are O(log n); `remove`
 * is O(n).
 *
 * Not promised: any order of the values in the heap other than the one `pop`
 * gives.
 *
 * @example
 * ```ts
 * const heap = new MinHeap<string>();
 * heap.push(2, "b"); heap.push(1, "a"); heap.push(2, "c");
 * heap.pop(); // "a", then "b", then "c"
 * ```
 *
 * @remarks Since 0.2.0
 */
export class MinHeap<T> {
  private readonly keys: number[] = [];
  private readonly seqs: number[] = [];
  private readonly values: T[] = [];
  private seq = 0;

  /** Values in the heap. */
  get length(): number {
    return this.values.length;
  }

  /** Adds `value` with `key` (any number but NaN; ±Infinity allowed). */
  push(key: number, value: T): void {
    if (Number.isNaN(key)) {
      throw new SimulationError("BAD_PRIORITY", `Heap key ${key} is not a number`);
    }
    const keys = this.keys;
    keys.push(key);
    this.seqs.push(this.seq);
    this.values.push(value);
    this.siftUp(keys.length - 1, key, this.seq++, value);
  }

  /** The value with the least key (the first pushed among equals), or undefined when empty. */
  peek(): T | undefined {
    return this.values[0];
  }

  /** The least key, or +Infinity when the heap is empty. */
  peekKey(): number {
    return this.keys.length > 0 ? (this.keys[0] as number) : Number.POSITIVE_INFINITY;
  }

  /** Removes and returns the value {@link peek} shows, or undefined when empty. */
  pop(): T | undefined {
    const n = this.values.length;
    if (n === 0) return undefined;
    const top = this.values[0] as T;
    this.removeAt(0);
    return top;
  }

  /** Removes the first slot holding `value` (by identity); false when it is not in the heap. */
  remove(value: T): boolean {
    const i = this.values.indexOf(value);
    if (i < 0) return false;
    this.removeAt(i);
    return true;
  }

  /** Empties the heap (it keeps counting sequence numbers). */
  clear(): void {
    this.keys.length = 0;
    this.seqs.length = 0;
    this.values.length = 0;
  }

  /** Fills slot `i` with the last slot and restores the order around it. */
  private removeAt(i: number): void {
    const key = this.keys.pop() as number;
    const seq = this.seqs.pop() as number;
    const value = this.values.pop() as T;
    if (i >= this.values.length) return;
    // The moved slot may belong above or below `i`.
    if (i > 0 && this.before(key, seq, (i - 1) >> 1)) {
      this.siftUp(i, key, seq, value);
    } else {
      this.siftDown(i, key, seq, value);
    }
  }

  /** Whether (key, seq) comes before the slot `j`. */
  private before(key: number, seq: number, j: number): boolean {
    const other = this.keys[j] as number;
    return key !== other ? key < other : seq < (this.seqs[j] as number);
  }

  private siftUp(i: number, key: number, seq: number, value: T): void {
    const keys = this.keys;
    const seqs = this.seqs;
    const values = this.values;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const pk = keys[parent] as number;
      if (key > pk || (key === pk && seq > (seqs[parent] as number))) break;
      keys[i] = pk;
      seqs[i] = seqs[parent] as number;
      values[i] = values[parent] as T;
      i = parent;
    }
    keys[i] = key;
    seqs[i] = seq;
    values[i] = value;
  }

  private siftDown(i: number, key: number, seq: number, value: T): void {
    const keys = this.keys;
    const seqs = this.seqs;
    const values = this.values;
    const n = keys.length;
    const half = n >> 1;
    while (i < half) {
      let child = 2 * i + 1;
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
      values[i] = values[child] as T;
      i = child;
    }
    keys[i] = key;
    seqs[i] = seq;
    values[i] = value;
  }
}
