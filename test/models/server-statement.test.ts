// The statement pipeline and node sizes, worked out by hand:
// - mechanisms off, a statement is its CPU work on processor-sharing cores: k equal
//   statements of work w on c cores started together finish at w·max(1, k/c);
// - a statement waiting for its pages from disk holds no core, so a warm statement
//   beside it has the core to itself;
// - a lock error rolls the transaction back: its other rows are free again;
// - a commit that wrote waits for the log flush; a read-only one does not;
// - node sizes come from the Amazon RDS hardware table, with overrides and a
//   caller's price table (no prices ship).
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { BufferPool } from "../../src/models/server/buffer-pool.js";
import { DiskStation } from "../../src/models/server/disk.js";
import { RowLocks } from "../../src/models/server/locks.js";
import { nodeSize, nodeSizeNames, planCostPerHour } from "../../src/models/server/node-sizes.js";
import { DatabaseServer } from "../../src/models/server/server.js";
import { type ServerMechanisms, StatementPipeline } from "../../src/models/server/statement.js";
import { WalFlusher } from "../../src/models/server/wal.js";

const OFF: ServerMechanisms = {
  bufferPool: null,
  disk: null,
  locks: null,
  wal: null,
  ramReadMs: 0,
};

function node(sim: Simulation, cores: number): DatabaseServer {
  return new DatabaseServer(sim, {
    name: "db",
    cores,
    sigma: 0,
    kappa: 0,
    maxConnections: 100,
    memoryPerConnectionMB: 0,
    keyCount: 100,
    readWorkMs: () => 1,
    writeWorkMs: () => 1,
    connectWorkMs: () => 0,
  });
}

describe("statement pipeline", () => {
  it("mechanisms off: 3 statements of 2 ms on 2 cores finish together at 3 ms (pure processor sharing)", () => {
    const sim = new Simulation();
    const pipeline = new StatementPipeline(node(sim, 2), OFF);
    const finished: number[] = [];
    for (let i = 0; i < 3; i++) {
      pipeline.statement(pipeline.begin(), i, "read", 2, () => finished.push(sim.now));
    }
    sim.run();
    expect(finished).toEqual([3, 3, 3]);
  });

  it("a statement reading its pages from disk holds no core: the warm one beside it runs alone", () => {
    const sim = new Simulation();
    const disk = new DiskStation(sim, { name: "db", parallelism: 4, readMs: () => 1 });
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: 10_000,
      rowBytes: 100,
      indexEntryBytes: 16,
    });
    pool.accessKey(0); // key 0 warm; key 5,000 lies on other pages, cold
    const pipeline = new StatementPipeline(node(sim, 1), { ...OFF, bufferPool: pool, disk });
    const finished: Record<string, number> = {};
    pipeline.statement(pipeline.begin(), 5000, "read", 1, () => {
      finished.cold = sim.now;
    });
    pipeline.statement(pipeline.begin(), 0, "read", 1, () => {
      finished.warm = sim.now;
    });
    sim.run();
    expect(finished).toEqual({ warm: 1, cold: 3 }); // cold: 2 page reads, then 1 ms CPU
    expect(disk.completed).toBe(2);
  });

  it("a lock timeout rolls the transaction back, freeing the rows it had locked", () => {
    const sim = new Simulation();
    const locks = new RowLocks(sim, { engine: "postgresql", lockTimeoutMs: 5 });
    const pipeline = new StatementPipeline(node(sim, 4), { ...OFF, locks });
    const holder = pipeline.begin();
    const loser = pipeline.begin();
    const outcome: string[] = [];
    pipeline.statement(holder, 1, "write", 1, () => outcome.push(`${sim.now} holder locked 1`));
    pipeline.statement(loser, 2, "write", 1, () => {
      outcome.push(`${sim.now} loser locked 2`);
      pipeline.statement(loser, 1, "write", 1, (error) =>
        outcome.push(`${sim.now} loser ${error}`),
      );
    });
    sim.at(10, () => {
      const third = pipeline.begin();
      pipeline.statement(third, 2, "write", 1, (error) =>
        outcome.push(`${sim.now} third on 2: ${error ?? "ok"}`),
      );
    });
    sim.run();
    expect(outcome).toEqual([
      "1 holder locked 1",
      "1 loser locked 2",
      "6 loser lock_timeout",
      "11 third on 2: ok",
    ]);
    expect(pipeline.openTransactions).toBe(2); // holder and third, never committed
  });

  it("a commit that wrote waits for the log flush; a read-only commit does not", () => {
    const sim = new Simulation();
    const disk = new DiskStation(sim, { name: "db", parallelism: 1, readMs: () => 1 });
    let pipeline: StatementPipeline | null = null;
    const wal = new WalFlusher(sim, {
      name: "db",
      fsyncMs: () => 3,
      disk: (ms, done) => disk.submit(ms, done),
      delay: { kind: "none" },
      activeTransactions: () => pipeline?.openTransactions ?? 0,
    });
    pipeline = new StatementPipeline(node(sim, 2), { ...OFF, wal });
    const p = pipeline;
    const acks: Record<string, number> = {};
    const writer = p.begin();
    const reader = p.begin();
    p.statement(writer, 1, "write", 1, () => p.commit(writer, () => (acks.writer = sim.now)));
    p.statement(reader, 2, "read", 1, () => p.commit(reader, () => (acks.reader = sim.now)));
    sim.run();
    expect(acks).toEqual({ writer: 4, reader: 1 });
    expect(p.openTransactions).toBe(0);
  });

  it("a buffer pool without a disk is refused", () => {
    const sim = new Simulation();
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: 1,
      rowBytes: 1,
      indexEntryBytes: 1,
    });
    expect(() => new StatementPipeline(node(sim, 1), { ...OFF, bufferPool: pool })).toThrow(
      /needs a disk/,
    );
  });
});

describe("node sizes", () => {
  it("db.m6g.2xlarge is 8 vCPU and 32 GiB (Amazon RDS hardware table); each m6g step doubles both", () => {
    const size = nodeSize("db.m6g.2xlarge");
    expect([size.vcpus, size.memoryGiB]).toEqual([8, 32]);
    const m6g = nodeSizeNames()
      .filter((n) => n.startsWith("db.m6g."))
      .map((n) => nodeSize(n));
    for (const s of m6g) expect(s.memoryGiB / s.vcpus).toBe(4);
  });

  it("has no price unless the caller's table gives one; overrides win over the preset", () => {
    expect(nodeSize("db.r6g.large").costPerHour).toBeNull();
    const priced = nodeSize("db.r6g.large", { diskIops: 12_000 }, { "db.r6g.large": 0.5 });
    expect([priced.costPerHour, priced.diskIops, priced.memoryGiB]).toEqual([0.5, 12_000, 16]);
    expect(planCostPerHour([priced, priced])).toBe(1);
    expect(planCostPerHour([priced, nodeSize("db.r6g.large")])).toBeNull();
  });

  it("an unknown preset or a bad override is an error naming the value", () => {
    expect(() => nodeSize("db.m6g.huge")).toThrow(
      /"db.m6g.huge" is not a preset; expected one of db.m6g.large/,
    );
    expect(() => nodeSize("db.m6g.large", { vcpus: -1 })).toThrow(/vcpus -1/);
    expect(() => nodeSize("db.m6g.large", {}, { "db.m6g.large": -2 })).toThrow(/costs -2/);
  });
});
