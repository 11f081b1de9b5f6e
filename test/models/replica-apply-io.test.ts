// A replica's applier reads the pages it changes through the replica's buffer
// pool, and waits for the disk on a miss (PostgreSQL's startup process redoes a
// record into the block it names, reading it into shared buffers first —
// xlogutils.c XLogReadBufferForRedoExtended; MySQL's applier finds the row before
// changing it). One applier (PostgreSQL's single startup process) applies records
// one after the other, each taking cpu + (pages missed) × diskRead, so its rate is
//
//   μ = 1 / (cpu + m × diskRead),   m = misses per record.
//
// Under uniform references an LRU of C pages over N pages holds C of them, so a
// heap page misses with probability m = 1 − C/N (independent reference model;
// Che, Tung & Wang, IEEE JSAC 2002, the uniform case). With writes arriving at
// λ > μ, record n commits at n/λ and is applied near n/μ: the oldest unapplied
// record's age at time t grows as t (1 − μ/λ).
//
// Figures: 100,000 keys of 128 bytes → ⌊8192/128⌋ = 64 rows per 8 KiB page →
// N = ⌈100,000/64⌉ = 1,563 heap pages. shared_buffers 1 MB → C = 128 pages,
// m = 1 − 128/1,563 = 0.9181; cpu 0.1 ms, diskRead 1 ms → 1/μ = 1.0181 ms,
// μ = 982.2/s. λ = 2,000/s → the age grows at 1 − 982.2/2,000 = 0.5089 s per s.
// A 64 MB pool (8,192 pages) holds every page: only the 1,563 cold misses, once.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { Replication } from "../../src/models/replication/replication.js";
import { BufferPool } from "../../src/models/server/buffer-pool.js";
import { DiskStation } from "../../src/models/server/disk.js";
import { DatabaseServer } from "../../src/models/server/server.js";
import { StatementPipeline } from "../../src/models/server/statement.js";

const KEYS = 100_000;
const RATE_PER_MS = 2; // λ = 2,000 writes/s
const CPU_MS = 0.1;
const DISK_MS = 1;

function server(sim: Simulation, name: string): DatabaseServer {
  return new DatabaseServer(sim, {
    name,
    cores: 4,
    sigma: 0,
    kappa: 0,
    maxConnections: 100,
    memoryPerConnectionMB: 0,
    keyCount: KEYS,
    readWorkMs: () => 0.1,
    writeWorkMs: () => 0.1,
    connectWorkMs: () => 0,
  });
}

/** Oldest-unapplied age (ms) on a replica with `poolMB` of shared_buffers after `seconds` of writes. */
function lagAfter(poolMB: number, seconds: number, applyPages: "heap" | "index-and-heap") {
  const sim = new Simulation({ seed: 7 });
  const primary = server(sim, "primary");
  const replica = server(sim, "replica");
  const disk = new DiskStation(sim, { name: "replica", parallelism: 8, readMs: () => DISK_MS });
  const pool = new BufferPool({
    size: { sharedBuffersMB: poolMB },
    keyCount: KEYS,
    rowBytes: 128,
    indexEntryBytes: 20,
  });
  const pipeline = new StatementPipeline(replica, {
    bufferPool: pool,
    disk,
    locks: null,
    wal: null,
    ramReadMs: 0,
    applyPages,
  });
  replica.usePipeline(pipeline);
  const link = {
    roundTripMs: () => 0,
    flushMs: () => 0,
    applyMs: () => CPU_MS,
    applyWorkers: 1,
    outages: [],
  };
  const r = new Replication(
    sim,
    { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link] },
    [replica],
  );
  primary.onCommit((lsn, key, version, ack) => r.commit(lsn, key, version, ack));
  const keys = sim.rng("keys");
  const endMs = seconds * 1000;
  const write = (): void => {
    primary.commit(Math.floor(keys.uniform(0, KEYS)), () => {});
    if (sim.now + 1 / RATE_PER_MS < endMs) sim.schedule(1 / RATE_PER_MS, write);
  };
  sim.schedule(0, write);
  sim.run({ until: endMs });
  return { lagMs: r.lagMs(0), missRatio: 1 - pool.hitRatio, pool };
}

describe("replica apply reads its pages through the replica's buffer pool", () => {
  it("a pool smaller than the working set: one applier falls behind at t(1 − μ/λ), μ = 1/(cpu + m·diskRead)", () => {
    const seconds = 8;
    const { lagMs, missRatio } = lagAfter(1, seconds, "heap");
    const m = 1 - 128 / 1563;
    // ~7,900 applies: the miss ratio's standard error is √(m(1 − m)/7,900) = 0.003,
    // plus the 128 cold misses filling the pool; 0.012 is four standard errors.
    expect(Math.abs(missRatio - m)).toBeLessThan(0.012);
    const mu = 1 / (CPU_MS + m * DISK_MS); // records per ms
    const expected = seconds * 1000 * (1 - mu / RATE_PER_MS);
    // The miss count over ~8,000 applies is binomial: a relative spread near 0.3 %;
    // 3 % covers it and the first 128 applies filling the pool.
    expect(lagMs).toBeGreaterThan(expected * 0.97);
    expect(lagMs).toBeLessThan(expected * 1.03);
  });

  it("a pool that holds every page keeps up: lag is a few apply times, not seconds", () => {
    const { lagMs } = lagAfter(64, 8, "heap");
    // After the 1,563 cold misses (1.6 s of disk at most, spread over 8 s of
    // writes) an apply takes 0.1 ms, far below the 0.5 ms between writes.
    expect(lagMs).toBeLessThan(5);
  });

  it("MySQL's applier also reads the index leaf: two pages a record, the index ones mostly hits", () => {
    // 100,000 entries of 20 bytes: ⌈100,000/409⌉ = 245 leaf pages, 1,808 pages in
    // all for a pool of 128: the index leaves are hot (each touched 6.4 times as
    // often as a heap page), so more than one page is read per record on average.
    const heap = lagAfter(1, 4, "heap");
    const both = lagAfter(1, 4, "index-and-heap");
    expect(both.pool.misses).toBeGreaterThan(heap.pool.misses);
    expect(both.lagMs).toBeGreaterThan(heap.lagMs);
  });
});

describe("apply and reads share the replica's pool", () => {
  it("a page the applier brought in is a hit for the next read of that row (PostgreSQL: the heap page only)", () => {
    const sim = new Simulation();
    const replica = server(sim, "replica");
    const disk = new DiskStation(sim, { name: "replica", parallelism: 1, readMs: () => DISK_MS });
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: KEYS,
      rowBytes: 128,
      indexEntryBytes: 20,
    });
    const pipeline = new StatementPipeline(replica, {
      bufferPool: pool,
      disk,
      locks: null,
      wal: null,
      ramReadMs: 0,
      applyPages: "heap",
    });
    pipeline.apply(500, CPU_MS, () => {});
    sim.run();
    expect(pool.misses).toBe(1); // the heap page, read from disk
    pipeline.statement(pipeline.begin(false), 500, "read", CPU_MS, () => {});
    sim.run();
    // The read touches the index leaf (a miss: redo of a HOT update never read it)
    // and the heap page the apply left in the pool (a hit).
    expect(pool.misses).toBe(2);
    expect(pool.hits).toBe(1);
  });
});
