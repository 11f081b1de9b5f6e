// The hottest rows in bounded memory: the Space-Saving algorithm (Metwally,
// Agrawal & El Abbadi, "Efficient computation of frequent and top-k elements in
// data streams", ICDT 2005). It keeps k counters; a row not among them replaces
// the one with the smallest count and inherits that count plus one, so a count
// overestimates the truth by at most the count it inherited (kept as `error`) and
// every row seen more than total/k times is among the k.
// Left out: nothing the report needs; ties in eviction go to the counter created
// first, so the result is deterministic.

/**
 * One row's count as Space-Saving keeps it.
 *
 * @remarks Since 0.2.0
 */
export interface HotRow {
  /** The row (key). */
  readonly row: number;
  /** Its count, an overestimate by at most `error`. */
  readonly count: number;
  /** The count inherited when it took its counter over. */
  readonly error: number;
}

interface Slot {
  row: number;
  count: number;
  error: number;
}

/**
 * Space-Saving top-k counter.
 *
 * @remarks Since 0.2.0
 */
export class HotRows {
  private readonly k: number;
  private slots: Slot[] = [];
  private readonly index = new Map<number, Slot>();

  /** @param k - counters kept (positive integer) */
  constructor(k: number) {
    if (!Number.isInteger(k) || k < 1) {
      throw new RangeError(`hot rows: k ${k} is not a positive integer`);
    }
    this.k = k;
  }

  /** Counts one event on `row`. */
  add(row: number): void {
    const slot = this.index.get(row);
    if (slot !== undefined) {
      slot.count++;
      return;
    }
    if (this.slots.length < this.k) {
      const fresh = { row, count: 1, error: 0 };
      this.slots.push(fresh);
      this.index.set(row, fresh);
      return;
    }
    let min = this.slots[0] as Slot;
    for (const s of this.slots) if (s.count < min.count) min = s;
    this.index.delete(min.row);
    min.error = min.count;
    min.count++;
    min.row = row;
    this.index.set(row, min);
  }

  /** The counted rows, highest count first (ties: lower row first). */
  top(): HotRow[] {
    return this.slots
      .map((s) => ({ row: s.row, count: s.count, error: s.error }))
      .sort((a, b) => b.count - a.count || a.row - b.row);
  }

  /** Forgets every count. */
  reset(): void {
    this.slots = [];
    this.index.clear();
  }
}
