// Memcache leases (Nishtala et al., "Scaling Memcache at Facebook", NSDI 2013,
// §3.2.1): a miss is given a token; a delete of the key invalidates it; a set
// must present a valid token, so a reader holding a value older than a
// concurrent write cannot install it (the stale-set race). Tokens are issued
// at most once per key per `holdMs` (10 s in the paper); a miss inside that
// window is told to wait and retry, which also tames a stampede on a hot key.
// A delete forgets the key's lease entirely, so the next miss gets a token at
// once (the paper does not say how the rate limit and deletes interact).

/**
 * What a miss got: a token (> 0) to set the key with, or 0 — another client
 * holds a fresh lease, so wait and retry.
 *
 * @remarks Since 0.2.0
 */
export type LeaseGrant = number;

/** An outstanding lease: its token and when it was issued. */
interface Lease {
  token: number;
  issuedAt: number;
}

/**
 * The leases of one cache node.
 *
 * @remarks Since 0.2.0
 */
export class LeaseTable {
  readonly holdMs: number;
  /** Tokens issued since the last reset. */
  issued = 0;
  /** Sets refused for an invalid token since the last reset. */
  rejected = 0;
  /** Misses told to wait since the last reset. */
  waits = 0;
  private nextToken = 1;
  private readonly leases = new Map<number, Lease>();

  /** @param holdMs - the least time between two tokens for one key (10 000 ms by default) */
  constructor(holdMs = 10_000) {
    if (!(holdMs >= 0)) throw new RangeError(`Lease hold ${holdMs} ms; expected a number ≥ 0`);
    this.holdMs = holdMs;
  }

  /** A miss on `key` at `now`: a token, or 0 to wait. */
  onMiss(key: number, now: number): LeaseGrant {
    const lease = this.leases.get(key);
    if (lease !== undefined && now - lease.issuedAt < this.holdMs) {
      this.waits++;
      return 0;
    }
    const token = this.nextToken++;
    this.issued++;
    if (lease === undefined) this.leases.set(key, { token, issuedAt: now });
    else {
      lease.token = token;
      lease.issuedAt = now;
    }
    return token;
  }

  /** A delete of `key`: its outstanding token becomes invalid. */
  invalidate(key: number): void {
    this.leases.delete(key);
  }

  /** A set of `key` with `token`: true (and the lease is spent) if the token is valid. */
  redeem(key: number, token: number): boolean {
    const lease = this.leases.get(key);
    if (lease === undefined || lease.token !== token) {
      this.rejected++;
      return false;
    }
    this.leases.delete(key);
    return true;
  }

  /** Forgets every lease (the node restarted). */
  clear(): void {
    this.leases.clear();
  }

  /** Keys with an outstanding lease. */
  get outstanding(): number {
    return this.leases.size;
  }
}
