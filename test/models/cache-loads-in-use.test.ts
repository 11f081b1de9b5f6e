// The LSNs a cache-aside load keeps in use (src/models/cache/app-cache.ts,
// `oldestLsnInUse`): the history's compaction may forget what no holder can serve
// any more, so while a miss's load is at the database its snapshot — at least the
// LSN the cache had seen when it sent the load — is in use, and once the database
// answered, the read's snapshot is in use until the set lands at the node (the
// value is on its way and will be served). Entries found current move up to the
// newest LSN seen, so without the loads the floor would pass the load's snapshot.
// And a hit that finds its value current moves the value's snapshot up for good:
// once the value goes stale, it is served at the last snapshot it was found
// current at (`hit`, `refreshed`), whether the hit read the value or its row.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
  CachedRows,
  type CachedVersion,
  RedisStore,
  TtlPolicy,
} from "../../src/models/cache/index.js";
import { Operation } from "../../src/models/operation.js";
import { cacheAsideOver, FakeOneLogDatabase } from "./fake-one-log-database.js";

function cacheOver(
  sim: Simulation,
  db: FakeOneLogDatabase,
  invalidation: "delete" | "none" = "delete",
  keySpace: number | undefined = undefined,
): AppCache {
  const rows = new CachedRows(keySpace);
  const store = new RedisStore<CachedVersion>(
    { maxmemoryBytes: 0, maxmemoryPolicy: "allkeys-lru" },
    () => 0,
    keySpace,
    (v, key) => rows.release(v, key),
  );
  const config = cacheAsideOver(db, store, {
    invalidation,
    ttl: new TtlPolicy({ ttlMs: Number.POSITIVE_INFINITY }),
    hopMs: () => 1,
    rows,
  });
  return new AppCache(sim, config, db, sim.rng("cache"));
}

describe("a cache-aside load's LSNs in use", () => {
  it("holds the floor at the LSN seen when the load was sent, then at the read's snapshot until its set lands", () => {
    // Half a hop is 0.5 ms; the fake commits a write 2 ms after it is sent, answers a read 3 ms after.
    const sim = new Simulation({ seed: 1 });
    const db = new FakeOneLogDatabase(sim);
    const cache = cacheOver(sim, db);
    let id = 0;
    const submit = (at: number, kind: "read" | "write", key: number): void => {
      sim.at(at, () => cache.submit(new Operation(id++, 0, kind, key, 1, at), () => undefined));
    };
    // Key 1 is cached at 4.5 (miss at 0.5, at the database 1–4, set at 4.5) and never written.
    submit(0, "read", 1);
    // A write of key 3 commits at LSN 1 (at 7): the cache has seen LSN 1 from then on.
    submit(5, "write", 3);
    // Key 2 misses: its load reaches the database at 11 (snapshot LSN 1, the LSN seen
    // then is 1), is answered at 14, and its set lands at 14.5.
    submit(10, "read", 2);
    // Two writes commit at 12.5 and 13 (LSNs 2 and 3) while the load is at the database.
    submit(10.5, "write", 3);
    submit(11, "write", 4);
    const floors: number[] = [];
    for (const t of [13.5, 14.25, 20]) sim.at(t, () => floors.push(cache.oldestLsnInUse()));
    sim.run({ until: 30 });
    // 13.5: key 1's entry moves up to LSN 3, the load at the database holds 1.
    // 14.25: the value (snapshot 1) is on its way. 20: both entries current, at 3.
    expect(floors).toEqual([1, 1, 3]);
  });
});

describe("a hit's snapshot", () => {
  it.each([
    ["the value", undefined],
    ["its row, found by key", 16],
  ])("stays where a hit moved it once the value is stale (the hit reads %s)", (_, keySpace) => {
    const sim = new Simulation({ seed: 1 });
    const db = new FakeOneLogDatabase(sim);
    const cache = cacheOver(sim, db, "none", keySpace);
    const seen: number[] = [];
    let id = 0;
    const submit = (at: number, kind: "read" | "write", key: number): void => {
      sim.at(at, () =>
        cache.submit(new Operation(id++, 0, kind, key, 1, at), (op) => {
          if (kind === "read") seen.push(op.version, op.lsn);
        }),
      );
    };
    // Key 1's version 0 is cached at snapshot 0 (set at 4.5).
    submit(0, "read", 1);
    // Writes of key 3 commit LSNs 1, 2, 3 (at 7, 8, 9).
    for (const at of [5, 6, 7]) submit(at, "write", 3);
    // A hit at 10.5 finds version 0 current: served at LSN 3, the newest seen.
    submit(10, "read", 1);
    // Key 1's version 1 commits at LSN 4 (at 14); invalidation none leaves version 0 cached.
    submit(12, "write", 1);
    // A hit at 20.5 serves the stale version 0 at LSN 3, the last snapshot it was current at.
    submit(20, "read", 1);
    sim.run({ until: 30 });
    expect(seen).toEqual([0, 0, 0, 3, 0, 3]);
  });
});
