// A map with a capacity and an expiry time per entry: least recently used
// entries are evicted past the capacity, and an entry past its expiry is not
// returned. It is the bookkeeping every cache model needs (a proxy's query
// cache, an application cache), so it lives below the models and knows
// nothing of databases. Recency is a doubly linked list through the entries: a
// hit relinks one entry and leaves the Map alone (deleting and re-adding a hot
// key in a Map makes V8's hash table slow).
import { SimulationError } from "./errors.js";

/** An entry: key, value, expiry and its neighbours in the recency list. */
class Slot<K, V> {
  readonly key: K;
  value: V;
  expiresAt: number;
  /** Less recently used neighbour. */
  prev: Slot<K, V>;
  /** More recently used neighbour. */
  next: Slot<K, V>;
  constructor(key: K, value: V, expiresAt: number) {
    this.key = key;
    this.value = value;
    this.expiresAt = expiresAt;
    this.prev = this;
    this.next = this;
  }

  unlink(): void {
    this.prev.next = this.next;
    this.next.prev = this.prev;
  }

  /** Links this slot just before `head` (the sentinel): most recently used. */
  linkBefore(head: Slot<K, V>): void {
    this.prev = head.prev;
    this.next = head;
    head.prev.next = this;
    head.prev = this;
  }
}

/**
 * A map of at most `capacity` entries, each live until its expiry time, with
 * least-recently-used eviction. Expired entries are not removed on their own:
 * they stay (and count in {@link LruTtlMap.size}) until set again, deleted or
 * evicted, as in a cache that checks expiry on lookup. O(1) per operation.
 *
 * @example
 * ```ts
 * const map = new LruTtlMap<number, string>(2);
 * map.set(1, "a", 100);        // live until t = 100
 * map.get(1, 50);              // "a" (and 1 is now the most recently used)
 * map.get(1, 100);             // undefined: expired
 * ```
 *
 * @remarks Since 0.2.0
 */
export class LruTtlMap<K, V> {
  /** Entries it holds at most (0: it holds nothing). */
  readonly capacity: number;
  private readonly slots = new Map<K, Slot<K, V>>();
  /** The recency list's sentinel: `head.next` is the least recently used slot. */
  private readonly head: Slot<K, V>;

  /** @param capacity - entries it holds at most: an integer ≥ 0 */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new SimulationError(
        "BAD_CAPACITY",
        `LruTtlMap capacity ${capacity} is not an integer ≥ 0`,
      );
    }
    this.capacity = capacity;
    this.head = new Slot<K, V>(undefined as K, undefined as V, 0);
  }

  /** Entries held now, expired ones not yet replaced or evicted included. */
  get size(): number {
    return this.slots.size;
  }

  /**
   * The value of `key` if it expires after `now`; it becomes the most recently
   * used (its expiry does not move). An expired entry is left as it is.
   */
  get(key: K, now: number): V | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined || slot.expiresAt <= now) return undefined;
    slot.unlink();
    slot.linkBefore(this.head);
    return slot.value;
  }

  /**
   * Sets `key` to `value`, live until `expiresAt`, as the most recently used
   * entry; past the capacity the least recently used entry is evicted.
   *
   * @returns true if an entry was evicted to make room
   */
  set(key: K, value: V, expiresAt: number): boolean {
    if (this.capacity === 0) return false;
    let slot = this.slots.get(key);
    if (slot === undefined) {
      slot = new Slot(key, value, expiresAt);
      this.slots.set(key, slot);
    } else {
      slot.unlink();
      slot.value = value;
      slot.expiresAt = expiresAt;
    }
    slot.linkBefore(this.head);
    if (this.slots.size <= this.capacity) return false;
    const oldest = this.head.next;
    oldest.unlink();
    this.slots.delete(oldest.key);
    return true;
  }

  /** Removes `key` (an invalidation); false when it was not there. */
  delete(key: K): boolean {
    const slot = this.slots.get(key);
    if (slot === undefined) return false;
    slot.unlink();
    this.slots.delete(key);
    return true;
  }
}
