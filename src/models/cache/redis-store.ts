// A Redis node's keyspace under `maxmemory` and `maxmemory-policy` (redis.conf;
// src/evict.c performEvictions). Before a write, while used memory exceeds
// maxmemory, one key is evicted as the policy says; when none can be (noeviction,
// or a volatile-* policy with no key that has a TTL) the write fails with OOM.
// So, as in Redis, memory may exceed maxmemory by the last value written.
// Approximations: keys are sampled uniformly with replacement from a dense
// array, where dictGetSomeKeys walks consecutive hash buckets from a random
// one; expiry is lazy (on access), without the active expire cycle.
import { type CacheEntry, type CacheStore, CacheEntry as Entry, type SetOutcome } from "./entry.js";
import { KeyIndex } from "./key-index.js";
import { EvictionPool, LFU_INIT_VAL, lfuDecayed, lfuLogIncr } from "./redis-eviction.js";

/**
 * Redis's `maxmemory-policy` values.
 *
 * @remarks Since 0.2.0
 */
export type RedisMaxmemoryPolicy =
  | "noeviction"
  | "allkeys-lru"
  | "allkeys-lfu"
  | "allkeys-random"
  | "volatile-lru"
  | "volatile-lfu"
  | "volatile-random"
  | "volatile-ttl";

/**
 * The settings of a Redis node's memory, named as in redis.conf.
 *
 * @remarks Since 0.2.0
 */
export interface RedisMemoryConfig {
  /** `maxmemory` in bytes; 0 = no limit. */
  readonly maxmemoryBytes: number;
  readonly maxmemoryPolicy: RedisMaxmemoryPolicy;
  /** `maxmemory-samples` (5 by default). */
  readonly maxmemorySamples?: number;
  /** `lfu-log-factor` (10 by default). */
  readonly lfuLogFactor?: number;
  /** `lfu-decay-time` in minutes (1 by default; 0 = never decay). */
  readonly lfuDecayTimeMinutes?: number;
  /** The LRU clock's resolution (LRU_CLOCK_RESOLUTION, 1000 ms). */
  readonly lruClockResolutionMs?: number;
}

/** Key pools a policy samples from, and how it scores a key. */
type Scoring = "lru" | "lfu" | "random" | "ttl" | "none";

function scoringOf(policy: RedisMaxmemoryPolicy): Scoring {
  if (policy === "noeviction") return "none";
  if (policy === "volatile-ttl") return "ttl";
  return policy.endsWith("lru") ? "lru" : policy.endsWith("lfu") ? "lfu" : "random";
}

/**
 * A Redis node's memory with its eviction policy. Randomness (sampling, the
 * LFU counter) comes from `random`, a seeded stream's uniform draws.
 *
 * @remarks Since 0.2.0
 */
export class RedisStore<V> implements CacheStore<V> {
  readonly config: Required<RedisMemoryConfig>;
  evictions = 0;
  expirations = 0;
  private used = 0;
  private readonly entries: KeyIndex<V>;
  /** Every entry, densely, for sampling all keys. */
  private readonly all: CacheEntry<V>[] = [];
  /** The entries with a TTL (Redis's `expires` dict), for the volatile policies. */
  private readonly withTtl: CacheEntry<V>[] = [];
  private readonly pool = new EvictionPool();
  private readonly scoring: Scoring;
  private readonly volatile: boolean;
  /** Whether a hit updates the LFU counter (else the LRU clock): fixed per store, so read once. */
  private readonly lfu: boolean;
  private readonly lruClockResolutionMs: number;
  /**
   * Each key's LRU clock (8 bytes a key), when the key space is given and the
   * policy evicts by LRU (else the entry's `lruClock`): a hit then writes it here
   * and, with no key under a TTL, does not touch the entry at all (see `get`).
   */
  private readonly clocks: Float64Array | null;

  /**
   * @param random - uniform draws in [0, 1) from a seeded stream
   * @param keySpace - keys are integers in [0, keySpace) (faster lookups); undefined for any
   * @param onRelease - told of each value that leaves the store (dropped, or replaced by a set), with its key
   */
  constructor(
    config: RedisMemoryConfig,
    private readonly random: () => number,
    keySpace?: number,
    onRelease?: (value: V, key: number) => void,
  ) {
    this.entries = new KeyIndex<V>(keySpace, onRelease ?? null);
    this.config = {
      maxmemorySamples: 5,
      lfuLogFactor: 10,
      lfuDecayTimeMinutes: 1,
      lruClockResolutionMs: 1000,
      ...config,
    };
    const { maxmemoryBytes, maxmemorySamples } = this.config;
    if (!(maxmemoryBytes >= 0 && Number.isFinite(maxmemoryBytes))) {
      throw new RangeError(`Redis maxmemory ${maxmemoryBytes} bytes; expected a number ≥ 0`);
    }
    if (!Number.isInteger(maxmemorySamples) || maxmemorySamples < 1) {
      throw new RangeError(`Redis maxmemory-samples ${maxmemorySamples}; expected an integer ≥ 1`);
    }
    this.scoring = scoringOf(config.maxmemoryPolicy);
    this.volatile = config.maxmemoryPolicy.startsWith("volatile");
    this.lfu = this.scoring === "lfu";
    this.lruClockResolutionMs = this.config.lruClockResolutionMs;
    this.clocks =
      keySpace !== undefined && this.scoring === "lru" ? new Float64Array(keySpace) : null;
  }

  get items(): number {
    return this.entries.size;
  }

  get usedBytes(): number {
    return this.used;
  }

  get(key: number, now: number): CacheEntry<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    // With no key under a TTL every expiry is Infinity: the check is skipped, and so
    // is the load of the entry's expiry, a double V8 keeps in a box of its own
    // (another cache miss on a hit).
    if (this.withTtl.length > 0 && entry.expiresAt <= now) {
      this.drop(entry);
      this.expirations++;
      return undefined;
    }
    this.access(entry, key, now);
    return entry;
  }

  set(key: number, value: V, bytes: number, expiresAt: number, now: number): SetOutcome {
    if (!this.makeRoom(now)) return "oom";
    let entry = this.entries.get(key);
    if (entry === undefined) {
      entry = new Entry(key, value, bytes, expiresAt);
      this.entries.add(entry);
      entry.slot = this.all.push(entry) - 1;
      this.initAccess(entry, now);
    } else {
      // SET looks the key up for writing (an access), then keeps its lru field (db.c dbSetValue).
      this.access(entry, key, now);
      this.used -= entry.bytes;
      this.entries.replace(entry, value);
      entry.bytes = bytes;
    }
    this.used += bytes;
    this.setExpiry(entry, expiresAt);
    return "stored";
  }

  values(): IterableIterator<CacheEntry<V>> {
    return this.all.values();
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

  /** Evicts while used memory exceeds maxmemory; false when it must and cannot. */
  private makeRoom(now: number): boolean {
    const max = this.config.maxmemoryBytes;
    while (max > 0 && this.used > max) {
      const victim = this.pickVictim(now);
      if (victim === undefined) return false;
      this.drop(victim);
      this.evictions++;
    }
    return true;
  }

  private pickVictim(now: number): CacheEntry<V> | undefined {
    const candidates = this.volatile ? this.withTtl : this.all;
    if (this.scoring === "none" || candidates.length === 0) return undefined;
    if (this.scoring === "random") return candidates[Math.floor(this.random() * candidates.length)];
    for (;;) {
      for (let i = 0; i < this.config.maxmemorySamples; i++) {
        const entry = candidates[Math.floor(this.random() * candidates.length)] as CacheEntry<V>;
        this.pool.offer(entry.key, this.score(entry, now));
      }
      const key = this.pool.takeBest((k) => {
        const entry = this.entries.get(k);
        return entry !== undefined && (!this.volatile || entry.ttlSlot >= 0);
      });
      if (!Number.isNaN(key)) return this.entries.get(key);
    }
  }

  private score(entry: CacheEntry<V>, now: number): number {
    if (this.scoring === "lru") {
      const clock = this.clocks === null ? entry.lruClock : (this.clocks[entry.key] as number);
      return (this.lruClock(now) - clock) * this.config.lruClockResolutionMs;
    }
    if (this.scoring === "lfu") {
      const minutes = Math.floor(now / 60_000);
      return (
        255 -
        lfuDecayed(entry.lfuCounter, entry.lfuMinutes, minutes, this.config.lfuDecayTimeMinutes)
      );
    }
    return -entry.expiresAt;
  }

  private lruClock(now: number): number {
    return Math.floor(now / this.lruClockResolutionMs);
  }

  /** initObjectLRUOrLFU (object.c). */
  private initAccess(entry: CacheEntry<V>, now: number): void {
    entry.lruClock = this.lruClock(now);
    if (this.clocks !== null) this.clocks[entry.key] = entry.lruClock;
    entry.lfuCounter = LFU_INIT_VAL;
    entry.lfuMinutes = Math.floor(now / 60_000);
  }

  /** lookupKey's touch (db.c) of `entry`, the key's: the LRU clock, or updateLFU. */
  private access(entry: CacheEntry<V>, key: number, now: number): void {
    if (!this.lfu) {
      if (this.clocks !== null) this.clocks[key] = this.lruClock(now);
      else entry.lruClock = this.lruClock(now);
      return;
    }
    const minutes = Math.floor(now / 60_000);
    const decayed = lfuDecayed(
      entry.lfuCounter,
      entry.lfuMinutes,
      minutes,
      this.config.lfuDecayTimeMinutes,
    );
    entry.lfuCounter = lfuLogIncr(decayed, this.config.lfuLogFactor, this.random());
    entry.lfuMinutes = minutes;
  }

  private setExpiry(entry: CacheEntry<V>, expiresAt: number): void {
    entry.expiresAt = expiresAt;
    const hasTtl = expiresAt !== Number.POSITIVE_INFINITY;
    if (hasTtl && entry.ttlSlot < 0) entry.ttlSlot = this.withTtl.push(entry) - 1;
    else if (!hasTtl && entry.ttlSlot >= 0) this.removeFrom(this.withTtl, entry, "ttlSlot");
  }

  private drop(entry: CacheEntry<V>): void {
    this.entries.delete(entry.key);
    this.used -= entry.bytes;
    this.removeFrom(this.all, entry, "slot");
    if (entry.ttlSlot >= 0) this.removeFrom(this.withTtl, entry, "ttlSlot");
  }

  /** Swap-removes `entry` from a dense array, fixing the moved entry's index. */
  private removeFrom(
    array: CacheEntry<V>[],
    entry: CacheEntry<V>,
    field: "slot" | "ttlSlot",
  ): void {
    const at = entry[field];
    const last = array.pop() as CacheEntry<V>;
    if (last !== entry) {
      array[at] = last;
      last[field] = at;
    }
    entry[field] = -1;
  }
}
