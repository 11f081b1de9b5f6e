// A store's key → entry index. dbsim's keys are integers below the workload's
// key count, so when that bound is known an array indexed by key answers a
// lookup without hashing (a Map of numbers costs about a tenth of a cache hit's
// simulation time); without it, a Map. It also tells the owner of the values
// when one leaves the store (`onRelease`): dropped, or replaced by a newer set.
import type { CacheEntry } from "./entry.js";

/**
 * Entries by key: an array over `[0, keySpace)` when the key space is given
 * (keys outside it are refused), a Map otherwise.
 *
 * @remarks Since 0.2.0
 */
export class KeyIndex<V> {
  private readonly slots: (CacheEntry<V> | undefined)[] | null;
  private readonly map: Map<number, CacheEntry<V>> | null;
  private count = 0;

  /**
   * @param keySpace - keys are integers in [0, keySpace); undefined for any key
   * @param onRelease - told of each value that leaves the index (deleted or replaced), with its key
   */
  constructor(
    keySpace?: number,
    private readonly onRelease: ((value: V, key: number) => void) | null = null,
  ) {
    if (keySpace !== undefined && !(Number.isInteger(keySpace) && keySpace > 0)) {
      throw new RangeError(`Cache key space ${keySpace}; expected an integer > 0`);
    }
    this.slots =
      keySpace === undefined
        ? null
        : new Array<CacheEntry<V> | undefined>(keySpace).fill(undefined);
    this.map = keySpace === undefined ? new Map() : null;
  }

  get size(): number {
    return this.count;
  }

  get(key: number): CacheEntry<V> | undefined {
    return this.slots === null
      ? (this.map as Map<number, CacheEntry<V>>).get(key)
      : this.slots[key];
  }

  /** Adds an entry for a key that has none. */
  add(entry: CacheEntry<V>): void {
    if (this.slots === null) (this.map as Map<number, CacheEntry<V>>).set(entry.key, entry);
    else {
      if (!(entry.key >= 0 && entry.key < this.slots.length && Number.isInteger(entry.key))) {
        throw new RangeError(
          `Cache key ${entry.key} is outside the key space [0, ${this.slots.length})`,
        );
      }
      this.slots[entry.key] = entry;
    }
    this.count++;
  }

  delete(key: number): void {
    if (this.onRelease !== null) {
      const entry = this.get(key);
      if (entry !== undefined) this.onRelease(entry.value, key);
    }
    if (this.slots === null) (this.map as Map<number, CacheEntry<V>>).delete(key);
    else this.slots[key] = undefined;
    this.count--;
  }

  /** A set of a key held: `entry` now holds `value` (the old value is released). */
  replace(entry: CacheEntry<V>, value: V): void {
    if (this.onRelease !== null) this.onRelease(entry.value, entry.key);
    entry.value = value;
  }
}
