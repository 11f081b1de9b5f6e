// ProxySQL's query cache: a read whose rule sets cache_ttl is answered from the
// cache while the entry stored by the last miss is younger than the TTL
// (expire-after-write: a hit does not extend it). Writes never invalidate it,
// so a hit can return an older version than the primary's (a stale hit).
// Memory is bounded hard by query_cache_size_MB ÷ an entry-size estimate with
// LRU eviction; ProxySQL's limit is soft, enforced by a purge thread — an
// approximation. Left out: soft TTL, coalescing concurrent misses.
// Source: ProxySQL 2.x lib/Query_Cache.cpp and the query cache documentation.
import { LruTtlMap } from "../../kernel/index.js";
import type { Operation } from "../operation.js";

/** What a read got: enough to answer the same read again. */
interface CachedResult {
  readonly version: number;
  readonly lsn: number;
  readonly versionLsn: number;
}

/** The query cache of one proxy, its counters and the oldest log position it can still serve. */
export class QueryCache {
  /** Entries it may hold: query_cache_size_MB ÷ entry size. */
  readonly capacity: number;
  /** Reads answered from the cache since the last reset. */
  hits = 0;
  /** Of those, hits that returned an older version than the primary held. */
  staleHits = 0;
  /** Cacheable reads that found no live entry. */
  misses = 0;
  /** Entries evicted to stay within the capacity. */
  evictions = 0;
  /** Most entries held at once since the last reset. */
  entriesMax = 0;
  private readonly entries: LruTtlMap<number, CachedResult>;
  private readonly latestVersion: (key: number) => number;
  /** The longest TTL any read is stored with (ms). */
  private readonly maxTtlMs: number;
  /**
   * Stores of the last maxTtlMs as (time, lsn), lsn increasing from the head:
   * a sliding-window minimum (monotone deque) of the LSNs the cache can serve.
   */
  private floorTimes: number[] = [];
  private floorLsns: number[] = [];
  private floorHead = 0;

  /**
   * @param sizeMB - `mysql-query_cache_size_MB`
   * @param entryBytes - estimated bytes per entry
   * @param maxTtlMs - the longest cache_ttl of any rule
   * @param latestVersion - the primary's current version of a key (to count stale hits)
   */
  constructor(
    sizeMB: number,
    entryBytes: number,
    maxTtlMs: number,
    latestVersion: (key: number) => number,
  ) {
    this.capacity = Math.floor((sizeMB * 1024 * 1024) / Math.max(1, entryBytes));
    this.entries = new LruTtlMap(Math.max(0, this.capacity));
    this.maxTtlMs = maxTtlMs;
    this.latestVersion = latestVersion;
  }

  /** Entries held now (expired ones not yet replaced or evicted included). */
  get size(): number {
    return this.entries.size;
  }

  /** Answers `op` (a read) from a live entry: fills its result and returns true; false on a miss. */
  answer(op: Operation, now: number): boolean {
    // An expired entry stays until the miss's result replaces it (or it is evicted).
    const hit = this.entries.get(op.key, now);
    if (hit === undefined) {
      this.misses++;
      return false;
    }
    this.hits++;
    if (hit.version < this.latestVersion(op.key)) this.staleHits++;
    op.version = hit.version;
    op.lsn = hit.lsn;
    op.versionLsn = hit.versionLsn;
    return true;
  }

  /** Stores a read's result, expiring `ttlMs` from `now`. */
  store(op: Operation, ttlMs: number, now: number): void {
    if (this.capacity <= 0) return;
    const result = { version: op.version, lsn: op.lsn, versionLsn: op.versionLsn };
    if (this.entries.set(op.key, result, now + ttlMs)) this.evictions++;
    this.recordStore(now, op.lsn);
    if (this.entries.size > this.entriesMax) this.entriesMax = this.entries.size;
  }

  /**
   * A lower bound on the LSN of every entry that can still be served
   * (+Infinity when none can): the smallest LSN stored within the longest TTL.
   * Amortised O(1).
   */
  lsnFloor(now: number): number {
    const times = this.floorTimes;
    while (
      this.floorHead < times.length &&
      (times[this.floorHead] as number) + this.maxTtlMs <= now
    ) {
      this.floorHead++;
    }
    if (this.floorHead > 1024 && this.floorHead * 2 > times.length) {
      this.floorTimes = times.slice(this.floorHead);
      this.floorLsns = this.floorLsns.slice(this.floorHead);
      this.floorHead = 0;
    }
    const lsn = this.floorLsns[this.floorHead];
    return lsn === undefined ? Number.POSITIVE_INFINITY : lsn;
  }

  /** Restarts the counters at the warm-up cut (the most held restarts from what it holds). */
  resetStats(): void {
    this.hits = 0;
    this.staleHits = 0;
    this.misses = 0;
    this.evictions = 0;
    this.entriesMax = this.entries.size;
  }

  private recordStore(now: number, lsn: number): void {
    const lsns = this.floorLsns;
    while (lsns.length > this.floorHead && (lsns[lsns.length - 1] as number) >= lsn) {
      lsns.pop();
      this.floorTimes.pop();
    }
    lsns.push(lsn);
    this.floorTimes.push(now);
  }
}
