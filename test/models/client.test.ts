// The application's driver against a real DatabaseServer with constant costs, so
// every time is arithmetic: a statement costs one round trip r plus its work w;
// a new connection costs connectRoundTrips·r plus the server's set-up work.
import { describe, expect, it } from "vitest";
import {
  type ConnectionPolicy,
  DatabaseClient,
  DatabaseServer,
  Operation,
  Simulation,
} from "../../src/index.js";

interface Setup {
  readonly connections: ConnectionPolicy;
  readonly roundTrip?: number;
  readonly connectRoundTrips?: number;
  readonly work?: number;
  readonly connectWork?: number;
  readonly maxConnections?: number;
}

function setup(s: Setup) {
  const sim = new Simulation({ seed: 1 });
  const db = new DatabaseServer(sim, {
    name: "primary",
    cores: 64,
    sigma: 0,
    kappa: 0,
    maxConnections: s.maxConnections ?? 100,
    memoryPerConnectionMB: 7.5,
    keyCount: 10,
    readWorkMs: () => s.work ?? 3,
    writeWorkMs: () => s.work ?? 3,
    connectWorkMs: () => s.connectWork ?? 2,
  });
  const client = new DatabaseClient(
    sim,
    {
      connections: s.connections,
      roundTripMs: () => s.roundTrip ?? 1,
      connectRoundTrips: s.connectRoundTrips ?? 3,
    },
    db,
  );
  const done: Operation[] = [];
  const submit = (id: number, kind: "read" | "write" = "read", statements = 1) =>
    client.submit(new Operation(id, 0, kind, 1, statements, sim.now), (op) => done.push(op));
  return { sim, db, client, done, submit };
}

const pool = (poolSize: number, connectionTimeoutMs = 30_000): ConnectionPolicy => ({
  mode: "persistent",
  instances: 1,
  poolSize,
  connectionTimeoutMs,
});

describe("per-request connections", () => {
  it("pays the set-up every time: 3 round trips + set-up work, then round trip + work", () => {
    const { sim, db, done, submit } = setup({ connections: { mode: "per-request" } });
    submit(0);
    sim.run();
    // 3·1 + 2 (set-up) + 1 + 3 (statement) = 9.
    expect(done[0]?.completedAt).toBe(9);
    expect(done[0]?.error).toBeNull();
    expect(db.openConnections).toBe(0);
    expect(db.connections.max).toBe(1);
  });

  it("past max_connections the request fails with too_many_clients after the handshake", () => {
    const { sim, done, submit } = setup({
      connections: { mode: "per-request" },
      maxConnections: 2,
    });
    for (let i = 0; i < 3; i++) submit(i);
    sim.run();
    const failed = done.filter((op) => op.error === "too_many_clients");
    expect(failed).toHaveLength(1);
    expect(failed[0]?.completedAt).toBe(3);
  });
});

describe("persistent pool", () => {
  it("opens a connection once and reuses it: the second request pays only round trip + work", () => {
    const { sim, client, done, submit } = setup({ connections: pool(1) });
    submit(0);
    sim.run();
    sim.schedule(0, () => submit(1));
    sim.run();
    expect(done[0]?.completedAt).toBe(9);
    expect((done[1]?.completedAt ?? 0) - (done[0]?.completedAt ?? 0)).toBe(4);
    expect(client.connectsOpened).toBe(1);
  });

  it("a transaction of k statements holds its connection for k round trips + k works", () => {
    const { sim, done, submit } = setup({
      connections: pool(1),
      connectRoundTrips: 0,
      connectWork: 0,
    });
    submit(0, "write", 4);
    sim.run();
    expect(done[0]?.completedAt).toBe(4 * (1 + 3));
    expect(done[0]?.version).toBe(1);
  });

  it("each transaction of k statements runs all k, one after another on one connection", () => {
    // The driver keeps no state from one operation to the next: each is submitted after
    // the one before has finished, and the second also runs 3 statements (3·(1 + 3) ms),
    // the third 2.
    const { sim, done, submit } = setup({
      connections: pool(1),
      connectRoundTrips: 0,
      connectWork: 0,
    });
    submit(0, "write", 3);
    sim.run();
    submit(1, "write", 3);
    sim.run();
    submit(2, "read", 2);
    sim.run();
    expect(done.map((op) => [op.id, op.completedAt])).toEqual([
      [0, 12],
      [1, 24],
      [2, 32],
    ]);
  });

  it("requests beyond the pool wait FIFO for a connection", () => {
    const { sim, done, submit } = setup({
      connections: pool(1),
      connectRoundTrips: 0,
      connectWork: 0,
    });
    for (let i = 0; i < 3; i++) submit(i);
    sim.run();
    expect(done.map((op) => op.id)).toEqual([0, 1, 2]);
    expect(done.map((op) => op.completedAt)).toEqual([4, 8, 12]);
  });

  it("a request that waits longer than connectionTimeout fails with connection_timeout", () => {
    const { sim, done, submit } = setup({
      connections: pool(1, 100),
      work: 1000,
      connectRoundTrips: 0,
      connectWork: 0,
    });
    for (let i = 0; i < 3; i++) submit(i);
    sim.run();
    const timedOut = done.filter((op) => op.error === "connection_timeout");
    expect(timedOut.map((op) => op.completedAt)).toEqual([100, 100]);
  });

  it("requests that timed out are no longer counted as waiting", () => {
    const { sim, client, submit } = setup({
      connections: pool(1, 100),
      work: 1000,
      connectRoundTrips: 0,
      connectWork: 0,
    });
    for (let i = 0; i < 5; i++) submit(i);
    sim.run({ until: 50 });
    expect(client.waiting).toBe(4);
    // At 100 ms all four waiters gave up and left with an error; the first still runs until ~1001.
    sim.run({ until: 500 });
    expect(client.waiting).toBe(0);
  });
});
