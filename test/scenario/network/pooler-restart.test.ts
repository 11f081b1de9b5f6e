// A pgbouncer restart on the timeline. pgbouncer's usage.md: SHUTDOWN (or
// SIGQUIT) makes the process exit, so every client and server connection it
// held closes; until it is started again nothing listens on its port, so a
// connection attempt is refused. `pgbouncer -R` (online restart) instead hands
// the open sockets to the new process, so clients keep their connections.
import { describe, expect, it } from "vitest";
import {
  parseScenario,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../../src/index.js";

const RT = 1;
const FROM = 600;
const TO = 800;

const BASE = {
  seed: 11,
  warmup: 300,
  duration: 1_000,
  latency: { sameDatacenterRoundTrip: RT },
  database: {
    cores: 64,
    mechanisms: "none",
    readTime: 0.5,
    writeTime: 0.25,
    connectionSetupTime: 1,
  },
  pool: { poolMode: "transaction", defaultPoolSize: 50 },
  client: { poolSize: 50 },
  workload: { rate: 300, readRatio: 0.8, keys: { count: 1_000 }, transactions: { share: 0 } },
} satisfies ScenarioInput;

function restart(online: boolean, client: ScenarioInput["client"] = BASE.client): ScenarioInput {
  return {
    ...BASE,
    client,
    timeline: [{ at: FROM, kind: "pooler-restart", for: TO - FROM, online }],
  };
}

describe("pooler-restart", () => {
  it("fails each transaction that reaches the stopped pooler at once, and none after it is back", () => {
    // Act
    const run = runScenarioDetailed(restart(false), { history: true });
    // Assert: a statement reaches pgbouncer half a round trip after the issue;
    // the failure takes the other half back.
    const ops = (run.history?.toArray() ?? []).filter((op) => op.invokeMs >= 300);
    const down = ops.filter((op) => op.invokeMs + RT / 2 >= FROM && op.invokeMs + RT / 2 < TO);
    expect(down.length).toBeGreaterThan(40);
    for (const op of down) {
      expect(op.ok).toBe(false);
      expect(op.completeMs - op.invokeMs).toBeCloseTo(RT, 9);
    }
    // One at pgbouncer when it stopped (sent, its answer not yet back through
    // it: the server's round trip and work later) fails too.
    const work = (kind: string) => (kind === "read" ? 0.5 : 0.25);
    const underWay = ops.filter(
      (op) => op.invokeMs + RT / 2 < FROM && op.invokeMs + RT / 2 + RT + work(op.kind) > FROM,
    );
    for (const op of underWay) expect(op.ok).toBe(false);
    const after = ops.filter((op) => op.invokeMs >= TO);
    expect(after.every((op) => op.ok)).toBe(true);
    const failed = down.length + underWay.length;
    expect(run.report.errors.byKind.server_closed_connection).toBe(failed);
    expect(run.report.errors.total).toBe(failed);
    expect(run.report.network?.events[0]?.failedByKind).toEqual({
      connection_refused: 0,
      server_closed_connection: failed,
    });
  });

  it("refuses new connections while it is down (a connection per request)", () => {
    const report = runScenario(restart(false, { connections: "per-request" }));
    expect(report.errors.byKind.connection_refused).toBeGreaterThan(40);
    expect(report.errors.total).toBe(report.errors.byKind.connection_refused);
  });

  it("fails a transaction under way when it stops, when its last answer comes back", () => {
    // Arrange: write transactions of 4 statements, the pooler down for 2 ms
    const input: ScenarioInput = {
      ...BASE,
      workload: { ...BASE.workload, readRatio: 0, transactions: { share: 1, statements: 4 } },
      timeline: [{ at: FROM, kind: "pooler-restart", for: 2 }],
    };
    // Act
    const run = runScenarioDetailed(input, { history: true });
    // Assert: those issued before the stop and answered after it failed
    const spanning = (run.history?.toArray() ?? []).filter(
      (op) => op.invokeMs + RT / 2 < FROM && op.completeMs > FROM,
    );
    expect(spanning.length).toBeGreaterThan(0);
    for (const op of spanning) expect(op.ok).toBe(false);
  });

  it("online (-R): no connection drops, what arrives meanwhile waits until it is back", () => {
    // Act
    const run = runScenarioDetailed(restart(true), { history: true });
    // Assert
    expect(run.report.errors.total).toBe(0);
    const ops = run.history?.toArray() ?? [];
    const waited = ops.filter((op) => op.invokeMs + RT / 2 >= FROM && op.invokeMs + RT / 2 < TO);
    expect(waited.length).toBeGreaterThan(40);
    for (const op of waited) expect(op.completeMs).toBeGreaterThan(TO);
    expect(run.report.network?.events[0]?.held).toBeGreaterThan(0);
  });

  it("starts the new process without server connections: the pool opens them again after an immediate restart", () => {
    // Arrange: min_pool_size keeps 5 server connections open from the start
    const pool = { ...BASE.pool, minPoolSize: 5 };
    // Act
    const steady = runScenario({ ...BASE, pool }).pool?.pools[0];
    const restarted = runScenario({ ...restart(false), pool }).pool?.pools[0];
    // Assert: after the warm-up cut the steady pool opens nothing; after the
    // restart (pgbouncer's usage.md: SHUTDOWN closes every connection) the
    // pool opens server connections again, each paying its set-up
    expect(steady?.serverConnectionsOpened).toBe(0);
    expect(restarted?.serverConnectionsOpened).toBeGreaterThan(0);
  });

  it("is refused without a pool, on a node the scenario does not have, and twice at once", () => {
    const { pool: _, ...noPool } = BASE;
    const r1 = parseScenario({ ...noPool, timeline: [{ at: 1, kind: "pooler-restart", for: 5 }] });
    expect(r1.ok ? [] : r1.issues.map((i) => [i.path, i.message])).toEqual([
      [
        "timeline.0.kind",
        'expected a `pool` section: a pooler restart needs a pgbouncer in front of the node, and the scenario has none; got "pooler-restart"',
      ],
    ]);
    const r2 = parseScenario({
      ...BASE,
      timeline: [{ at: 1, kind: "pooler-restart", node: "replica-1", for: 5 }],
    });
    expect(r2.ok ? [] : r2.issues.map((i) => i.path)).toEqual(["timeline.0.node"]);
    const r3 = parseScenario({
      ...BASE,
      timeline: [
        { at: 1, kind: "pooler-restart", for: 5 },
        { at: 3, kind: "pooler-restart", for: 5, online: true },
      ],
    });
    expect(r3.ok ? [] : r3.issues.map((i) => i.path)).toEqual(["timeline.1"]);
  });
});
