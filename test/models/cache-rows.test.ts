// The cache's rows (src/models/cache/cached-rows.ts) are a second layout of what
// the nodes hold, kept for the compaction's pass over every value: with them the
// cache must serve exactly what it serves without them (reads see the same
// versions and snapshot LSNs; the least snapshot in use is the same), whatever
// the store, the evictions, expiries, renewals, sets over held keys and deletes.
// With the key space known the rows find a value's row by key (a hit then reads
// its row alone) and a Redis store keeps its LRU clocks by key: the same again.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
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
import { cacheAsideOver, FakeOneLogDatabase } from "./fake-one-log-database.js";

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

/** The keys are 0 … 15 (cacheOps); a layout that knows it gives the stores and rows that key space. */
const KEYS = 16;

function storeOf(
  engine: Engine,
  sim: Simulation,
  release: ((v: CachedVersion, key: number) => void) | undefined,
  keySpace: number | undefined,
): CacheStore<CachedVersion> {
  if (engine === "lru") return new ExactLruStore<CachedVersion>(6, "items", keySpace, release);
  if (engine === "memcached")
    return new MemcachedStore<CachedVersion>(
      { maxbytes: 1024 * 1024, slabPageSize: 1024 * 1024 },
      keySpace,
      release,
    );
  const rng = sim.rng("evict");
  return new RedisStore<CachedVersion>(
    { maxmemoryBytes: 500, maxmemoryPolicy: "allkeys-lru" },
    () => rng.next(),
    keySpace,
    release,
  );
}

/** Without rows; with rows; with rows, and the key space known to them and the store. */
type Layout = "entries" | "rows" | "rows by key";

/** Runs the plan; returns what every read saw and the least snapshot in use every 5 ms. */
function run(plan: Plan, layout: Layout): number[] {
  const sim = new Simulation({ seed: 7 });
  const db = new FakeOneLogDatabase(sim);
  const keySpace = layout === "rows by key" ? KEYS : undefined;
  const rows = layout === "entries" ? undefined : new CachedRows(keySpace);
  const release =
    rows === undefined ? undefined : (v: CachedVersion, key: number) => rows.release(v, key);
  const store = storeOf(plan.engine, sim, release, keySpace);
  const config = cacheAsideOver(db, store, {
    invalidation: plan.invalidation,
    ttl: new TtlPolicy({ ttlMs: plan.ttlMs, jitter: 0.5, renewOnRead: plan.renewOnRead }),
    hopMs: (rng) => rng.next(),
    ...(rows === undefined ? {} : { rows }),
  });
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

// Three runs a plan (two before the rows by key): 200 plans keep the runs at 600.
test.prop([plans], { numRuns: 200 })(
  "with rows, found by key or not, the cache serves and keeps exactly what it does without",
  (plan) => {
    const entries = run(plan, "entries");
    expect(run(plan, "rows")).toEqual(entries);
    expect(run(plan, "rows by key")).toEqual(entries);
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
  { numRuns: 67 },
)("with rows, renewed entries stay in the pass as they stay in the store", (plan) => {
  const entries = run(plan, "entries");
  expect(run(plan, "rows")).toEqual(entries);
  expect(run(plan, "rows by key")).toEqual(entries);
});
