// One cached item and the intrusive recency list the LRU stores thread through
// their entries (a hit relinks one entry and leaves the Map alone, as the
// kernel's LruTtlMap does). An entry also carries the fields Redis keeps in an
// object's 24-bit `lru` field (src/server.h, robj): the LRU clock, or the LFU
// counter and its last decrement time.

/**
 * An item in a cache node: key, value, size, expiry and per-policy metadata.
 *
 * @remarks Since 0.2.0
 */
export class CacheEntry<V> {
  readonly key: number;
  value: V;
  /** Memory the item takes, as the store counts it (bytes, or 1 for item-counted stores). */
  bytes: number;
  /** When it expires (ms); Infinity for no TTL. */
  expiresAt: number;
  /**
   * Redis's LRU clock at the last access (in clock units), for the sampled LRU; a
   * store that keeps the clocks by key (`RedisStore` with a key space) sets it only
   * when the entry is made.
   */
  lruClock = 0;
  /** Redis's logarithmic LFU counter (0 … 255). */
  lfuCounter = 0;
  /** Redis's LFU last decrement time, in minutes. */
  lfuMinutes = 0;
  /** Position in the store's dense array (for uniform sampling); −1 when not in one. */
  slot = -1;
  /** Position in the dense array of entries with a TTL; −1 when not in it. */
  ttlSlot = -1;
  /** Memcached slab class (index into the store's classes); −1 when unused. */
  slabClass = -1;
  /** Chunks of that class it takes. */
  chunks = 0;
  /** Less recently used neighbour. */
  prev: CacheEntry<V> = this;
  /** More recently used neighbour. */
  next: CacheEntry<V> = this;

  constructor(key: number, value: V, bytes: number, expiresAt: number) {
    this.key = key;
    this.value = value;
    this.bytes = bytes;
    this.expiresAt = expiresAt;
  }
}

/**
 * A doubly linked list of entries, least recently used first; O(1) per step.
 *
 * @remarks Since 0.2.0
 */
export class RecencyList<V> {
  private readonly head: CacheEntry<V> = new CacheEntry<V>(-1, undefined as V, 0, 0);

  /** The least recently used entry, or undefined when empty. */
  get oldest(): CacheEntry<V> | undefined {
    const first = this.head.next;
    return first === this.head ? undefined : first;
  }

  /** Links `entry` as the most recently used (it must not be linked). */
  push(entry: CacheEntry<V>): void {
    entry.prev = this.head.prev;
    entry.next = this.head;
    this.head.prev.next = entry;
    this.head.prev = entry;
  }

  /** Moves a linked entry to the most recently used end. */
  touch(entry: CacheEntry<V>): void {
    this.remove(entry);
    this.push(entry);
  }

  /** The entries, least recently used first. */
  *values(): IterableIterator<CacheEntry<V>> {
    for (let entry = this.head.next; entry !== this.head; entry = entry.next) yield entry;
  }

  /** Unlinks `entry`. */
  remove(entry: CacheEntry<V>): void {
    entry.prev.next = entry.next;
    entry.next.prev = entry.prev;
    entry.prev = entry;
    entry.next = entry;
  }
}

/**
 * What a set did: `stored`; `oom` (Redis's `-OOM command not allowed when used
 * memory > 'maxmemory'`: noeviction, or a volatile policy with no key to
 * evict); `too_large` (bigger than the item size limit or the whole capacity:
 * Memcached's `SERVER_ERROR object too large for cache`).
 *
 * @remarks Since 0.2.0
 */
export type SetOutcome = "stored" | "oom" | "too_large";

/**
 * A cache node's memory: lookups with lazy expiry, sets that evict by the
 * store's policy, deletes, and the counters a report needs. Keys are integers;
 * `now` is simulated ms.
 *
 * @remarks Since 0.2.0
 */
export interface CacheStore<V> {
  /** The live entry of `key` (touched for recency or frequency), or undefined; an expired entry is removed and counted. */
  get(key: number, now: number): CacheEntry<V> | undefined;
  /** Stores `value` of `bytes` until `expiresAt`, evicting as the policy says. */
  set(key: number, value: V, bytes: number, expiresAt: number, now: number): SetOutcome;
  /** Removes `key`; false when it was not there. */
  delete(key: number): boolean;
  /** Drops every entry (a node restarting empty); not counted as evictions. */
  clear(): void;
  /** Every entry held, expired ones not yet found included (in no promised order). */
  values(): IterableIterator<CacheEntry<V>>;
  /** Items held, expired ones not yet found included. */
  readonly items: number;
  /** Memory in use, as the store counts it. */
  readonly usedBytes: number;
  /** Items evicted to make room since the last reset. */
  evictions: number;
  /** Items found expired (on a lookup or at an LRU tail) and removed since the last reset. */
  expirations: number;
}
