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
import { parseScenario, type Scenario, type ScenarioInput } from "../../src/scenario/index.js";
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
];

const optionsAndScenario = fc
  .constantFrom(...OPTION_SETS)
  .chain((options) => arbScenario(options).map((scenario) => ({ options, scenario })));

describe("arbScenario", () => {
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
        const rates =
          typeof w.rate === "number"
            ? [w.rate]
            : w.rate === undefined
              ? []
              : "steps" in w.rate
                ? w.rate.steps.map((step) => step.rate)
                : [w.rate.ramp.from, w.rate.ramp.to];
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

  test.prop([arbScenario()], { numRuns: 100 })("is plain JSON", (scenario) => {
    expect(JSON.parse(JSON.stringify(scenario))).toEqual(scenario);
  });

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
        expect(s.routing?.maxReplicationLag).toBeDefined();
      }
      if (options.maxReplicationLag === "never") {
        expect(s.routing?.maxReplicationLag).toBeUndefined();
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
    },
  );

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
        "via:proxy",
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
    expect(testing.History).toBe(consistency.History);
  });

  it("exports exactly the documented names", () => {
    expect(Object.keys(testing).sort()).toEqual(
      [
        "arbDistributionSpec",
        "arbHistory",
        "arbHistoryOp",
        "arbScenario",
        "arbSeed",
        "checkAll",
        "checkMonotonicReads",
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
