// Validation of the ProxySQL model against ProxySQL's and MySQL's source and docs:
// - lib/MySQL_HostGroups_Manager.cpp, replication_lag_action: an ONLINE server
//   is shunned when its lag is > max_replication_lag (strictly greater) and
//   comes back when it is <=, at the monitor's checks
//   (mysql-monitor_replication_lag_interval, 10 s by default) — so status
//   changes only at check instants;
// - MySQL sql/rpl_replica.cc, show_slave_status_send_data: Seconds_Behind_Source
//   is 0 once the applier has processed all the relay log while the receiver is
//   connected, NULL if it is not — so a far replica with a fast applier is never
//   shunned while it serves stale data, and a cut-off one reads NULL, which
//   lib/MySQL_Monitor.cpp replaces by mysql-monitor_slave_lag_when_null;
// - ProxySQL's read/write split how-to: ^SELECT.*FOR UPDATE → writer,
//   ^SELECT → reader;
// - the cache stores a result when a miss completes and serves it until
//   cache_ttl has passed (expire-after-write): with Poisson reads at λ, each
//   miss opens a window T holding λT hits on average, so H = λT / (1 + λT).
import { describe, expect, it } from "vitest";
import {
  type ErrorKind,
  Operation,
  type PortConnection,
  type ProxyServerConfig,
  ProxySql,
  runScenario,
  type ScenarioInput,
  type ServerPort,
  Simulation,
} from "../../src/index.js";
import { confidenceInterval, formatInterval } from "./queueing.js";

/** A backend that answers at once and names itself. */
function instantNode(name: string): ServerPort {
  return {
    name,
    connect: (done) => done({}, null),
    disconnect: () => {},
    execute(_c: PortConnection, op: Operation, _i: number, done: (e: ErrorKind | null) => void) {
      op.node = name;
      done(null);
    },
  };
}

describe("ProxySQL lag shunning (replication_lag_action: strictly greater, at check instants)", () => {
  // Seconds_Behind_Source of reader A over time: exactly the threshold (5 s) until
  // 25 s, one second more until 45 s, the threshold again after.
  const maxLagS = 5;
  const sbmAt = (t: number): number => (t < 25_000 ? 5 : t < 45_000 ? 6 : 5);

  function setup() {
    const sim = new Simulation({ seed: 1 });
    const row = (
      name: string,
      hostgroup: number,
      sbm: (() => number) | null,
    ): ProxyServerConfig => ({
      hostgroup,
      port: instantNode(name),
      weight: 1,
      maxConnections: 100,
      maxReplicationLagS: sbm === null ? 0 : maxLagS,
      secondsBehindSource: sbm,
    });
    const proxy = new ProxySql(
      sim,
      {
        name: "proxysql",
        maxConnections: 2048,
        defaultHostgroup: 10,
        queryRules: [
          {
            ruleId: 1,
            match: { kind: "read" },
            destinationHostgroup: 20,
            cacheTtlMs: null,
            apply: true,
          },
        ],
        multiplexing: true,
        backendRoundTripMs: () => 0,
        backendConnectRoundTrips: 0,
        queryCacheSizeMB: 0,
        queryCacheEntryBytes: 1024,
        cacheHitMs: () => 0,
        monitorReplicationLagIntervalMs: 10_000, // ProxySQL's default
        connectTimeoutServerMaxMs: 10_000,
      },
      [
        row("primary", 10, null),
        row("reader-a", 20, () => sbmAt(sim.now)),
        row("reader-b", 20, () => 0),
      ],
      () => 0,
    );
    return { sim, proxy };
  }

  it("keeps a reader at exactly max_replication_lag ONLINE, shuns one second more only from the next check, and brings it back at the first check at or under", () => {
    const { sim, proxy } = setup();
    const statusAt: Record<number, boolean> = {};
    for (const t of [0, 20_000, 25_000, 29_999, 30_000, 40_000, 45_000, 49_999, 50_000, 60_000]) {
      sim.at(
        t,
        () => {
          statusAt[t] = proxy.isShunned(1);
        },
        1,
      ); // after the monitor's own event at the same instant
    }
    sim.run({ until: 60_001 });
    proxy.stop();
    expect(statusAt).toEqual({
      0: false, // 5 s, not > 5 s
      20000: false,
      25000: false, // 6 s now, but no check until 30 s
      29999: false,
      30000: true, // the first check that sees 6 s
      40000: true,
      45000: true, // back at 5 s, still shunned until a check sees it
      49999: true,
      50000: false, // the first check at or under the threshold
      60000: false,
    });
    const [, a, b] = proxy.serverStats(sim.now);
    expect(a).toMatchObject({ shunEvents: 1, shunnedMs: 20_000, status: "ONLINE" });
    expect(b).toMatchObject({ shunEvents: 0, shunnedMs: 0 });
  });

  it("sends no new reads to a shunned reader", () => {
    const { sim, proxy } = setup();
    let conn: PortConnection | null = null;
    proxy.connect((c) => {
      conn = c;
    });
    const served: Record<string, number> = { "reader-a": 0, "reader-b": 0 };
    for (let t = 30_500; t < 50_000; t += 100) {
      sim.at(t, () => {
        const op = new Operation(t, 0, "read", 1, 1, t);
        proxy.execute(conn as unknown as PortConnection, op, 0, () => {
          served[op.node] = (served[op.node] ?? 0) + 1;
        });
      });
    }
    sim.run({ until: 50_000 });
    proxy.stop();
    expect(served).toEqual({ "reader-a": 0, "reader-b": 195 });
  });
});

/**
 * One replica two seconds away (a 4 s round trip), with an applier fast or slow;
 * 20 writes and 80 reads per second.
 */
function farReplica(applyTime: number): ScenarioInput {
  return {
    seed: 11,
    duration: 60_000,
    warmup: 5_000,
    workload: { rate: 100, readRatio: 0.8, keys: { count: 100, popularity: { kind: "uniform" } } },
    database: { engine: "mysql", readTime: 0.2, writeTime: 0.2, connectionSetupTime: 0 },
    client: { poolSize: 50, roundTrip: 0.5, connectRoundTrips: 0 },
    replication: { replicas: 1, network: 4_000, applyTime, applyWorkers: 1 },
    proxy: { maxReplicationLag: 1, monitorReplicationLagInterval: 1_000 },
  };
}

describe("ProxySQL lag shunning is blind to lag in transit (rpl_replica.cc: Seconds_Behind_Source)", () => {
  it("never shuns a cross-region reader whose applier keeps up, though its reads are 2 s stale", () => {
    // Applying takes 10 µs, so the applier is busy 0.02 % of the time. Only then
    // does Seconds_Behind_Source show the 2 s an event spent in transit; the
    // monitor's checks (every second) find the relay log drained and read 0.
    const report = runScenario(farReplica(0.01));
    const replica = report.replication?.replicas[0];
    const row = report.proxy?.servers.find((s) => s.server === "replica-1");
    // Every write reaches the replica 2 s after commit: replay lag ≈ 2 s, always > 1 s...
    expect(replica?.replayLagMs.mean).toBeGreaterThan(1_900);
    expect(replica?.replayLagMs.mean).toBeLessThan(2_100);
    // ...but the applier is idle between arrivals, so Seconds_Behind_Source reads 0.
    expect(replica?.secondsBehindSource.p99).toBe(0);
    expect(row?.shunEvents).toBe(0);
    expect(row?.shunnedMs).toBe(0);
    expect(row?.queries).toBeGreaterThan(4_000);
    expect(report.consistency?.staleReads).toBeGreaterThan(1_000);
  });

  it("does shun the same reader when its applier falls behind (Seconds_Behind_Source grows)", () => {
    // 20 applies/s needing 60 ms each saturate one thread: the relay log backs up.
    const report = runScenario(farReplica(60));
    const row = report.proxy?.servers.find((s) => s.server === "replica-1");
    expect(report.replication?.replicas[0]?.secondsBehindSource.max).toBeGreaterThan(1);
    expect(row?.shunEvents).toBeGreaterThan(0);
    expect(row?.shunnedMs).toBeGreaterThan(10_000);
  });
});

/**
 * Two MySQL replicas behind ProxySQL; replica-1's receiver is cut off from the
 * source between 10 s and 40 s (the run measures 5 s to 50 s).
 */
function cutOff(monitorSlaveLagWhenNull?: number): ScenarioInput {
  return {
    seed: 12,
    duration: 45_000,
    warmup: 5_000,
    workload: { rate: 200, readRatio: 0.8, keys: { count: 100, popularity: { kind: "uniform" } } },
    database: { engine: "mysql", readTime: 0.2, writeTime: 0.2, connectionSetupTime: 0 },
    client: { poolSize: 50, roundTrip: 0.5, connectRoundTrips: 0 },
    replication: {
      replicas: [{ outages: [{ at: 10_000, for: 30_000 }] }, {}],
      lagSampleInterval: 100,
    },
    proxy: {
      maxReplicationLag: 10,
      monitorReplicationLagInterval: 1_000,
      ...(monitorSlaveLagWhenNull === undefined ? {} : { monitorSlaveLagWhenNull }),
    },
  };
}

// MySQL (sql/rpl_replica.cc, show_slave_status_send_data): Seconds_Behind_Source
// is NULL when the applier has processed all the relay log and the I/O thread is
// not connected. ProxySQL (lib/MySQL_Monitor.cpp) stores
// repl_lag = mysql-monitor_slave_lag_when_null (default 60) when the column is
// NULL, and MySQL_HostGroups_Manager::replication_lag_action shuns a server whose
// lag is greater than its max_replication_lag.
describe("A cut-off replica: Seconds_Behind_Source NULL, ProxySQL takes it as monitor_slave_lag_when_null", () => {
  it("shuns the cut-off reader for the outage and serves no reads from it meanwhile", () => {
    const report = runScenario(cutOff());
    const sbs = report.replication?.replicas[0]?.secondsBehindSource;
    // Samples every 100 ms from 5 s: those at 10.0, 10.1, … 39.9 s fall in the
    // outage, when the applier has drained what it received (within a
    // millisecond) and the receiver is cut off — 300 NULLs of 450.
    expect(sbs?.samples).toBe(450);
    expect(sbs?.nullSamples).toBeGreaterThanOrEqual(298);
    expect(sbs?.nullSamples).toBeLessThanOrEqual(300);
    expect(report.replication?.replicas[1]?.secondsBehindSource.nullSamples).toBe(0);
    const row = report.proxy?.servers.find((x) => x.server === "replica-1");
    // 60 > 10: shunned from the first check after the cut, ONLINE at the first
    // check after the link is back (checks every second).
    expect(row?.shunEvents).toBe(1);
    expect(row?.shunnedMs).toBeGreaterThan(29_000);
    expect(row?.shunnedMs).toBeLessThanOrEqual(31_000);
    expect(row?.status).toBe("ONLINE");
  });

  it("with monitor_slave_lag_when_null at or under max_replication_lag it stays ONLINE and serves stale reads", () => {
    const report = runScenario(cutOff(10));
    const row = report.proxy?.servers.find((x) => x.server === "replica-1");
    expect(row?.shunEvents).toBe(0);
    // About half of 30 s × 160 reads/s went to a replica frozen at 10 s.
    expect(report.consistency?.staleReads).toBeGreaterThan(1_000);
  });
});

describe("ProxySQL read/write split (ProxySQL docs, mysql_query_rules: FOR UPDATE → writer, SELECT → reader)", () => {
  it("serves plain reads from the readers by weight, locking reads and writes from the writer", () => {
    const report = runScenario({
      seed: 4,
      duration: 20_000,
      warmup: 1_000,
      workload: { rate: 1_000, readRatio: 0.8, lockingReads: 0.25 },
      database: { engine: "mysql" },
      replication: { replicas: 2 },
      proxy: { readers: { replicaWeights: [3, 1] } },
    });
    const [primary, r1, r2] = report.nodes;
    const proxy = report.proxy;
    if (primary === undefined || r1 === undefined || r2 === undefined || proxy === undefined) {
      throw new Error("incomplete report");
    }
    const [forUpdate, selects] = proxy.rules;
    expect(report.errors.total).toBe(0);
    // Rule 1 (FOR UPDATE → writer) and rule 2 (reads → readers) decide every read;
    // rules count when a query is routed, nodes when it completes, so a few
    // queries in flight at the warm-up cut and at the end differ.
    const near = (a: number, b: number | undefined): void => {
      expect(Math.abs(a - (b ?? Number.NaN))).toBeLessThanOrEqual(5);
    };
    near(primary.readsServed, forUpdate?.hits);
    near(r1.readsServed + r2.readsServed, selects?.hits);
    expect(r1.writesServed + r2.writesServed).toBe(0);
    near(primary.writesServed, proxy.unmatchedQueries);
    const reads = report.latency.read.count;
    expect(primary.readsServed / reads).toBeCloseTo(0.25, 1);
    // Weights 3:1.
    expect(r1.readsServed / (r1.readsServed + r2.readsServed)).toBeCloseTo(0.75, 1);
  });
});

describe("ProxySQL query cache hit ratio = λT/(1+λT) for one key (Jung, Berger & Balakrishnan, INFOCOM 2003: expire-after-write)", () => {
  /** Poisson reads of one key at λ per second, cached for T ms, with every cost zero. */
  function oneKey(lambdaPerSec: number, ttlMs: number, seed: number): ScenarioInput {
    return {
      seed,
      duration: 120_000,
      warmup: 1_000,
      latency: { ramRead: 0 },
      workload: {
        rate: lambdaPerSec,
        readRatio: 1,
        keys: { count: 1, popularity: { kind: "uniform" } },
      },
      database: { engine: "mysql", readTime: 0, connectionSetupTime: 0 },
      client: { roundTrip: 0, connectRoundTrips: 0 },
      replication: { replicas: 1 },
      proxy: {
        backendRoundTrip: 0,
        backendConnectRoundTrips: 0,
        queryRules: [
          {
            ruleId: 1,
            match: { kind: "read" },
            destinationHostgroup: 20,
            cacheTtl: ttlMs,
            apply: true,
          },
        ],
      },
    };
  }

  for (const { lambda, ttlMs } of [
    { lambda: 20, ttlMs: 25 }, // λT = 0.5
    { lambda: 50, ttlMs: 100 }, // λT = 5
  ]) {
    const lt = (lambda * ttlMs) / 1000;
    const theory = lt / (1 + lt);
    it(`λ = ${lambda}/s, T = ${ttlMs} ms (λT = ${lt}): H = ${theory.toFixed(4)} inside the 95 % CI of 10 replications`, () => {
      const ratios: number[] = [];
      for (let r = 0; r < 10; r++) {
        const cache = runScenario(oneKey(lambda, ttlMs, 300 + r)).proxy?.cache;
        if (cache === undefined) throw new Error("no proxy in the report");
        ratios.push(cache.hits / (cache.hits + cache.misses));
        // One key, nothing writes: no hit can be stale, nothing is evicted.
        expect(cache.staleHits).toBe(0);
        expect(cache.evictions).toBe(0);
      }
      const ci = confidenceInterval(ratios);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeGreaterThanOrEqual(ci.low);
      expect(theory, formatInterval(ci, theory, 0.95)).toBeLessThanOrEqual(ci.high);
      // And the interval is tight enough to tell the formula from TTL-renewed-on-hit, 1 − e^(−λT).
      const renewed = 1 - Math.exp(-lt);
      expect(renewed < ci.low || renewed > ci.high).toBe(true);
    });
  }
});
