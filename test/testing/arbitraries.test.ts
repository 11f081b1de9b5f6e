// The dbsim/testing entry: its scenario arbitrary generates only valid, small
// scenarios and honours what it is told to fix; its history arbitraries generate only
// well-formed histories with the promised structure (checked here from the
// definitions, not with the checkers under test, except where a guarantee is the
// promise); its re-exports are the very functions of the consistency layer; and only
// it imports fast-check.

import { readdirSync, readFileSync } from "node:fs";
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import * as consistency from "../../src/consistency/index.js";
import { distributionMean } from "../../src/latency/index.js";
import { SCENARIO_SECTIONS } from "../../src/scenario/components/index.js";
import { parseScenario, type Scenario, type ScenarioInput } from "../../src/scenario/index.js";
import { rateOf } from "../../src/scenario/rate-steps.js";
import { SECTION_ARBITRARIES } from "../../src/testing/arb-sections.js";
import * as testing from "../../src/testing/index.js";
import {
  type ArbScenarioOptions,
  arbHistory,
  arbHistoryOp,
  arbScenario,
  type ConsistencyPolicyInput,
  History,
  type HistoryOp,
} from "../../src/testing/index.js";

/** The resolved scenario, or a failure that lists every issue. */
function parsed(input: ScenarioInput): Scenario {
  const result = parseScenario(input);
  if (!result.ok) {
    throw new Error(`invalid scenario: ${JSON.stringify(result.issues)}\n${JSON.stringify(input)}`);
  }
  return result.scenario;
}

function replicaCount(s: Scenario): number {
  const r = s.replication;
  if (r === undefined) return 0;
  return typeof r.replicas === "number" ? r.replicas : r.replicas.length;
}

const POLICIES: readonly ConsistencyPolicyInput[] = [
  { policy: "none" },
  { policy: "read-your-writes", by: "window" },
  { policy: "read-your-writes", by: "lsn" },
  { policy: "monotonic-reads", by: "pinning" },
  { policy: "monotonic-reads", by: "lsn" },
];

/** Option sets with a pool or a proxy: each choice forced, and those the pooling properties use. */
const POOLED_OPTION_SETS: readonly ArbScenarioOptions[] = [
  { pool: "always" },
  { pool: "maybe" },
  { proxy: "always" },
  { proxy: "maybe" },
  { pool: "always", proxy: "always" },
  { pool: "maybe", proxy: "maybe" },
  { proxy: "always", replication: "never" },
  { proxy: "always", replication: "always", maxReplicationLag: "always" },
  { proxy: "always", maxReplicationLag: "never" },
  { proxy: "maybe", routing: "always" },
  { proxy: "maybe", consistency: { policy: "read-your-writes", by: "lsn" } },
  ...(["session", "transaction", "statement"] as const).map((poolMode) => ({
    pool: "always" as const,
    poolMode,
  })),
  { pool: "always", poolMode: "statement", proxy: "always" },
  { pool: "always", sessionState: "always" },
  { pool: "always", sessionState: "always", proxy: "always" },
  { pool: "always", sessionState: "never", lockingReads: "never" },
  { proxy: "always", lockingReads: "always" },
  { sessionState: "always", lockingReads: "always" },
];

/** Option sets: nothing, each choice forced, and the combinations the property tests use. */
const OPTION_SETS: readonly ArbScenarioOptions[] = [
  {},
  { replication: "always" },
  { replication: "never" },
  { routing: "always" },
  { routing: "never" },
  { replication: "always", routing: "always", maxReplicationLag: "always" },
  { mode: "async" },
  { mode: "semi-sync", replication: "always" },
  { mode: "sync", replication: "always" },
  { readAfterWrite: true },
  { readAfterWrite: false },
  { replication: "always", replicaNetwork: "crossRegionRoundTrip" },
  ...POLICIES.map((consistency) => ({ consistency })),
  {
    replication: "always",
    mode: "async",
    consistency: { policy: "none" },
    maxReplicationLag: "never",
    readAfterWrite: true,
    replicaNetwork: "crossRegionRoundTrip",
  },
  ...POOLED_OPTION_SETS,
];

const optionsAndScenario = fc
  .constantFrom(...OPTION_SETS)
  .chain((options) => arbScenario(options).map((scenario) => ({ options, scenario })));

const pooledOptionsAndScenario = fc
  .constantFrom(...POOLED_OPTION_SETS)
  .chain((options) => arbScenario(options).map((scenario) => ({ options, scenario })));

/** Scenarios with a pool, a proxy, or both. */
const pooledScenario = fc.oneof(
  arbScenario({ pool: "always" }),
  arbScenario({ proxy: "always" }),
  arbScenario({ pool: "always", proxy: "always" }),
);

/** `value` is within [min, max], or is the schema's default `fallback`. */
function inRangeOrDefault(value: number, min: number, max: number, fallback: number): boolean {
  return value === fallback || (value >= min && value <= max);
}

describe("arbScenario", () => {
  it("draws every component's section: the testing registry lists the scenario's sections, in order", () => {
    // A component added to the scenario registry without an arbitrary fails here.
    expect(SECTION_ARBITRARIES.map((s) => s.key)).toEqual(
      Object.keys(SCENARIO_SECTIONS).filter((key) =>
        SECTION_ARBITRARIES.some((s) => s.key === key),
      ),
    );
    expect([...SECTION_ARBITRARIES.map((s) => s.key)].sort()).toEqual(
      Object.keys(SCENARIO_SECTIONS).sort(),
    );
  });

  test.prop([arbScenario()], { numRuns: 300 })("always passes parseScenario", (scenario) => {
    // Act
    const result = parseScenario(scenario);
    // Assert
    expect(result.ok ? [] : result.issues).toEqual([]);
  });

  test.prop([optionsAndScenario], { numRuns: 300 })(
    "passes parseScenario whatever it is told to fix",
    ({ scenario }) => {
      // Act
      const result = parseScenario(scenario);
      // Assert
      expect(result.ok ? [] : result.issues).toEqual([]);
    },
  );

  test.prop([pooledOptionsAndScenario], { numRuns: 300 })(
    "passes parseScenario with a pool, a proxy or both, whatever it is told to fix",
    ({ scenario }) => {
      // Act
      const result = parseScenario(scenario);
      // Assert
      expect(result.ok ? [] : result.issues).toEqual([]);
    },
  );

  test.prop([arbScenario()], { numRuns: 200 })(
    "stays in the documented, quick-to-run ranges",
    (input) => {
      // Act
      const s = parsed(input);
      // Assert
      expect(s.duration).toBeGreaterThanOrEqual(200);
      expect(s.duration).toBeLessThanOrEqual(2000);
      expect(s.warmup).toBeGreaterThanOrEqual(0);
      expect(s.warmup).toBeLessThanOrEqual(200);
      const w = s.workload;
      if (w.clients === undefined) {
        // Stepped rates resolve into the timeline: rateOf reads them back.
        const rate = rateOf(s);
        const rates =
          typeof rate === "number"
            ? [rate]
            : rate === undefined
              ? []
              : "steps" in rate
                ? rate.steps.map((step) => step.rate)
                : [rate.ramp.from, rate.ramp.to];
        expect(rates.length).toBeGreaterThan(0);
        for (const rate of rates) {
          expect(rate).toBeGreaterThanOrEqual(50);
          expect(rate).toBeLessThanOrEqual(800);
        }
      } else {
        expect(w.clients).toBeGreaterThanOrEqual(1);
        expect(w.clients).toBeLessThanOrEqual(20);
        expect(distributionMean(w.thinkTime)).toBeLessThanOrEqual(20);
      }
      expect(w.keys.count).toBeGreaterThanOrEqual(10);
      expect(w.keys.count).toBeLessThanOrEqual(2000);
      expect(w.sessions).toBeGreaterThanOrEqual(1);
      expect(w.sessions).toBeLessThanOrEqual(50);
      expect(w.transactions.share).toBeLessThanOrEqual(0.3);
      expect(s.database.cores).toBeGreaterThanOrEqual(1);
      expect(s.database.cores).toBeLessThanOrEqual(8);
      expect(s.database.sigma).toBeLessThanOrEqual(0.05);
      expect(s.database.kappa).toBeLessThanOrEqual(0.001);
      // Every connection the clients can hold fits, so no run fails for max_connections.
      expect(s.database.maxConnections).toBeGreaterThanOrEqual(1000);
      const r = s.replication;
      if (r !== undefined) {
        const n = replicaCount(s);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(3);
        if (r.mode !== "async") expect(r.acks).toBeLessThanOrEqual(n);
        expect(distributionMean(r.network)).toBeLessThanOrEqual(20);
        expect(distributionMean(r.applyTime)).toBeLessThanOrEqual(2);
        if (typeof r.replicas !== "number") {
          for (const replica of r.replicas) {
            if (replica.network !== undefined) {
              expect(distributionMean(replica.network)).toBeLessThanOrEqual(20);
            }
            if (replica.applyTime !== undefined) {
              expect(distributionMean(replica.applyTime)).toBeLessThanOrEqual(2);
            }
          }
          const names = r.replicas.flatMap((replica) => (replica.name ? [replica.name] : []));
          expect(new Set(names).size).toBe(names.length);
          expect(names).not.toContain("primary");
        }
      }
    },
  );

  test.prop([pooledScenario], { numRuns: 200 })(
    "with a pool or a proxy, stays in the documented, quick-to-run ranges",
    (input) => {
      // Act
      const s = parsed(input);
      // Assert
      const p = s.pool;
      if (p !== undefined) {
        expect(p.defaultPoolSize).toBeGreaterThanOrEqual(1);
        expect(p.defaultPoolSize).toBeLessThanOrEqual(20);
        expect(p.minPoolSize).toBeLessThanOrEqual(p.defaultPoolSize);
        expect(p.reservePoolSize).toBeLessThanOrEqual(3);
        expect(p.maxDbConnections).toBeLessThanOrEqual(30);
        expect(inRangeOrDefault(p.maxClientConn, 1, 50, 100) || p.maxClientConn >= 1000).toBe(true);
        expect(p.maxClientConn).toBeLessThanOrEqual(10_000);
        // query_wait_timeout: short enough to fire in a run of at most 2.2 s, or never.
        expect(inRangeOrDefault(p.queryWaitTimeout, 0, 500, 120_000)).toBe(true);
        expect(inRangeOrDefault(p.reservePoolTimeout, 0, 500, 5_000)).toBe(true);
        expect(inRangeOrDefault(p.serverIdleTimeout, 0, 1000, 600_000)).toBe(true);
        expect(inRangeOrDefault(p.serverLifetime, 0, 2000, 3_600_000)).toBe(true);
        expect(inRangeOrDefault(p.serverLoginRetry, 1, 1000, 15_000)).toBe(true);
        expect(inRangeOrDefault(p.serverConnectTimeout, 1, 1000, 15_000)).toBe(true);
        expect(distributionMean(p.serverRoundTrip)).toBeLessThanOrEqual(2);
        expect(p.serverConnectRoundTrips).toBeLessThanOrEqual(3);
      }
      const x = s.proxy;
      if (x !== undefined) {
        expect(s.routing).toBeUndefined();
        expect(x.maxBackendConnections).toBeGreaterThanOrEqual(1);
        expect(x.maxBackendConnections).toBeLessThanOrEqual(20);
        expect(x.maxConnections <= 50 || x.maxConnections >= 1000).toBe(true);
        expect(x.maxReplicationLag).toBeLessThanOrEqual(2);
        expect(inRangeOrDefault(x.queryCacheSizeMB, 0, 0.05, 256)).toBe(true);
        expect(inRangeOrDefault(x.monitorReplicationLagInterval, 20, 1000, 10_000)).toBe(true);
        expect(inRangeOrDefault(x.connectTimeoutServerMax, 10, 2000, 10_000)).toBe(true);
        expect(distributionMean(x.backendRoundTrip)).toBeLessThanOrEqual(2);
        for (const rule of x.queryRules) {
          if (rule.cacheTtl !== undefined) expect(rule.cacheTtl).toBeLessThanOrEqual(2000);
        }
        // The reader hostgroup is used only when it has servers (parseScenario checks
        // that no write goes there).
        const readers = replicaCount(s) + x.readers.primaryWeight;
        if (readers === 0) {
          for (const rule of x.queryRules) {
            expect(rule.destinationHostgroup).not.toBe(x.readerHostgroup);
          }
        }
      }
      expect(s.workload.sessionState?.share ?? 0).toBeLessThanOrEqual(0.5);
      expect(s.workload.lockingReads).toBeLessThanOrEqual(0.3);
      expect(s.database.maxConnections).toBeGreaterThanOrEqual(1);
    },
  );

  test.prop([fc.oneof(arbScenario(), pooledScenario)], { numRuns: 100 })(
    "is plain JSON",
    (scenario) => {
      expect(JSON.parse(JSON.stringify(scenario))).toEqual(scenario);
    },
  );

  test.prop([optionsAndScenario], { numRuns: 400 })(
    "honours every option it is given",
    ({ options, scenario: input }) => {
      // Act
      const s = parsed(input);
      // Assert
      if (options.replication === "always") expect(s.replication).toBeDefined();
      if (options.replication === "never") expect(s.replication).toBeUndefined();
      if (options.routing === "always") expect(s.routing).toBeDefined();
      if (options.routing === "never") expect(s.routing).toBeUndefined();
      if (options.mode !== undefined && s.replication !== undefined) {
        expect(s.replication.mode).toBe(options.mode);
      }
      if (options.consistency !== undefined) {
        expect(s.routing?.consistency).toMatchObject(options.consistency);
        if (options.consistency.policy !== "none") expect(s.replication).toBeDefined();
      }
      if (options.maxReplicationLag === "always") {
        if (s.proxy === undefined) expect(s.routing?.maxReplicationLag).toBeDefined();
        else expect(s.proxy.maxReplicationLag).toBeGreaterThanOrEqual(1);
      }
      if (options.maxReplicationLag === "never") {
        expect(s.routing?.maxReplicationLag).toBeUndefined();
        expect(s.proxy?.maxReplicationLag ?? 0).toBe(0);
      }
      if (options.readAfterWrite === true) {
        expect(s.workload.readOwnWrites).toBeGreaterThanOrEqual(0.7);
        expect(s.workload.sessions).toBeLessThanOrEqual(5);
        expect(s.workload.readRatio).toBeGreaterThanOrEqual(0.5);
        expect(s.workload.readRatio).toBeLessThanOrEqual(0.8);
      }
      if (options.readAfterWrite === false) expect(s.workload.readOwnWrites).toBe(0);
      if (options.replicaNetwork !== undefined && s.replication !== undefined) {
        expect(s.replication.network).toEqual(options.replicaNetwork);
        const replicas = s.replication.replicas;
        if (typeof replicas !== "number") {
          for (const replica of replicas) expect(replica.network).toBeUndefined();
        }
      }
      // Pools and proxies: "never" unless asked for, and a proxy never with routing.
      const pool = options.pool ?? "never";
      const proxy = options.proxy ?? "never";
      if (pool === "always") expect(s.pool).toBeDefined();
      if (pool === "never") expect(s.pool).toBeUndefined();
      if (proxy === "always") expect(s.proxy).toBeDefined();
      if (proxy === "never") expect(s.proxy).toBeUndefined();
      if (s.proxy !== undefined) expect(s.routing).toBeUndefined();
      if (options.poolMode !== undefined && s.pool !== undefined) {
        expect(s.pool.poolMode).toBe(options.poolMode);
      }
      // Session state and locking reads: "maybe" by default with a pool or a proxy asked for.
      const stateDefault = pool === "never" && proxy === "never" ? "never" : "maybe";
      const sessionState = options.sessionState ?? stateDefault;
      const lockingReads = options.lockingReads ?? stateDefault;
      if (sessionState === "always") expect(input.workload.sessionState).toBeDefined();
      if (sessionState === "never") expect(input.workload.sessionState).toBeUndefined();
      if (lockingReads === "always") expect(input.workload.lockingReads).toBeDefined();
      if (lockingReads === "never") expect(input.workload.lockingReads).toBeUndefined();
    },
  );

  it("generates every pool mode, proxy set-up and session-state feature", () => {
    // Arrange
    const seen = new Set<string>();
    // Act
    for (const input of fc.sample(arbScenario({ pool: "maybe", proxy: "maybe" }), {
      seed: 7,
      numRuns: 400,
    })) {
      const s = parsed(input);
      const p = s.pool;
      if (p !== undefined) {
        seen.add(`poolMode:${p.poolMode}`);
        if (p.reservePoolSize > 0) seen.add("pool:reserve");
        if (p.minPoolSize > 0) seen.add("pool:min");
        if (p.maxDbConnections > 0) seen.add("pool:maxDb");
        if (p.queryWaitTimeout <= 500) seen.add("pool:shortQueryWait");
        if (p.maxPreparedStatements === 0) seen.add("pool:noPreparedStatements");
      }
      const x = s.proxy;
      const rules = input.proxy?.queryRules;
      if (x !== undefined) {
        seen.add(replicaCount(s) > 0 ? "proxy:replicas" : "proxy:noReplicas");
        seen.add(`proxy:multiplexing:${x.multiplexing}`);
        if (x.maxReplicationLag > 0) seen.add("proxy:lag");
        if (x.readers.primaryWeight > 0) seen.add("proxy:primaryReads");
        if (x.queryRules.some((r) => r.cacheTtl !== undefined)) seen.add("proxy:cache");
        if (x.queryRules.some((r) => !r.apply)) seen.add("proxy:noApply");
        seen.add(rules === undefined ? "rules:default" : `rules:${rules.length > 0}`);
      }
      if (s.pool !== undefined && s.proxy !== undefined) seen.add("pool+proxy");
      if (s.pool !== undefined || s.proxy !== undefined) {
        if (s.database.maxConnections <= 60) seen.add("tightNode");
      }
      const state = s.workload.sessionState;
      if (state !== undefined) seen.add(`feature:${state.feature}`);
      if (s.workload.lockingReads > 0) seen.add("lockingReads");
    }
    // Assert
    expect([...seen].sort()).toEqual(
      [
        "poolMode:session",
        "poolMode:transaction",
        "poolMode:statement",
        "pool:reserve",
        "pool:min",
        "pool:maxDb",
        "pool:shortQueryWait",
        "pool:noPreparedStatements",
        "proxy:replicas",
        "proxy:noReplicas",
        "proxy:multiplexing:true",
        "proxy:multiplexing:false",
        "proxy:lag",
        "proxy:primaryReads",
        "proxy:cache",
        "proxy:noApply",
        "rules:default",
        "rules:true",
        "rules:false",
        "pool+proxy",
        "tightNode",
        "feature:set",
        "feature:listen",
        "feature:advisory-lock",
        "feature:sql-prepare",
        "feature:temp-table",
        "feature:protocol-prepare",
        "lockingReads",
      ].sort(),
    );
  });

  it("leaves pools, proxies, session state and locking reads out unless asked, with the same draws", () => {
    // Arrange: the option sets that leave pool and proxy out, with and without saying so.
    const base = fc.sample(arbScenario({ replication: "always" }), { seed: 3, numRuns: 50 });
    // Act
    const explicit = fc.sample(
      arbScenario({
        replication: "always",
        pool: "never",
        proxy: "never",
        sessionState: "never",
        lockingReads: "never",
      }),
      { seed: 3, numRuns: 50 },
    );
    // Assert
    expect(explicit).toEqual(base);
    for (const s of base) {
      expect(s.pool).toBeUndefined();
      expect(s.proxy).toBeUndefined();
      expect(s.workload.sessionState).toBeUndefined();
      expect(s.workload.lockingReads).toBeUndefined();
    }
  });

  it("generates every replication mode, routing path, balancing and consistency policy", () => {
    // Arrange
    const seen = new Set<string>();
    // Act
    for (const input of fc.sample(arbScenario({ replication: "always" }), {
      seed: 7,
      numRuns: 400,
    })) {
      const s = parsed(input);
      seen.add(`mode:${s.replication?.mode}`);
      if (s.routing !== undefined) {
        seen.add(`via:${s.routing.via}`);
        seen.add(`balancing:${s.routing.readBalancing}`);
        const c = s.routing.consistency;
        seen.add(`policy:${c.policy}${"by" in c ? `/${c.by}` : ""}`);
        if (s.routing.maxReplicationLag !== undefined) seen.add("shunning");
      }
      seen.add(s.workload.clients === undefined ? "open" : "closed");
    }
    // Assert
    expect([...seen].sort()).toEqual(
      [
        "mode:async",
        "mode:semi-sync",
        "mode:sync",
        "via:app",
        "via:proxy-hop",
        "via:dns",
        "balancing:round-robin",
        "balancing:random",
        "balancing:least-connections",
        "balancing:least-lag",
        "policy:none",
        "policy:read-your-writes/window",
        "policy:read-your-writes/lsn",
        "policy:monotonic-reads/pinning",
        "policy:monotonic-reads/lsn",
        "shunning",
        "open",
        "closed",
      ].sort(),
    );
  });

  it("keeps a policy's window or maxWait when given, and generates it when not", () => {
    // Arrange
    const given = fc.sample(
      arbScenario({ consistency: { policy: "read-your-writes", by: "window", window: "750ms" } }),
      { seed: 1, numRuns: 20 },
    );
    const generated = fc.sample(
      arbScenario({ consistency: { policy: "monotonic-reads", by: "lsn" } }),
      { seed: 1, numRuns: 50 },
    );
    // Act
    const windows = given.map((s) => parsed(s).routing?.consistency);
    const waits = new Set(
      generated.map((s) => {
        const c = parsed(s).routing?.consistency;
        return c?.policy === "monotonic-reads" && c.by === "lsn" ? c.maxWait : Number.NaN;
      }),
    );
    // Assert
    for (const c of windows) {
      expect(c).toEqual({ policy: "read-your-writes", by: "window", window: 750 });
    }
    expect(waits.size).toBeGreaterThan(1);
    for (const wait of waits) {
      expect(wait).toBeGreaterThanOrEqual(0);
      expect(wait).toBeLessThanOrEqual(500);
    }
  });

  it("refuses options that contradict each other", () => {
    expect(() =>
      arbScenario({
        replication: "never",
        consistency: { policy: "monotonic-reads", by: "pinning" },
      }),
    ).toThrow(RangeError);
    expect(() => arbScenario({ routing: "never", consistency: { policy: "none" } })).toThrow(
      RangeError,
    );
    expect(() =>
      arbScenario({ replication: "never", consistency: { policy: "none" } }),
    ).not.toThrow();
    expect(() => arbScenario({ proxy: "always", routing: "always" })).toThrow(RangeError);
    expect(() => arbScenario({ proxy: "always", consistency: { policy: "none" } })).toThrow(
      RangeError,
    );
    expect(() => arbScenario({ proxy: "maybe", routing: "always" })).not.toThrow();
  });
});

describe("arbHistoryOp", () => {
  test.prop([arbHistoryOp()], { numRuns: 300 })(
    "is an operation a History stores and gives back unchanged",
    (op) => {
      // Arrange
      const history = new History();
      // Act
      history.record(op);
      const back = History.fromJSONLines(history.toJSONLines()).get(0);
      // Assert
      expect(back).toEqual(op);
      expect(op.completeMs).toBeGreaterThanOrEqual(op.invokeMs);
      if (!op.ok) {
        expect(op.version).toBe(0);
        expect(op.lsn).toBeNaN();
      }
      if (op.kind === "read") expect(op.commitMs).toBeNaN();
      if (op.ok && op.kind === "write") {
        expect(op.version).toBeGreaterThanOrEqual(1);
        expect(op.lsn).toBeGreaterThanOrEqual(1);
        expect(op.commitMs).toBeGreaterThanOrEqual(op.invokeMs);
        expect(op.commitMs).toBeLessThanOrEqual(op.completeMs);
      }
    },
  );
});

/** The last write to `key` at or below `lsn` among `writes` (sorted by LSN): its version, or 0. */
function versionAt(writes: readonly HistoryOp[], key: number, lsn: number): number {
  let version = 0;
  for (const w of writes) if (w.key === key && w.lsn <= lsn) version = w.version;
  return version;
}

describe("arbHistory", () => {
  test.prop([arbHistory()], { numRuns: 300 })("yields well-formed histories", (ops) => {
    // Arrange
    const writes = ops.filter((op) => op.ok && op.kind === "write").sort((a, b) => a.lsn - b.lsn);
    const reads = ops.filter((op) => op.ok && op.kind === "read");
    // Assert: storable, unique ids, intervals, listed in completion order.
    expect(History.from(ops).length).toBe(ops.length);
    expect(new Set(ops.map((op) => op.id)).size).toBe(ops.length);
    for (const op of ops) expect(op.completeMs).toBeGreaterThan(op.invokeMs);
    for (let i = 1; i < ops.length; i++) {
      expect(ops[i]!.completeMs).toBeGreaterThanOrEqual(ops[i - 1]!.completeMs);
    }
    // Failed operations carry nothing.
    for (const op of ops.filter((o) => !o.ok)) {
      expect([op.version, op.lsn, op.commitMs]).toEqual([0, Number.NaN, Number.NaN]);
    }
    // Writes: on the primary, LSNs 1..n in commit order, versions 1, 2, 3 … per key.
    expect(writes.map((w) => w.lsn)).toEqual(writes.map((_, i) => i + 1));
    for (let i = 1; i < writes.length; i++) {
      expect(writes[i]!.commitMs).toBeGreaterThanOrEqual(writes[i - 1]!.commitMs);
    }
    const perKey = new Map<number, number>();
    for (const w of writes) {
      const expected = (perKey.get(w.key) ?? 0) + 1;
      perKey.set(w.key, expected);
      expect(w.version).toBe(expected);
      expect(w.node).toBe("primary");
      expect(w.commitMs).toBeGreaterThanOrEqual(w.invokeMs);
      expect(w.commitMs).toBeLessThanOrEqual(w.completeMs);
    }
    for (const r of reads) {
      // A read sees a prefix of the log: its key as of its snapshot LSN …
      expect(r.version).toBe(versionAt(writes, r.key, r.lsn));
      expect(r.commitMs).toBeNaN();
      // … no further than what had committed by its completion …
      const committed = writes.filter((w) => w.commitMs <= r.completeMs).length;
      expect(r.lsn).toBeLessThanOrEqual(committed);
      // … and on the primary, at least everything that completed before it was issued.
      if (r.node === "primary") {
        const done = writes.filter((w) => w.completeMs <= r.invokeMs);
        for (const w of done) expect(r.lsn).toBeGreaterThanOrEqual(w.lsn);
      }
    }
    // A replica only moves forward: a later read on the same node never has a smaller snapshot.
    for (const a of reads) {
      for (const b of reads) {
        if (a.node === b.node && a.completeMs <= b.invokeMs) {
          expect(b.lsn).toBeGreaterThanOrEqual(a.lsn);
        }
      }
    }
  });

  test.prop(
    [
      fc.record({
        maxOps: fc.integer({ min: 0, max: 30 }),
        sessions: fc.integer({ min: 1, max: 4 }),
        keys: fc.integer({ min: 1, max: 4 }),
        replicas: fc.integer({ min: 0, max: 3 }),
        failures: fc.boolean(),
      }),
    ],
    { numRuns: 50 },
  )("respects its sizes", (options) => {
    // Act
    const samples = fc.sample(arbHistory(options), { seed: 3, numRuns: 10 });
    // Assert
    const nodes = new Set([
      "primary",
      ...Array.from({ length: options.replicas }, (_, i) => `replica-${i + 1}`),
    ]);
    for (const ops of samples) {
      expect(ops.length).toBeLessThanOrEqual(options.maxOps);
      for (const op of ops) {
        expect(op.session).toBeLessThan(options.sessions);
        expect(op.key).toBeLessThan(options.keys);
        expect(nodes.has(op.node)).toBe(true);
        if (!options.failures) expect(op.ok).toBe(true);
      }
    }
  });

  // The promise a checker author relies on: the system model keeps monotonic writes and
  // writes-follow-reads in every history, while lagging replicas break read-your-writes
  // and monotonic reads in some (so both outcomes are exercised).
  test.prop([arbHistory()], { numRuns: 200 })(
    "keeps monotonic writes and writes follow reads",
    (ops) => {
      expect(consistency.checkMonotonicWrites(ops).violations).toEqual([]);
      expect(consistency.checkWritesFollowReads(ops).violations).toEqual([]);
    },
  );

  it("breaks read your writes and monotonic reads in some histories, and keeps them in others", () => {
    // Arrange
    const histories = fc.sample(arbHistory(), { seed: 11, numRuns: 200 });
    // Act
    const ryw = histories.map((ops) => consistency.checkReadYourWrites(ops).ok);
    const mr = histories.map((ops) => consistency.checkMonotonicReads(ops).ok);
    // Assert
    expect(ryw).toContain(true);
    expect(ryw).toContain(false);
    expect(mr).toContain(true);
    expect(mr).toContain(false);
  });

  it("with no replicas, keeps every session guarantee", () => {
    for (const ops of fc.sample(arbHistory({ replicas: 0 }), { seed: 5, numRuns: 200 })) {
      expect(consistency.checkAll(ops).ok).toBe(true);
    }
  });

  it("refuses sizes out of range", () => {
    expect(() => arbHistory({ sessions: 0 })).toThrow(RangeError);
    expect(() => arbHistory({ keys: 1.5 })).toThrow(RangeError);
    expect(() => arbHistory({ maxOps: -1 })).toThrow(RangeError);
    expect(() => arbHistory({ replicas: -1 })).toThrow(RangeError);
  });
});

describe("the dbsim/testing entry", () => {
  it("re-exports the consistency layer's very functions and History", () => {
    expect(testing.checkAll).toBe(consistency.checkAll);
    expect(testing.checkReadYourWrites).toBe(consistency.checkReadYourWrites);
    expect(testing.checkMonotonicReads).toBe(consistency.checkMonotonicReads);
    expect(testing.checkMonotonicWrites).toBe(consistency.checkMonotonicWrites);
    expect(testing.checkWritesFollowReads).toBe(consistency.checkWritesFollowReads);
    expect(testing.measureStaleness).toBe(consistency.measureStaleness);
    expect(testing.acrossShards).toBe(consistency.acrossShards);
    expect(testing.History).toBe(consistency.History);
  });

  it("exports exactly the documented names", () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        "acrossShards",
        "arbDistributionSpec",
        "arbHistory",
        "arbHistoryOp",
        "arbScenario",
        "arbSeed",
        "checkAll",
        "checkConcurrentWrites",
        "checkLostWrites",
        "checkMonotonicReads",
        "checkMonotonicReadsPerKey",
        "checkMonotonicWrites",
        "checkReadYourWrites",
        "checkWritesFollowReads",
        "createTraceHasher",
        "History",
        "measureStaleness",
      ].sort(),
    );
  });

  it("is the only part of src/ that imports fast-check", () => {
    // Arrange
    const files = (readdirSync("src", { recursive: true }) as string[])
      .map((f) => f.replaceAll("\\", "/"))
      .filter((f) => /\.[cm]?tsx?$/.test(f));
    // Act
    const importers = files.filter((f) =>
      /from\s+["']fast-check["']|import\(\s*["']fast-check["']\s*\)|require\(\s*["']fast-check["']\s*\)/.test(
        readFileSync(`src/${f}`, "utf8"),
      ),
    );
    // Assert
    expect(importers.length).toBeGreaterThan(0);
    for (const f of importers) expect(f.startsWith("testing/")).toBe(true);
  });
});
