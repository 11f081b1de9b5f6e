// Redis's eviction pool and LFU counter, after src/evict.c: each eviction
// samples `maxmemory-samples` keys into a pool of EVPOOL_SIZE (16) candidates
// kept in ascending order of a score ("idle": higher = better to evict) and
// evicts the best candidate that still exists (evictionPoolPopulate,
// performEvictions). The score is the idle time for the LRU policies, 255 minus
// the decayed LFU counter for the LFU ones, and the nearness of the expiry for
// volatile-ttl. The LFU counter grows with probability 1/((c − 5)·factor + 1)
// and decays by one per `lfu-decay-time` minutes (LFULogIncr, LFUDecrAndReturn).

/**
 * EVPOOL_SIZE in src/evict.c.
 *
 * @remarks Since 0.2.0
 */
export const EVICTION_POOL_SIZE = 16;
/**
 * LFU_INIT_VAL in src/server.h: a new key's counter.
 *
 * @remarks Since 0.2.0
 */
export const LFU_INIT_VAL = 5;

/**
 * The eviction pool: up to 16 candidate keys, ascending by score.
 *
 * @remarks Since 0.2.0
 */
export class EvictionPool {
  private readonly keys = new Float64Array(EVICTION_POOL_SIZE).fill(Number.NaN);
  private readonly scores = new Float64Array(EVICTION_POOL_SIZE);

  /** Offers a sampled key: kept if there is room or it beats the worst candidate held. */
  offer(key: number, score: number): void {
    const keys = this.keys;
    const last = EVICTION_POOL_SIZE - 1;
    let k = 0;
    while (
      k < EVICTION_POOL_SIZE &&
      !Number.isNaN(keys[k] as number) &&
      (this.scores[k] as number) < score
    )
      k++;
    if (k === 0 && !Number.isNaN(keys[last] as number)) return;
    if (k < EVICTION_POOL_SIZE && Number.isNaN(keys[k] as number)) {
      // An empty slot: insert in place.
    } else if (Number.isNaN(keys[last] as number)) {
      keys.copyWithin(k + 1, k, last);
      this.scores.copyWithin(k + 1, k, last);
    } else {
      // Full: drop the worst (leftmost) candidate and insert at k − 1.
      k--;
      keys.copyWithin(0, 1, k + 1);
      this.scores.copyWithin(0, 1, k + 1);
    }
    keys[k] = key;
    this.scores[k] = score;
  }

  /**
   * Takes candidates from the best down, emptying each slot, until `exists`
   * accepts one (the others were ghosts: keys deleted since they were sampled).
   *
   * @returns the key to evict, or NaN when every candidate was a ghost
   */
  takeBest(exists: (key: number) => boolean): number {
    for (let k = EVICTION_POOL_SIZE - 1; k >= 0; k--) {
      const key = this.keys[k] as number;
      if (Number.isNaN(key)) continue;
      this.keys[k] = Number.NaN;
      this.scores[k] = 0;
      if (exists(key)) return key;
    }
    return Number.NaN;
  }
}

/**
 * LFULogIncr: the counter after one access, given a uniform draw `u` in [0, 1).
 *
 * @remarks Since 0.2.0
 */
export function lfuLogIncr(counter: number, logFactor: number, u: number): number {
  if (counter === 255) return 255;
  const base = Math.max(0, counter - LFU_INIT_VAL);
  return u < 1 / (base * logFactor + 1) ? counter + 1 : counter;
}

/**
 * LFUDecrAndReturn: the counter decayed by one per `decayMinutes` elapsed since
 * `lastMinutes` (0 = no decay).
 *
 * @remarks Since 0.2.0
 */
export function lfuDecayed(
  counter: number,
  lastMinutes: number,
  nowMinutes: number,
  decayMinutes: number,
): number {
  if (decayMinutes === 0) return counter;
  const periods = Math.floor((nowMinutes - lastMinutes) / decayMinutes);
  return periods > counter ? 0 : counter - periods;
}
