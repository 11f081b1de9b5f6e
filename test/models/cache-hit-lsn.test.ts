// A hit's snapshot LSN (src/models/cache/app-cache.ts, `hit` and `refreshed`).
// The consistency checkers read a served value as "the database at log position
// L": so L must be a snapshot at which the key's newest committed version is the
// one served (the version's commit LSN ≤ L < the next version's), as a
// PostgreSQL read at a snapshot sees exactly the versions committed before it
// (src/backend/access/heap/heapam_visibility.c, HeapTupleSatisfiesMVCC). And a hit
// of a value still current must not report a snapshot older than what the
// application had already seen complete when it sent the read, or the checkers
// would count the cache as serving an old snapshot it never served.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
  CachedRows,
  type CachedVersion,
  RedisStore,
  TtlPolicy,
} from "../../src/models/cache/index.js";
import { Operation } from "../../src/models/operation.js";
import { cacheOps } from "./cache-test-ops.js";
import { cacheAsideOver, FakeOneLogDatabase } from "./fake-one-log-database.js";

interface Read {
  readonly op: Operation;
  readonly currentAtSubmit: number;
  readonly lsnAtSubmit: number;
  currentAtDone: number;
}

function run(
  withRows: boolean,
  invalidation: "delete" | "update" | "none",
  ttlMs: number,
  ops: readonly { gapMs: number; key: number; write: boolean }[],
): { db: FakeOneLogDatabase; reads: Read[] } {
  const sim = new Simulation({ seed: 11 });
  const db = new FakeOneLogDatabase(sim);
  const rows = withRows ? new CachedRows() : undefined;
  const evict = sim.rng("evict");
  const store = new RedisStore<CachedVersion>(
    { maxmemoryBytes: 500, maxmemoryPolicy: "allkeys-lru" },
    () => evict.next(),
    16,
    rows === undefined ? undefined : (v, key) => rows.release(v, key),
  );
  const config = cacheAsideOver(db, store, {
    invalidation,
    ttl: new TtlPolicy({ ttlMs, jitter: 0.5 }),
    hopMs: (rng) => rng.next(),
    ...(rows === undefined ? {} : { rows }),
  });
  const cache = new AppCache(sim, config, db, sim.rng("cache"));
  const reads: Read[] = [];
  let at = 0;
  ops.forEach((o, i) => {
    at += o.gapMs;
    sim.at(at, () => {
      const op = new Operation(i, 0, o.write ? "write" : "read", o.key, 1, sim.now);
      const read: Read | null = o.write
        ? null
        : {
            op,
            currentAtSubmit: db.versions.get(o.key) ?? 0,
            lsnAtSubmit: db.lsn,
            currentAtDone: -1,
          };
      cache.submit(op, () => {
        if (read !== null) read.currentAtDone = db.versions.get(o.key) ?? 0;
      });
      if (read !== null) reads.push(read);
    });
  });
  sim.run();
  return { db, reads };
}

const plans = fc.record({
  withRows: fc.boolean(),
  invalidation: fc.constantFrom<"delete" | "update" | "none">("delete", "update", "none"),
  ttlMs: fc.oneof(fc.integer({ min: 5, max: 40 }), fc.integer({ min: 41, max: 2000 })),
  ops: cacheOps(8, 200),
});

test.prop([plans], { numRuns: 200 })(
  "a hit's snapshot LSN is one at which the served version is the newest, and no older than a current value's last completion",
  ({ withRows, invalidation, ttlMs, ops }) => {
    const { db, reads } = run(withRows, invalidation, ttlMs, ops);
    for (const { op, currentAtSubmit, lsnAtSubmit, currentAtDone } of reads) {
      const commits = db.commits.get(op.key) ?? [0];
      const next = commits[op.version + 1];
      expect(commits[op.version] as number).toBeLessThanOrEqual(op.lsn);
      if (next !== undefined) expect(op.lsn).toBeLessThan(next);
      // A hit of the version current throughout: every LSN completed before the
      // read was sent had been seen by the cache (each completion passes it).
      if (!db.served.has(op) && op.version === currentAtSubmit && op.version === currentAtDone)
        expect(op.lsn).toBeGreaterThanOrEqual(lsnAtSubmit);
    }
  },
);
