// Directory-based sharding: a lookup service on the request path says which
// shard holds a key (a tenant), so single keys can move — and it is a station
// of its own, with `workers` serving lookups first come, first served, each
// taking a sampled time: the bottleneck and single point of failure that
// directory-based sharding brings with its flexibility. The application caches answers for
// `cacheTtlMs` (up to `cacheEntries` of them, least recently used out), so
// most operations skip the lookup. A cached answer made stale by a move sends
// the operation to the wrong shard, which refuses it; the application then
// drops the entry and asks the directory again (counted as misroutes, paid
// as one more lookup). Left out: the wrong shard's round trip itself.
import { LruTtlMap, type Simulation } from "../../kernel/index.js";
import type { Done, Operation, Service } from "../operation.js";
import type { ShardMap } from "./shard-map.js";

/**
 * Settings of a {@link DirectoryLookup}.
 *
 * @remarks Since 0.2.0
 */
export interface DirectoryConfig {
  /** The directory's truth: the shard of every key. */
  readonly map: ShardMap;
  /** Lookups it serves at once. */
  readonly workers: number;
  /** Time to serve one lookup (ms), sampled per lookup. */
  readonly lookupMs: () => number;
  /** How long the application trusts a cached answer (ms); 0 = no cache. */
  readonly cacheTtlMs: number;
  /** Answers the application's cache holds. */
  readonly cacheEntries: number;
}

/**
 * The directory and the application's cache of it, in front of the shard
 * router: an operation goes on once its key's shard is known.
 *
 * @remarks Since 0.2.0
 */
export class DirectoryLookup implements Service {
  private readonly sim: Simulation;
  private readonly config: DirectoryConfig;
  private readonly next: Service;
  private readonly cache: LruTtlMap<number, number>;
  private readonly waiting: (() => void)[] = [];
  private waitingHead = 0;
  private busy = 0;
  private lookupCount = 0;
  private hitCount = 0;
  private misrouteCount = 0;
  private mostWaiting = 0;

  /**
   * @param sim - the simulation
   * @param config - the directory and the cache
   * @param next - where an operation goes once its shard is known (the shard router)
   */
  constructor(sim: Simulation, config: DirectoryConfig, next: Service) {
    if (!Number.isInteger(config.workers) || config.workers < 1) {
      throw new RangeError(`directory workers must be an integer ≥ 1, not ${config.workers}`);
    }
    if (!(config.cacheTtlMs >= 0)) {
      throw new RangeError(`directory cacheTtlMs must be ≥ 0, not ${config.cacheTtlMs}`);
    }
    this.sim = sim;
    this.config = config;
    this.next = next;
    this.cache = new LruTtlMap(config.cacheTtlMs > 0 ? config.cacheEntries : 0);
  }

  submit(op: Operation, done: Done): void {
    const cached = this.cache.get(op.key, this.sim.now);
    if (cached !== undefined) {
      if (cached === this.config.map.shardOf(op.key)) {
        this.hitCount++;
        this.next.submit(op, done);
        return;
      }
      // Moved since it was cached: the shard refuses it, the entry goes.
      this.misrouteCount++;
      this.cache.delete(op.key);
    }
    this.lookup(() => {
      const shard = this.config.map.shardOf(op.key);
      if (this.config.cacheTtlMs > 0) {
        this.cache.set(op.key, shard, this.sim.now + this.config.cacheTtlMs);
      }
      this.next.submit(op, done);
    });
  }

  /** Queues a lookup at the directory; `then` runs once it is answered. */
  private lookup(then: () => void): void {
    this.lookupCount++;
    if (this.busy < this.config.workers) {
      this.serve(then);
      return;
    }
    this.waiting.push(then);
    const queued = this.waiting.length - this.waitingHead;
    if (queued > this.mostWaiting) this.mostWaiting = queued;
  }

  private serve(then: () => void): void {
    this.busy++;
    this.sim.schedule(this.config.lookupMs(), () => {
      this.busy--;
      const waiter = this.waiting[this.waitingHead];
      if (waiter !== undefined) {
        this.waiting[this.waitingHead++] = undefined as unknown as () => void;
        if (this.waitingHead > 1024 && this.waitingHead * 2 > this.waiting.length) {
          this.waiting.splice(0, this.waitingHead);
          this.waitingHead = 0;
        }
        this.serve(waiter);
      }
      then();
    });
  }

  /** Lookups the directory served or queued since the last reset. */
  get lookups(): number {
    return this.lookupCount;
  }

  /** Operations the application's cache answered. */
  get cacheHits(): number {
    return this.hitCount;
  }

  /** Operations sent by a stale cached answer to a shard that no longer held the key. */
  get misroutes(): number {
    return this.misrouteCount;
  }

  /** Most lookups waiting at once for a worker. */
  get waitingMax(): number {
    return this.mostWaiting;
  }

  /** Restarts the counts (the warm-up cut). */
  resetStats(): void {
    this.lookupCount = 0;
    this.hitCount = 0;
    this.misrouteCount = 0;
    this.mostWaiting = this.waiting.length - this.waitingHead;
  }
}
