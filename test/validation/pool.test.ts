// Validation of the pgbouncer model against pgbouncer's documentation
// (https://www.pgbouncer.org/config.html) and queueing theory (docs/reference.md):
// - a transaction pool of c server connections in front of a server with c
//   cores, Poisson arrivals and exponential work is an M/M/c queue whose waiting
//   line is the pool's (cl_waiting): Erlang C's Wq and P(wait > t);
// - Little's law on the waiting line: time-average cl_waiting = λ × mean wait;
// - the exhausted-pool rules: query_wait_timeout disconnects, the reserve opens
//   once the oldest waiter has waited reserve_pool_timeout;
// - statement mode refuses multi-statement transactions.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  DatabaseServer,
  Operation,
  PgBouncer,
  type PgBouncerConfig,
  runScenario,
  type ScenarioInput,
  Simulation,
} from "../../src/index.js";
import { pgbouncerConfig } from "../support/pgbouncer-config.js";
import { confidenceInterval, erlangC, formatInterval } from "./queueing.js";

function pooled(c: number, lambdaPerMs: number, seed: number): ScenarioInput {
  return {
    seed,
    duration: 60_000,
    warmup: 2_000,
    workload: {
      rate: lambdaPerMs * 1000,
      readRatio: 1,
      keys: { count: 1000, popularity: { kind: "uniform" } },
    },
    database: {
      cores: c,
      readTime: { kind: "exponential", mean: 1 },
      connectionSetupTime: 0,
      maxConnections: 1000,
    },
    // Application connections to the pooler are plentiful and free; no network anywhere.
    client: { poolSize: 500, roundTrip: 0, connectRoundTrips: 0 },
    pool: {
      poolMode: "transaction",
      defaultPoolSize: c,
      maxClientConn: 1000,
      serverRoundTrip: 0,
      serverConnectRoundTrips: 0,
    },
  };
}

describe("pgbouncer: a pool of c connections in front of c cores is M/M/c", () => {
  for (const { c, rho } of [
    { c: 2, rho: 0.8 },
    { c: 4, rho: 0.7 },
  ]) {
    it(`c = ${c}, ρ = ${rho}: mean pool wait = Erlang C's Wq = C/(cμ−λ), inside the 95 % CI of 10 replications`, () => {
      const lambda = c * rho;
      const theory = erlangC(c, lambda) / (c - lambda);
      const waits: number[] = [];
      const tails: number[] = [];
      let littleError = 0;
      for (let r = 0; r < 10; r++) {
        const report = runScenario(pooled(c, lambda, 100 + r));
        const pool = report.pool?.pools[0];
        if (pool === undefined) throw new Error("no pool in the report");
        waits.push(pool.waitMs.mean);
        tails.push(pool.clientsWaitingMean);
        // Little's law on the waiting line: L_q = λ W_q, both measured.
        const lambdaMeasured = pool.xactPerSec / 1000;
        littleError = Math.max(
          littleError,
          Math.abs(pool.clientsWaitingMean - lambdaMeasured * pool.waitMs.mean) /
            pool.clientsWaitingMean,
        );
      }
      const ci = confidenceInterval(waits);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeGreaterThanOrEqual(ci.low);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeLessThanOrEqual(ci.high);
      // Lq = C ρ / (1 − ρ) from theory, inside the CI of the time-average cl_waiting.
      const lq = (erlangC(c, lambda) * rho) / (1 - rho);
      const ciL = confidenceInterval(tails);
      expect(lq, formatInterval(ciL, lq, 0.95)).toBeGreaterThanOrEqual(ciL.low);
      expect(lq, formatInterval(ciL, lq, 0.95)).toBeLessThanOrEqual(ciL.high);
      // The window's two ends make L and λW differ by a little; 2 % is far above that.
      expect(littleError).toBeLessThan(0.02);
    });
  }
});

/** A pooler over a 4-core server whose every statement takes `workMs`; no network. */
function pool(overrides: Partial<PgBouncerConfig>, workMs: number) {
  const sim = new Simulation();
  const server = new DatabaseServer(sim, {
    name: "db",
    cores: 4,
    sigma: 0,
    kappa: 0,
    maxConnections: 100,
    memoryPerConnectionMB: 7.5,
    keyCount: 10,
    readWorkMs: () => workMs,
    writeWorkMs: () => workMs,
    connectWorkMs: () => 0,
  });
  const bouncer = new PgBouncer(sim, pgbouncerConfig(overrides), server);
  const outcomes: { client: number; error: string | null; at: number }[] = [];
  const start = (client: number, statements = 1) => {
    bouncer.connect((conn) => {
      if (conn === null) throw new Error("refused");
      const op = new Operation(client, client, "write", client, statements, sim.now);
      bouncer.execute(conn, op, 0, (error) => outcomes.push({ client, error, at: sim.now }));
    });
  };
  return { sim, bouncer, start, outcomes };
}

describe("pgbouncer: an exhausted pool", () => {
  it("pool 2, query_wait_timeout 1 s, three clients holding 5 s transactions: the third is disconnected at 1 s", () => {
    const t = pool({ defaultPoolSize: 2, queryWaitTimeoutMs: 1000 }, 5000);
    for (const c of [0, 1, 2]) t.start(c);
    t.sim.run();
    expect(t.outcomes).toEqual([
      { client: 2, error: "query_wait_timeout", at: 1000 },
      { client: 0, error: null, at: 5000 },
      { client: 1, error: null, at: 5000 },
    ]);
  });

  it("with reserve_pool_size 1 and reserve_pool_timeout 0.5 s, the third is served from 0.5 s", () => {
    const t = pool(
      {
        defaultPoolSize: 2,
        queryWaitTimeoutMs: 1000,
        reservePoolSize: 1,
        reservePoolTimeoutMs: 500,
      },
      5000,
    );
    for (const c of [0, 1, 2]) t.start(c);
    t.sim.run();
    // Its 5 s transaction starts at 0.5 s on the reserve connection.
    expect(t.outcomes).toEqual([
      { client: 0, error: null, at: 5000 },
      { client: 1, error: null, at: 5000 },
      { client: 2, error: null, at: 5500 },
    ]);
    expect(t.bouncer.waitMs.max).toBe(500);
    expect(t.bouncer.serversOpen.max).toBe(3);
    // All three go idle (two at 5 s, the reserve at 5.5 s), then server_idle_timeout
    // (600 s) closes them: min_pool_size is 0.
    expect(t.bouncer.serversIdle.max).toBe(3);
    expect(t.bouncer.serversIdle.value).toBe(0);
    expect(t.bouncer.serversOpen.value).toBe(0);
    expect(t.sim.now).toBe(5500 + 600_000);
  });

  // pgbouncer's SHOW POOLS (doc/usage.md): sv_active are server connections
  // linked to a client, sv_idle those unused and immediately usable; with the
  // ones still logging in they are the pool's server connections. So in the
  // measured window sv_active + sv_idle can never exceed the connections open,
  // and idle time before the warm-up cut is not part of the window.
  it("SHOW POOLS gauges restart at the warm-up cut: sv_active + sv_idle ≤ connections open", () => {
    const t = pool({ minPoolSize: 10, defaultPoolSize: 10 }, 1000);
    // Warm-up: the 10 min_pool_size connections sit idle for 1 s.
    t.sim.run({ until: 1000 });
    expect(t.bouncer.serversIdle.value).toBe(10);
    // Measured window: all 10 busy with 1 s transactions from 1 s to 2 s.
    for (let c = 0; c < 10; c++) t.start(c);
    t.bouncer.resetStats(t.sim.now);
    t.sim.run({ until: 2000 });
    const now = t.sim.now;
    expect(t.bouncer.serversActive.mean(now)).toBeCloseTo(10, 6);
    expect(t.bouncer.serversIdle.mean(now)).toBeCloseTo(0, 6);
    expect(t.bouncer.serversIdle.max).toBe(0);
    expect(t.bouncer.serversActive.mean(now) + t.bouncer.serversIdle.mean(now)).toBeLessThanOrEqual(
      t.bouncer.serversOpen.max,
    );
  });

  test.prop([
    fc.integer({ min: 0, max: 5 }),
    fc.integer({ min: 1, max: 10 }),
    fc.array(fc.integer({ min: 0, max: 3000 }), { maxLength: 30 }),
    fc.integer({ min: 0, max: 3000 }),
  ])(
    "for any load and any cut: mean sv_active + mean sv_idle ≤ most connections open",
    (minPool, poolSize, starts, cutMs) => {
      const t = pool(
        {
          minPoolSize: Math.min(minPool, poolSize),
          defaultPoolSize: poolSize,
          serverIdleTimeoutMs: 700,
        },
        400,
      );
      starts.forEach((at, c) => {
        t.sim.at(at, () => t.start(c));
      });
      t.sim.at(cutMs, () => t.bouncer.resetStats(t.sim.now));
      t.sim.run({ until: 4000 });
      const b = t.bouncer;
      expect(b.serversIdle.max).toBeLessThanOrEqual(b.serversOpen.max);
      expect(b.serversActive.mean(4000) + b.serversIdle.mean(4000)).toBeLessThanOrEqual(
        b.serversOpen.max + 1e-9,
      );
    },
  );

  it("past max_client_conn new clients are refused", () => {
    const t = pool({ maxClientConn: 2 }, 1);
    const errors: (string | null)[] = [];
    for (let i = 0; i < 3; i++) t.bouncer.connect((_c, e) => errors.push(e));
    expect(errors).toEqual([null, null, "max_client_conn"]);
  });

  it("statement mode refuses a multi-statement transaction, and runs single statements", () => {
    const t = pool({ poolMode: "statement" }, 1);
    t.start(0, 3);
    t.start(1, 1);
    t.sim.run();
    expect(t.outcomes).toEqual([
      { client: 0, error: "statement_mode_transaction", at: 0 },
      { client: 1, error: null, at: 1 },
    ]);
  });

  it("session mode keeps the server connection until the client disconnects", () => {
    const t = pool({ poolMode: "session", defaultPoolSize: 1 }, 1);
    let first: object | null = null;
    t.bouncer.connect((conn) => {
      first = conn;
      if (conn === null) return;
      t.bouncer.execute(conn, new Operation(0, 0, "read", 1, 1, 0), 0, () => {});
    });
    t.start(1); // needs the only server connection, held by the idle first client
    t.sim.run({ until: 100 });
    expect(t.outcomes).toEqual([]);
    t.sim.at(100, () => t.bouncer.disconnect(first as unknown as object));
    t.sim.run();
    expect(t.outcomes).toEqual([{ client: 1, error: null, at: 101 }]);
  });
});
