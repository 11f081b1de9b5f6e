// The cache's rows (src/models/cache/cached-rows.ts) are a second layout of what
// the nodes hold, kept for the compaction's pass over every value: with them the
// cache must serve exactly what it serves without them (reads see the same
// versions and snapshot LSNs; the least snapshot in use is the same), whatever
// the store, the evictions, expiries, renewals, sets over held keys and deletes.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
  type AppCacheConfig,
  CachedRows,
  type CachedVersion,
  type CacheStore,
  ExactLruStore,
  MemcachedStore,
  RedisStore,
  TtlPolicy,
} from "../../src/models/cache/index.js";
import { Operation } from "../../src/models/operation.js";
import { cacheOps } from "./cache-test-ops.js";
import { FakeOneLogDatabase } from "./fake-one-log-database.js";

type Engine = "lru" | "redis" | "memcached";
interface Plan {
  readonly engine: Engine;
  readonly invalidation: "delete" | "update" | "none";
  readonly renewOnRead: boolean;
  readonly ttlMs: number;
  readonly ops: readonly {
    readonly gapMs: number;
    readonly key: number;
    readonly write: boolean;
  }[];
}

function storeOf(
  engine: Engine,
  sim: Simulation,
  release: ((v: CachedVersion) => void) | undefined,
): CacheStore<CachedVersion> {
  if (engine === "lru") return new ExactLruStore<CachedVersion>(6, "items", 16, release);
  if (engine === "memcached")
    return new MemcachedStore<CachedVersion>(
      { maxbytes: 1024 * 1024, slabPageSize: 1024 * 1024 },
      16,
      release,
    );
  const rng = sim.rng("evict");
  return new RedisStore<CachedVersion>(
    { maxmemoryBytes: 500, maxmemoryPolicy: "allkeys-lru" },
    () => rng.next(),
    16,
    release,
  );
}

/** Runs the plan; returns what every read saw and the least snapshot in use every 5 ms. */
function run(plan: Plan, withRows: boolean): number[] {
  const sim = new Simulation({ seed: 7 });
  const db = new FakeOneLogDatabase(sim);
  const rows = withRows ? new CachedRows() : undefined;
  const store = storeOf(plan.engine, sim, rows === undefined ? undefined : (v) => rows.release(v));
  const config: AppCacheConfig = {
    pattern: "cache-aside",
    invalidation: plan.invalidation,
    nodes: [{ name: "cache", store, leases: null, coalescer: null }],
    nodeOf: () => 0,
    ttl: new TtlPolicy({ ttlMs: plan.ttlMs, jitter: 0.5, renewOnRead: plan.renewOnRead }),
    valueBytes: 100,
    hopMs: (rng) => rng.next(),
    leaseRetryMs: 1,
    earlyRefreshBeta: null,
    newestAcked: (key) => db.versions.get(key) ?? 0,
    newestCommitted: (key) => db.versions.get(key) ?? 0,
    ...(rows === undefined ? {} : { rows }),
  };
  const cache = new AppCache(sim, config, db, sim.rng("cache"));
  const seen: number[] = [];
  let at = 0;
  plan.ops.forEach((o, i) => {
    at += o.gapMs;
    sim.at(at, () => {
      const op = new Operation(i, 0, o.write ? "write" : "read", o.key, 1, sim.now);
      cache.submit(op, (d) => {
        if (!o.write) seen.push(d.version, d.lsn);
      });
    });
  });
  for (let t = 5; t <= at + 50; t += 5) sim.at(t, () => seen.push(cache.oldestLsnInUse()));
  sim.run();
  return seen;
}

const plans = fc.record({
  engine: fc.constantFrom<Engine>("lru", "redis", "memcached"),
  invalidation: fc.constantFrom<Plan["invalidation"]>("delete", "update", "none"),
  renewOnRead: fc.boolean(),
  // Short TTLs expire and renew entries within a run; long ones let stale entries age.
  ttlMs: fc.oneof(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 41, max: 2000 })),
  ops: cacheOps(10, 300),
});

test.prop([plans], { numRuns: 300 })(
  "with rows the cache serves and keeps exactly what it does without",
  (plan) => {
    expect(run(plan, true)).toEqual(run(plan, false));
  },
);

// Renewals keep a stale entry (invalidation none) alive past its first expiry:
// the rows must see each renewed expiry, or the pass skips a value still held.
test.prop(
  [
    plans.map((plan) => ({
      ...plan,
      invalidation: "none" as const,
      renewOnRead: true,
      ttlMs: 5 + (plan.ttlMs % 20),
    })),
  ],
  { numRuns: 100 },
)("with rows, renewed entries stay in the pass as they stay in the store", (plan) => {
  expect(run(plan, true)).toEqual(run(plan, false));
});
