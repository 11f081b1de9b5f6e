// Counters for events that only need a tally: completed requests, errors by kind.
// CounterMap reports its entries sorted by key (plain code-unit order, not
// localeCompare, which depends on the host's locale) so a report's bytes do not
// depend on the order in which kinds first occurred.

/**
 * A running total of non-negative increments.
 *
 * @remarks Since 0.1.0
 */
export class Counter {
  private total = 0;

  /**
   * Adds `n` (default 1).
   *
   * @throws RangeError when `n` is negative, NaN or infinite
   */
  add(n = 1): void {
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`Counter increment must be a finite number >= 0, got ${n}`);
    }
    this.total += n;
  }

  /** The total so far. */
  get value(): number {
    return this.total;
  }

  /** Sets the total back to 0. */
  reset(): void {
    this.total = 0;
  }
}

/**
 * Counters keyed by string (error kinds, shard names), reported in key order.
 *
 * @remarks Since 0.1.0
 */
export class CounterMap {
  private readonly counts = new Map<string, number>();
  private sum = 0;

  /**
   * Adds `n` (default 1) to the counter for `key`, creating it at 0 first.
   *
   * @throws RangeError when `n` is negative, NaN or infinite
   */
  add(key: string, n = 1): void {
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `CounterMap increment for "${key}" must be a finite number >= 0, got ${n}`,
      );
    }
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
    this.sum += n;
  }

  /** The count for `key`; 0 if it was never added. */
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }

  /** The sum over every key. */
  get total(): number {
    return this.sum;
  }

  /** Number of distinct keys. */
  get size(): number {
    return this.counts.size;
  }

  /** `[key, count]` pairs sorted by key in code-unit order. */
  entries(): Array<[string, number]> {
    return [...this.counts.entries()].sort(byKey);
  }

  /**
   * The counts as a plain object whose keys were inserted in sorted order. Note that
   * JavaScript lists integer-like keys (`"404"`) first whatever the insertion order;
   * use {@link CounterMap.entries} where that matters.
   */
  toRecord(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, value] of this.entries()) out[key] = value;
    return out;
  }

  /** Forgets every key. */
  reset(): void {
    this.counts.clear();
    this.sum = 0;
  }
}

function byKey(a: [string, number], b: [string, number]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}
