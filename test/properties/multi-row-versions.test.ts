// A transaction's changes all become visible at its commit: PostgreSQL stamps
// every tuple a transaction wrote with its xid, and its commit record makes them
// visible together (heapam.c heap_update; xact.c RecordTransactionCommit);
// InnoDB's undo/redo likewise commits a transaction's rows at once. So for any
// sequence of write transactions over any rows:
// - every row a committed transaction wrote has a new version, at that
//   transaction's commit LSN; a row's version counts the transactions that
//   wrote it (a row written twice in one transaction is one version);
// - the version oracle's newest acknowledged version of every row is that count;
// - a replica that has caught up holds the same version and LSN for every row;
// - the consistency monitor knows a multi-row write's other rows: a read of one of
//   them returning an older version is a read-your-writes violation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ConsistencyMonitor } from "../../src/consistency/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { Operation, type PortConnection } from "../../src/models/operation.js";
import { Replication } from "../../src/models/replication/replication.js";
import { DatabaseServer } from "../../src/models/server/server.js";
import { ClusterVersionOracle } from "../../src/scenario/versions.js";

const KEYS = 12;

function node(sim: Simulation, name: string): DatabaseServer {
  return new DatabaseServer(sim, {
    name,
    cores: 2,
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

/** A connection to `server`, once its backend has started. */
function connect(sim: Simulation, server: DatabaseServer): PortConnection {
  const got: PortConnection[] = [];
  server.connect((c) => {
    if (c !== null) got.push(c);
  });
  sim.run();
  const conn = got[0];
  if (conn === undefined) throw new Error("no connection");
  return conn;
}

/** Runs every statement of `op` on `server` one after another, then `done`. */
function runOp(server: DatabaseServer, conn: PortConnection, op: Operation, done: () => void) {
  const step = (i: number): void => {
    server.execute(conn, op, i, (error) => {
      if (error !== null) throw new Error(`statement ${i} of op ${op.id}: ${error}`);
      if (i + 1 < op.statements) step(i + 1);
      else done();
    });
  };
  step(0);
}

const transactions = fc.array(
  fc.array(fc.integer({ min: 0, max: KEYS - 1 }), { minLength: 1, maxLength: 5 }),
  { minLength: 1, maxLength: 30 },
);

describe("every row of a multi-row transaction gets its version at the commit", () => {
  it("primary, oracle and a caught-up replica agree: each row's version counts the transactions that wrote it", () => {
    fc.assert(
      fc.property(transactions, fc.integer({ min: 1, max: 3 }), (txns, concurrency) => {
        const sim = new Simulation({ seed: 3 });
        const primary = node(sim, "primary");
        const replica = node(sim, "replica");
        const link = {
          roundTripMs: () => 1,
          flushMs: () => 0.5,
          applyMs: () => 0.2,
          applyWorkers: 2,
          outages: [],
        };
        const r = new Replication(
          sim,
          { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link] },
          [replica],
        );
        primary.onCommit((lsn, key, version, ack, rows) => r.commit(lsn, key, version, ack, rows));
        const oracle = new ClusterVersionOracle([primary], KEYS);
        const acked: Operation[] = [];
        const conn = connect(sim, primary);
        // `concurrency` sessions, each running its share of the transactions in turn.
        const queue = txns.map((rows, i) => {
          const op = new Operation(
            i,
            i % concurrency,
            "write",
            rows[rows.length - 1] as number,
            rows.length,
            0,
          );
          op.statementKeys = rows.length > 1 ? rows : null;
          return op;
        });
        const next = (): void => {
          const op = queue.shift();
          if (op === undefined) return;
          runOp(primary, conn, op, () => {
            oracle.acknowledge(op);
            acked.push(op);
            next();
          });
        };
        for (let s = 0; s < concurrency; s++) next();
        sim.run();
        expect(acked.length).toBe(txns.length);
        const count = new Array<number>(KEYS).fill(0);
        const lastLsn = new Array<number>(KEYS).fill(0);
        for (const op of acked) {
          const rows = new Set(op.statementKeys ?? [op.key]);
          for (const key of rows) {
            count[key] = (count[key] as number) + 1;
            lastLsn[key] = Math.max(lastLsn[key] as number, op.lsn);
          }
          if (rows.size > 1) expect(op.writtenRows?.keys.length).toBe(rows.size);
        }
        for (let key = 0; key < KEYS; key++) {
          expect(primary.read(key)).toBe(count[key]);
          expect(primary.keys.lsn(key)).toBe(lastLsn[key]);
          expect(oracle.newestAckedVersion(0, key)).toBe(count[key]);
          expect(replica.read(key)).toBe(count[key]);
          expect(replica.keys.lsn(key)).toBe(lastLsn[key]);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("a transaction of k rows commits at one LSN and logs k × bytesPerWrite", () => {
    const sim = new Simulation();
    const primary = node(sim, "primary");
    const replica = node(sim, "replica");
    const link = {
      roundTripMs: () => 0,
      flushMs: () => 0,
      applyMs: () => 0,
      applyWorkers: 1,
      outages: [],
    };
    const r = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link] },
      [replica],
    );
    primary.onCommit((lsn, key, version, ack, rows) => r.commit(lsn, key, version, ack, rows));
    const op = new Operation(0, 0, "write", 5, 3, 0);
    op.statementKeys = [2, 7, 5];
    const conn = connect(sim, primary);
    runOp(primary, conn, op, () => {});
    sim.run();
    expect(op.lsn).toBe(1);
    expect(r.lsn).toBe(1);
    // One record of three rows: the byte lag peaked at 3 × 100 at its commit.
    expect(r.lagBytesMax(0)).toBe(300);
    expect([2, 7, 5].map((k) => primary.keys.lsn(k))).toEqual([1, 1, 1]);
    expect([2, 7, 5].map((k) => replica.read(k))).toEqual([1, 1, 1]);
  });

  it("the monitor counts a read of another row of the session's transaction that misses it", () => {
    const monitor = new ConsistencyMonitor();
    const write = { id: 1, session: 1, kind: "write" as const, key: 5, cluster: 0 };
    monitor.onInvoke(write);
    monitor.onComplete({ ...write, ok: true, version: 1, lsn: 1, versionLsn: 1 });
    monitor.onRowsWritten({ ...write, ok: true, lsn: 1 }, [2, 7], [1, 1]);
    const read = { id: 2, session: 1, kind: "read" as const, key: 7, cluster: 0 };
    monitor.onInvoke(read);
    monitor.onComplete({ ...read, ok: true, version: 0, lsn: 0, versionLsn: 0 });
    expect(monitor.counts().readYourWrites).toBe(1);
  });
});
