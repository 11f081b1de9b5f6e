// The application cache on the request path, with a database stand-in whose
// timing is fixed, so each race is reproduced deterministically:
// - the stale-set race (Nishtala et al., NSDI 2013, §3.2.1): a reader misses and
//   reads v1, a writer writes v2 and deletes, the reader sets v1, which is served
//   stale until its TTL; with leases the reader's set is refused;
// - a stampede: a hot key read every g ms whose load takes L ms gets about L/g
//   loads at once after it expires; with coalescing, one.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
  type AppCacheConfig,
  type CachedVersion,
  Coalescer,
  ExactLruStore,
  LeaseTable,
  TtlPolicy,
} from "../../src/models/cache/index.js";
import { Operation, type Service } from "../../src/models/operation.js";

/** A database of one version counter per key: a read returns the committed version after readMs; a write commits at writeMs. */
class FakeDatabase implements Service {
  readonly versions = new Map<number, number>();
  reads = 0;
  constructor(
    private readonly sim: Simulation,
    private readonly readMs: number,
    private readonly writeMs: number,
  ) {}

  submit(op: Operation, done: (op: Operation) => void): void {
    if (op.kind === "read") {
      this.reads++;
      // The version is read at the start of the read (its snapshot), returned readMs later.
      const version = this.versions.get(op.key) ?? 0;
      this.sim.schedule(this.readMs, () => {
        op.version = version;
        op.lsn = version;
        op.versionLsn = version;
        done(op);
      });
      return;
    }
    this.sim.schedule(this.writeMs, () => {
      const version = (this.versions.get(op.key) ?? 0) + 1;
      this.versions.set(op.key, version);
      op.version = version;
      op.lsn = version;
      op.versionLsn = version;
      done(op);
    });
  }
}

function cacheOver(
  sim: Simulation,
  db: FakeDatabase,
  extra: {
    ttlMs: number;
    leases?: boolean;
    coalescing?: boolean;
    earlyRefreshBeta?: number;
    keySpace?: number;
  },
): AppCache {
  const config: AppCacheConfig = {
    pattern: "cache-aside",
    invalidation: "delete",
    nodes: [
      {
        name: "cache",
        store: new ExactLruStore<CachedVersion>(100, "items"),
        leases: extra.leases ? new LeaseTable() : null,
        coalescer: extra.coalescing ? new Coalescer<Operation>() : null,
      },
    ],
    nodeOf: () => 0,
    ttl: new TtlPolicy({ ttlMs: extra.ttlMs }),
    valueBytes: 100,
    hopMs: () => 0.5,
    leaseRetryMs: 1,
    earlyRefreshBeta: extra.earlyRefreshBeta ?? null,
    newestAcked: (key) => db.versions.get(key) ?? 0,
    newestCommitted: (key) => db.versions.get(key) ?? 0,
    ...(extra.keySpace === undefined ? {} : { keySpace: extra.keySpace }),
  };
  return new AppCache(sim, config, db, sim.rng("cache"));
}

/** Submits a read or write of key 1 at `at`, recording what it saw. */
function issue(
  sim: Simulation,
  cache: AppCache,
  kind: "read" | "write",
  at: number,
  seen: number[],
) {
  sim.at(at, () => {
    const op = new Operation(seen.length, 0, kind, 1, 1, at);
    cache.submit(op, (done) => {
      if (kind === "read") seen.push(done.version);
    });
  });
}

describe("the stale-set race", () => {
  // t = 0: reader misses (hop 0.25) and reads v0 at t = 0.25, back at 10.25; its set lands at 10.5.
  // t = 1: writer commits v1 at 3, deletes at 3.25, acked at 3.5.
  // Reads at 20 … 1000 then hit the v0 the reader set: stale until the TTL (1000 ms after 10.5).
  function race(leases: boolean) {
    const sim = new Simulation({ seed: 1 });
    const db = new FakeDatabase(sim, 10, 2);
    const cache = cacheOver(sim, db, { ttlMs: 1000, leases });
    const seen: number[] = [];
    issue(sim, cache, "read", 0, seen);
    issue(sim, cache, "write", 1, []);
    for (let t = 20; t <= 1500; t += 20) issue(sim, cache, "read", t, seen);
    sim.run({ until: 2000 });
    return { cache, seen };
  }

  it("without leases, the old version stays and is read stale until the TTL", () => {
    const { cache, seen } = race(false);
    // Reads at 20 … 1000 are served the stale v0 (the entry expires at 1010.5); from 1020 on, v1.
    const staleUntil = seen.slice(1).indexOf(1);
    expect(seen.slice(1, 1 + staleUntil).every((v) => v === 0)).toBe(true);
    expect(20 + 20 * staleUntil).toBe(1020);
    expect(cache.stats.staleReads).toBe(50);
    expect(cache.stats.rejectedSets).toBe(0);
  });

  it("with leases, the delete invalidates the reader's token and its stale set is refused", () => {
    const { cache, seen } = race(true);
    expect(cache.stats.rejectedSets).toBe(1);
    expect(cache.stats.staleReads).toBe(0);
    expect(seen.slice(1).every((v) => v === 1)).toBe(true);
  });
});

describe("a stampede on a hot key", () => {
  // The key is read every 2 ms; a load takes 40 ms (plus the hop's 0.5). After the
  // entry expires, every read until the first load's set lands misses: about
  // (40 + 0.5 + 0.5) / 2 ≈ 20 loads at once (λL with λ = 1/2 per ms, L = 41 ms).
  function stampede(coalescing: boolean, earlyRefreshBeta?: number, keySpace?: number) {
    const sim = new Simulation({ seed: 1 });
    const db = new FakeDatabase(sim, 40, 1);
    const cache = cacheOver(sim, db, {
      ttlMs: 200,
      coalescing,
      ...(earlyRefreshBeta === undefined ? {} : { earlyRefreshBeta }),
      ...(keySpace === undefined ? {} : { keySpace }),
    });
    for (let t = 0; t < 1000; t += 2) issue(sim, cache, "read", t, []);
    sim.run({ until: 1200 });
    return cache.stats;
  }

  it.each([
    ["in a map", undefined],
    ["in an array over the key space", 4],
  ])(
    "without coalescing, about λL loads of the key are in flight at once (counted %s)",
    (_, keySpace) => {
      const stats = stampede(false, undefined, keySpace);
      expect(stats.loadsAtOnceMax).toBeGreaterThanOrEqual(20);
      expect(stats.loadsAtOnceMax).toBeLessThanOrEqual(21);
    },
  );

  it("with XFetch, counts the loads in flight per key in the key space as in a map", () => {
    // XFetch skips a key whose load is out: the count must fall back to 0 when it ends.
    expect(stampede(false, 1, 4)).toEqual(stampede(false, 1));
  });

  it("refuses a key outside the given key space, naming it", () => {
    const sim = new Simulation({ seed: 1 });
    const cache = cacheOver(sim, new FakeDatabase(sim, 1, 1), { ttlMs: 10, keySpace: 1 });
    cache.submit(new Operation(0, 0, "read", 1, 1, 0), () => undefined);
    expect(() => sim.run()).toThrow(/key 1 is outside the key space \[0, 1\)/);
  });

  it("with coalescing, one load at a time; the other misses wait for it", () => {
    const stats = stampede(true);
    expect(stats.loadsAtOnceMax).toBe(1);
    expect(stats.coalesced).toBeGreaterThan(0);
    expect(stats.databaseLoads).toBeLessThan(10);
  });

  it("with XFetch (β = 1), a reader reloads the key before it expires, so expiries stampede no more", () => {
    // δ = 40.5 ms: a read refreshes with probability e^(−(expiry − now)/δ); at a read
    // every 2 ms one does before the expiry. Only the cold start (about λL = 20
    // loads) stampedes; then one load per TTL period.
    const plain = stampede(false);
    const xfetch = stampede(false, 1);
    expect(xfetch.earlyRefreshes).toBeGreaterThan(0);
    expect(plain.databaseLoads).toBeGreaterThan(60);
    expect(xfetch.databaseLoads).toBeLessThan(21 + 10);
  });
});

describe("the cache as a version holder", () => {
  it("moves a current entry's snapshot up to the newest LSN seen, so a cold entry does not hold back compaction", () => {
    const sim = new Simulation({ seed: 1 });
    const db = new FakeDatabase(sim, 1, 1);
    const cache = cacheOver(sim, db, { ttlMs: 1e9 });
    issue(sim, cache, "read", 0, []); // key 1 cached at snapshot 0, never written again
    // Writes to key 2 move the log on (the fake's LSN is the key's version: 1, 2, … 10).
    for (let t = 10; t < 110; t += 10) {
      sim.at(t, () => cache.submit(new Operation(t, 0, "write", 2, 1, t), () => undefined));
    }
    sim.run({ until: 200 });
    expect(cache.oldestLsnInUse()).toBe(10);
  });

  it("keeps a stale entry at the last snapshot it was current at", () => {
    const sim = new Simulation({ seed: 1 });
    const db = new FakeDatabase(sim, 1, 1);
    const cache = cacheOver(sim, db, { ttlMs: 1e9 });
    issue(sim, cache, "read", 0, []);
    sim.run({ until: 5 });
    // Key 1 is written behind the cache's back (invalidation does not see it): the entry is stale.
    db.versions.set(1, 1);
    expect(cache.oldestLsnInUse()).toBe(0);
  });
});
