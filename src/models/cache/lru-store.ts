// Exact LRU: a node that evicts the least recently used item whenever a set
// would take it past its capacity, in items (each item counts 1) or in bytes.
// The textbook policy Che's approximation describes (Che, Tung and Wang, IEEE
// JSAC 2002), and the baseline the engines' approximations are judged by. The
// kernel's LruTtlMap counts items only and does not say when it drops an
// expired entry, so the cache keeps its own list.
import {
  CacheEntry,
  type CacheStore,
  type CacheEntry as Entry,
  RecencyList,
  type SetOutcome,
} from "./entry.js";
import { KeyIndex } from "./key-index.js";

/**
 * A cache node with exact LRU eviction.
 *
 * @example
 * ```ts
 * const store = new ExactLruStore<number>(2, "items");
 * store.set(1, 10, 1, Infinity, 0);
 * store.set(2, 20, 1, Infinity, 0);
 * store.get(1, 1);                  // touches 1
 * store.set(3, 30, 1, Infinity, 2); // evicts 2
 * ```
 *
 * @remarks Since 0.2.0
 */
export class ExactLruStore<V> implements CacheStore<V> {
  /** The most the items' units may add up to. */
  readonly capacity: number;
  /** Whether an item counts its bytes or 1. */
  readonly unit: "items" | "bytes";
  evictions = 0;
  expirations = 0;
  private used = 0;
  private readonly entries: KeyIndex<V>;
  private readonly recency = new RecencyList<V>();

  /**
   * @param capacity - items, or bytes: a number > 0
   * @param unit - what the capacity counts
   * @param keySpace - keys are integers in [0, keySpace) (faster lookups); undefined for any
   * @param onRelease - told of each value that leaves the store (dropped, or replaced by a set), with its key
   */
  constructor(
    capacity: number,
    unit: "items" | "bytes",
    keySpace?: number,
    onRelease?: (value: V, key: number) => void,
  ) {
    this.entries = new KeyIndex<V>(keySpace, onRelease ?? null);
    if (!(capacity > 0 && Number.isFinite(capacity))) {
      throw new RangeError(`Exact LRU capacity ${capacity} ${unit}; expected a number > 0`);
    }
    this.capacity = capacity;
    this.unit = unit;
  }

  get items(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.used;
  }

  get(key: number, now: number): Entry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.drop(entry);
      this.expirations++;
      return undefined;
    }
    this.recency.touch(entry);
    return entry;
  }

  set(key: number, value: V, bytes: number, expiresAt: number, _now: number): SetOutcome {
    const units = this.unit === "items" ? 1 : bytes;
    if (units > this.capacity) return "too_large";
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = new CacheEntry(key, value, units, expiresAt);
      this.entries.add(entry);
      this.recency.push(entry);
    } else {
      this.used -= entry.bytes;
      this.entries.replace(entry, value);
      entry.bytes = units;
      entry.expiresAt = expiresAt;
      this.recency.touch(entry);
    }
    this.used += units;
    while (this.used > this.capacity) {
      this.drop(this.recency.oldest as Entry<V>);
      this.evictions++;
    }
    return "stored";
  }

  values(): IterableIterator<CacheEntry<V>> {
    return this.recency.values();
  }

  clear(): void {
    for (const entry of [...this.values()]) this.delete(entry.key);
  }

  delete(key: number): boolean {
    const entry = this.entries.get(key);
    if (entry === undefined) return false;
    this.drop(entry);
    return true;
  }

  private drop(entry: Entry<V>): void {
    this.recency.remove(entry);
    this.entries.delete(entry.key);
    this.used -= entry.bytes;
  }
}
