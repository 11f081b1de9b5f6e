// DatabaseServer.execute through a statement pipeline, worked out by hand:
// - a write transaction keeps its row lock from its first statement until its
//   commit may return — after the log flush and after the commit hook
//   (replication) acknowledges, as PostgreSQL releases locks only after
//   RecordTransactionCommit, which waits for synchronous standbys;
// - a read-only transaction does not flush;
// - a lock timeout ends the operation with `lock_timeout`;
// - in a multi-row transaction each statement locks and reads the pages of its
//   own row, and two such transactions in opposite orders deadlock.
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { Operation, type PortConnection } from "../../src/models/operation.js";
import { BufferPool } from "../../src/models/server/buffer-pool.js";
import { DiskStation } from "../../src/models/server/disk.js";
import { RowLocks } from "../../src/models/server/locks.js";
import { DatabaseServer } from "../../src/models/server/server.js";
import { StatementPipeline } from "../../src/models/server/statement.js";
import { WalFlusher } from "../../src/models/server/wal.js";

const CONN: PortConnection = Object.freeze({});

/** A node with 4 cores, 1 ms of CPU per statement, row locks and a 2 ms flush. */
function node(sim: Simulation, lockTimeoutMs = 0): { server: DatabaseServer; wal: WalFlusher } {
  const server = new DatabaseServer(sim, {
    name: "db",
    cores: 4,
    sigma: 0,
    kappa: 0,
    maxConnections: 10,
    memoryPerConnectionMB: 0,
    keyCount: 10,
    readWorkMs: () => 1,
    writeWorkMs: () => 1,
    connectWorkMs: () => 0,
  });
  const disk = new DiskStation(sim, { name: "db", parallelism: 1, readMs: () => 0 });
  let pipeline: StatementPipeline | null = null;
  const wal = new WalFlusher(sim, {
    name: "db",
    fsyncMs: () => 2,
    disk: (ms, done) => disk.submit(ms, done),
    delay: { kind: "none" },
    activeTransactions: () => pipeline?.openTransactions ?? 0,
  });
  pipeline = new StatementPipeline(server, {
    bufferPool: null,
    disk: null,
    locks: new RowLocks(sim, { engine: "postgresql", lockTimeoutMs }),
    wal,
    ramReadMs: 0,
  });
  server.usePipeline(pipeline);
  return { server, wal };
}

/** Runs every statement of `op` back to back; records when it ended and how. */
function runAll(
  sim: Simulation,
  server: DatabaseServer,
  op: Operation,
  log: { at: number; error: string | null }[],
): void {
  const step = (index: number): void =>
    server.execute(CONN, op, index, (error) => {
      if (error !== null || index === op.statements - 1) log.push({ at: sim.now, error });
      else step(index + 1);
    });
  step(0);
}

describe("DatabaseServer.execute through the pipeline", () => {
  it("a 2-statement write holds its row until the commit hook acks: the second writer starts after it", () => {
    const sim = new Simulation();
    const { server, wal } = node(sim);
    // The commit hook (replication) acknowledges 5 ms after the commit.
    server.onCommit((_lsn, _key, _version, ack) => sim.schedule(5, ack));
    const first: { at: number; error: string | null }[] = [];
    const second: { at: number; error: string | null }[] = [];
    runAll(sim, server, new Operation(0, 0, "write", 3, 2, 0), first);
    runAll(sim, server, new Operation(1, 1, "write", 3, 1, 0), second);
    sim.run();
    // First: 1 + 1 ms CPU, 2 ms flush, 5 ms ack = 9 ms; its lock goes then.
    expect(first).toEqual([{ at: 9, error: null }]);
    // Second: waits to 9, 1 ms CPU, 2 ms flush, 5 ms ack = 17 ms.
    expect(second).toEqual([{ at: 17, error: null }]);
    expect(wal.flushes).toBe(2);
  });

  it("commit observers see every commit in LSN order, before the hook, and never hold the acknowledgement", () => {
    const sim = new Simulation();
    const { server } = node(sim);
    const seen: string[] = [];
    server.observeCommits((lsn, key) => seen.push(`a${lsn}:${key}`));
    server.observeCommits((lsn) => seen.push(`b${lsn}`));
    server.onCommit((lsn, _key, _version, ack) => {
      seen.push(`hook${lsn}`);
      ack();
    });
    const log: { at: number; error: string | null }[] = [];
    runAll(sim, server, new Operation(0, 0, "write", 4, 1, 0), log);
    runAll(sim, server, new Operation(1, 1, "write", 7, 1, 0), log);
    sim.run();
    // Two commits, each seen by both observers in the order added, then by the hook.
    expect(seen).toEqual(["a1:4", "b1", "hook1", "a2:7", "b2", "hook2"]);
    // The hook acks at once: each write ends at its CPU + flush, as with no observer at all.
    const bare = new Simulation();
    const plain = node(bare).server;
    const plainLog: { at: number; error: string | null }[] = [];
    runAll(bare, plain, new Operation(0, 0, "write", 4, 1, 0), plainLog);
    runAll(bare, plain, new Operation(1, 1, "write", 7, 1, 0), plainLog);
    bare.run();
    expect(log).toEqual(plainLog);
  });

  it("a read-only transaction does not flush the log", () => {
    const sim = new Simulation();
    const { server, wal } = node(sim);
    const log: { at: number; error: string | null }[] = [];
    runAll(sim, server, new Operation(0, 0, "read", 3, 3, 0), log);
    sim.run();
    expect(log).toEqual([{ at: 3, error: null }]);
    expect(wal.flushes).toBe(0);
  });

  it("lock_timeout 1 ms: the writer behind a 2-statement holder gives up with lock_timeout at 1 ms", () => {
    const sim = new Simulation();
    const { server } = node(sim, 1);
    const first: { at: number; error: string | null }[] = [];
    const second: { at: number; error: string | null }[] = [];
    runAll(sim, server, new Operation(0, 0, "write", 3, 2, 0), first);
    runAll(sim, server, new Operation(1, 1, "write", 3, 1, 0), second);
    sim.run();
    expect(second).toEqual([{ at: 1, error: "lock_timeout" }]);
    expect(first).toEqual([{ at: 4, error: null }]);
  });
});

describe("what commit_siblings counts", () => {
  it("lock waiters are not active (MinimumActiveBackends skips backends blocked on a lock)", () => {
    const sim = new Simulation();
    const locks = new RowLocks(sim, { engine: "postgresql", lockTimeoutMs: 0 });
    const holder = locks.begin();
    const waiter = locks.begin();
    locks.acquire(holder, 7, () => {});
    locks.acquire(waiter, 7, () => {});
    expect(locks.activeTransactions).toBe(2);
    expect(locks.waiting).toBe(1);
    locks.release(holder);
    expect(locks.waiting).toBe(0);
    locks.release(waiter);
    expect(locks.activeTransactions).toBe(0);
  });
});

/** A write transaction of one statement per row in `rows`; its key is the last. */
function multiRow(id: number, rows: number[]): Operation {
  const op = new Operation(id, id, "write", rows[rows.length - 1] as number, rows.length, 0);
  op.statementKeys = rows;
  return op;
}

describe("a multi-row transaction (op.statementKeys)", () => {
  it("each statement locks its own row, held to the commit: a writer of the first row waits", () => {
    const sim = new Simulation();
    const { server } = node(sim);
    const first: { at: number; error: string | null }[] = [];
    const second: { at: number; error: string | null }[] = [];
    runAll(sim, server, multiRow(0, [2, 3]), first);
    sim.schedule(0.5, () => runAll(sim, server, new Operation(1, 1, "write", 2, 1, 0.5), second));
    sim.run();
    // First: row 2 at [0, 1], row 3 at [1, 2], flush [2, 4], both rows freed at 4.
    // Second waits for row 2 until 4, then 1 ms CPU and its own 2 ms flush: 7.
    expect(first).toEqual([{ at: 4, error: null }]);
    expect(second).toEqual([{ at: 7, error: null }]);
  });

  it("each statement reads its own row's pages: two rows, four pages missed", () => {
    const sim = new Simulation();
    const { server } = node(sim);
    // One row per heap page and one entry per index page: each row is two pages
    // of its own (heap + index leaf), none in the pool yet.
    const pool = new BufferPool({
      size: { sharedBuffersMB: 1 },
      keyCount: 1000,
      rowBytes: 8192,
      indexEntryBytes: 8192,
    });
    const base = server.pipeline as StatementPipeline;
    const disk = new DiskStation(sim, { name: "db", parallelism: 1, readMs: () => 0.1 });
    server.usePipeline(new StatementPipeline(server, { ...base.parts, bufferPool: pool, disk }));
    const log: { at: number; error: string | null }[] = [];
    runAll(sim, server, multiRow(0, [10, 500]), log);
    sim.run();
    expect(log).toEqual([{ at: expect.any(Number), error: null }]);
    expect(pool.misses).toBe(4);
    expect(pool.hits).toBe(0);
  });

  it("two transactions taking rows 1 and 2 in opposite orders: one victim after deadlock_timeout, the other commits", () => {
    const sim = new Simulation();
    const { server } = node(sim);
    const log: { at: number; error: string | null }[] = [];
    runAll(sim, server, multiRow(0, [1, 2]), log);
    runAll(sim, server, multiRow(1, [2, 1]), log);
    sim.run();
    // Each holds its first row at 1 ms and waits for the other's. PostgreSQL's check
    // runs deadlock_timeout (1 s) into a wait and aborts the waiter running it (1001 ms);
    // the other gets the row: 1 ms CPU and a 2 ms flush, 1004 ms.
    expect(log).toEqual([
      { at: 1001, error: "deadlock" },
      { at: 1004, error: null },
    ]);
  });
});
