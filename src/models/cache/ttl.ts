// Time to live: an entry expires a fixed time after it was written
// (expire-after-write), optionally renewed on every hit (a sliding TTL, as
// memcached's GAT/touch or Redis's GETEX would do it), with jitter spreading
// the expiries of entries written together so they do not all miss at once.

/**
 * How long an entry lives.
 *
 * @remarks Since 0.2.0
 */
export interface TtlConfig {
  /** The TTL in ms (> 0); Infinity for entries that never expire. */
  readonly ttlMs: number;
  /** Each TTL is drawn uniformly from ttl·(1 ± jitter); 0 ≤ jitter < 1 (0 by default). */
  readonly jitter?: number;
  /** Whether a hit restarts the TTL (false by default). */
  readonly renewOnRead?: boolean;
}

/**
 * A TTL rule; randomness for the jitter comes from the seeded draws handed in.
 *
 * @remarks Since 0.2.0
 */
export class TtlPolicy {
  readonly ttlMs: number;
  readonly jitter: number;
  readonly renewOnRead: boolean;

  constructor(config: TtlConfig) {
    const { ttlMs, jitter = 0, renewOnRead = false } = config;
    if (!(ttlMs > 0))
      throw new RangeError(`TTL ${ttlMs} ms; expected a number > 0 (Infinity: none)`);
    if (!(jitter >= 0 && jitter < 1))
      throw new RangeError(`TTL jitter ${jitter}; expected 0 ≤ jitter < 1`);
    this.ttlMs = ttlMs;
    this.jitter = jitter;
    this.renewOnRead = renewOnRead;
  }

  /** When an entry written (or renewed) at `now` expires, given a uniform draw `u` in [0, 1). */
  expiryAt(now: number, u: number): number {
    if (this.jitter === 0) return now + this.ttlMs;
    return now + this.ttlMs * (1 + this.jitter * (2 * u - 1));
  }
}
