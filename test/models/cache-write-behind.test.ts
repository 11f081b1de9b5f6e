// Write-behind on the request path, over a database stand-in with fixed timing,
// so every count below follows from the arrival times alone:
// - batching: writes arriving every g ms, flushed every T ms, make batches of
//   T/g writes, and the database commits flushes × batch writes; with a batch
//   cap b < T/g the backlog grows by T/g − b per flush;
// - a node's loss drops exactly the writes that arrived since its last flush;
// - the version a write is acknowledged with is the version the database's
//   commit gives it (the writes of a key reach it one at a time, in order),
//   also across failed flush writes (retried) and losses.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import {
  AppCache,
  type CachedVersion,
  ExactLruStore,
  TtlPolicy,
  WriteBehind,
} from "../../src/models/cache/index.js";
import { Operation, type Service } from "../../src/models/operation.js";

/** One version counter per key; a write commits writeMs after it arrives; the first `failures` writes fail. */
class FakeDatabase implements Service {
  readonly versions = new Map<number, number>();
  /** Per write id, the version its commit gave it. */
  readonly committed = new Map<number, number>();
  commits = 0;
  constructor(
    private readonly sim: Simulation,
    private readonly writeMs: number,
    private failures = 0,
  ) {}

  submit(op: Operation, done: (op: Operation) => void): void {
    if (op.kind === "read") {
      const version = this.versions.get(op.key) ?? 0;
      this.sim.schedule(1, () => {
        op.version = version;
        op.lsn = version;
        op.versionLsn = version;
        done(op);
      });
      return;
    }
    this.sim.schedule(this.writeMs, () => {
      if (this.failures > 0) {
        this.failures--;
        op.error = "deadlock";
        done(op);
        return;
      }
      const version = (this.versions.get(op.key) ?? 0) + 1;
      this.versions.set(op.key, version);
      this.committed.set(op.id, version);
      this.commits++;
      op.version = version;
      done(op);
    });
  }
}

interface Setup {
  flushIntervalMs: number;
  flushBatch?: number;
  writeMs?: number;
  failures?: number;
  items?: number;
}

function writeBehindOver(setup: Setup) {
  const sim = new Simulation({ seed: 1 });
  const db = new FakeDatabase(sim, setup.writeMs ?? 1, setup.failures ?? 0);
  const queue = new WriteBehind(
    sim,
    {
      flushIntervalMs: setup.flushIntervalMs,
      flushBatch: setup.flushBatch ?? Number.POSITIVE_INFINITY,
    },
    1,
    db,
  );
  const acked = new Map<number, number>();
  const cache = new AppCache(
    sim,
    {
      pattern: "write-behind",
      invalidation: "update",
      nodes: [
        {
          name: "cache",
          store: new ExactLruStore<CachedVersion>(setup.items ?? 10_000, "items"),
          leases: null,
          coalescer: null,
        },
      ],
      nodeOf: () => 0,
      ttl: new TtlPolicy({ ttlMs: Number.POSITIVE_INFINITY }),
      valueBytes: 100,
      // Half a hop each way: a write reaches the cache 0.25 ms after it is issued.
      hopMs: () => 0.5,
      leaseRetryMs: 1,
      earlyRefreshBeta: null,
      newestAcked: (key) => acked.get(key) ?? 0,
      newestCommitted: (key) => db.versions.get(key) ?? 0,
      writeBehind: queue,
    },
    db,
    sim.rng("cache"),
  );
  // Flushes at every multiple of the interval, as the cache component schedules them.
  const flush = (): void => {
    queue.flush(0);
    sim.schedule(setup.flushIntervalMs, flush);
  };
  sim.schedule(setup.flushIntervalMs, flush);
  /** Per write id, the version it was acknowledged with. */
  const ackedById = new Map<number, number>();
  let id = 0;
  const submit = (kind: "read" | "write", key: number, at: number, seen?: number[]) => {
    const op = new Operation(id++, 0, kind, key, 1, at);
    sim.at(at, () =>
      cache.submit(op, (done) => {
        if (kind === "read") seen?.push(done.version);
        else {
          ackedById.set(done.id, done.version);
          acked.set(key, Math.max(acked.get(key) ?? 0, done.version));
        }
      }),
    );
  };
  return { sim, db, queue, cache, submit, ackedById };
}

describe("write-behind batching", () => {
  it("flushes batches of T/g writes; the database commits flushes × batch", () => {
    // A write every g = 2 ms (at 1, 3, 5, …; at the cache 0.25 ms later), T = 100 ms.
    const g = 2;
    const T = 100;
    const w = writeBehindOver({ flushIntervalMs: T });
    for (let t = 1; t < 1000; t += g) w.submit("write", t % 997, t);
    w.sim.run({ until: 1050 });
    // Flushes at 100 … 1000: ten, each of the T/g = 50 writes that arrived since the last.
    expect(w.queue.stats.flushes).toBe(10);
    expect(w.queue.stats.flushedWrites).toBe(10 * (T / g));
    expect(w.db.commits).toBe(10 * (T / g));
    // At most a window's writes wait: T/g, the one in flight at the database included.
    expect(w.queue.stats.unflushedMax).toBe(T / g);
    expect(w.queue.unflushed).toBe(0);
  });

  it("with a batch cap b < T/g, the database writes b per flush and the backlog grows by T/g − b", () => {
    const g = 2;
    const T = 100;
    const b = 30;
    const w = writeBehindOver({ flushIntervalMs: T, flushBatch: b });
    for (let t = 1; t < 1000; t += g) w.submit("write", t % 997, t);
    w.sim.run({ until: 1050 });
    expect(w.queue.stats.flushes).toBe(10);
    expect(w.db.commits).toBe(10 * b);
    // 500 writes arrived, 300 committed: 200 wait, the most at once just before the last flush.
    expect(w.queue.unflushed).toBe(500 - 10 * b);
    expect(w.queue.stats.unflushedMax).toBe(500 - 9 * b);
  });
});

describe("write-behind: a node's loss", () => {
  it("loses exactly the writes that arrived since the last flush, and the database never commits them", () => {
    const w = writeBehindOver({ flushIntervalMs: 100 });
    for (let t = 1; t < 1000; t += 2) w.submit("write", t % 997, t);
    // Flushes at 500 and 600; the loss at 570 drops the writes at the cache in (500, 570]:
    // issued at 501, 503, …, 569 (at the cache 0.25 ms later) — 35 of them.
    w.sim.at(570, () => w.cache.loseNode(0));
    w.sim.run({ until: 1050 });
    expect(w.queue.stats.writesLost).toBe(35);
    expect(w.db.commits).toBe(500 - 35);
    // Each lost write was acknowledged (its version given), but never committed.
    for (let t = 501; t <= 569; t += 2) {
      const id = (t - 1) / 2;
      expect(w.ackedById.get(id)).toBe(1);
      expect(w.db.committed.has(id)).toBe(false);
    }
  });
});

describe("write-behind versions", () => {
  it("a write is acknowledged with the version the database's commit gives it", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 400 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 5, max: 100 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 3 }),
        (writes, interval, batch, writeMs, failures) => {
          const w = writeBehindOver({
            flushIntervalMs: interval,
            flushBatch: batch,
            writeMs,
            failures,
          });
          for (const [key, at] of writes) w.submit("write", key, at + 0.1);
          w.sim.run({ until: 400 + 200 * interval + 200 * writeMs });
          expect(w.queue.unflushed).toBe(0);
          expect(w.db.commits).toBe(writes.length);
          for (const [id, version] of w.ackedById) expect(w.db.committed.get(id)).toBe(version);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("with a node lost at any instant, every committed write has its acknowledged version; the rest are counted lost", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 400 })), {
          minLength: 1,
          maxLength: 60,
        }),
        fc.integer({ min: 5, max: 100 }),
        fc.integer({ min: 1, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 400 }),
        (writes, interval, batch, writeMs, lossAt) => {
          const w = writeBehindOver({ flushIntervalMs: interval, flushBatch: batch, writeMs });
          for (const [key, at] of writes) w.submit("write", key, at + 0.1);
          w.sim.at(lossAt + 0.2, () => w.cache.loseNode(0));
          w.sim.run({ until: 400 + 200 * interval + 200 * writeMs });
          expect(w.queue.unflushed).toBe(0);
          expect(w.db.commits + w.queue.stats.writesLost).toBe(writes.length);
          for (const [id, version] of w.db.committed) expect(w.ackedById.get(id)).toBe(version);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("after a loss, the writes that follow take the versions the database will give them", () => {
    // writeMs 30: the loss at 105 finds the write of key 1 flushed at 100 at the database.
    const w = writeBehindOver({ flushIntervalMs: 100, writeMs: 30 });
    for (const at of [10, 20, 110, 120]) w.submit("write", 1, at);
    w.sim.at(105, () => w.cache.loseNode(0));
    w.sim.run({ until: 500 });
    // 10 → v1 (at the database at 105: commits); 20 → v2 (behind it: lost); 110 → v2 again; 120 → v3.
    expect([...w.ackedById.values()]).toEqual([1, 2, 2, 3]);
    expect(w.queue.stats.writesLost).toBe(1);
    expect(w.db.versions.get(1)).toBe(3);
    expect(w.db.committed.get(2)).toBe(2);
    expect(w.db.committed.get(3)).toBe(3);
  });

  it("a failed flush write is retried one interval later, keeping its key's order", () => {
    const w = writeBehindOver({ flushIntervalMs: 50, failures: 1 });
    w.submit("write", 7, 1);
    w.submit("write", 7, 2);
    w.sim.run({ until: 500 });
    expect(w.queue.stats.flushRetries).toBe(1);
    expect(w.db.committed.get(0)).toBe(1);
    expect(w.db.committed.get(1)).toBe(2);
  });
});

describe("write-behind reads", () => {
  it("a hit sees the cache's version; a miss before the flush reads the older database version (a stale load)", () => {
    // One item of memory: writing key 2 evicts key 1, whose write waits for the flush at 100.
    const w = writeBehindOver({ flushIntervalMs: 100, items: 1 });
    const seen: number[] = [];
    w.submit("write", 1, 1);
    w.submit("read", 1, 5, seen);
    w.submit("write", 2, 10);
    w.submit("read", 1, 20, seen);
    w.submit("read", 1, 30, seen);
    w.submit("read", 1, 150, seen);
    w.sim.run({ until: 300 });
    // The hit at 5 sees v1; the misses at 20 and 30 load v0 from the database, and do not
    // set it over the waiting v1; after the flush the miss at 150 loads v1.
    expect(seen).toEqual([1, 0, 0, 1]);
    expect(w.cache.stats.staleLoads).toBe(2);
    expect(w.cache.stats.hits).toBe(1);
  });
});
