// The sharding component in a scenario: one cluster per shard behind the shard
// router (node names and diagram ids by shard), the layout's shapes under a
// recency-skewed workload and under tenant queries, cross-shard fan-out, the
// router's statistics cut at the warm-up, and bad input named by path and value.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  parseScenario,
  type Report,
  resolveVariants,
  runScenario,
  runScenarioDetailed,
  type ScenarioInput,
} from "../../src/index.js";
import { replicaCount } from "../../src/scenario/components/replication.js";
import { shardCount } from "../../src/scenario/components/sharding.js";
import { ReportSchema, resolveScenario } from "../../src/scenario/index.js";
import { arbScenario } from "../../src/testing/index.js";

const BASE: ScenarioInput = {
  seed: 7,
  warmup: 300,
  duration: 1_500,
  workload: { rate: 600, readRatio: 0.9, keys: { count: 4_000 } },
  replication: { replicas: 1 },
  routing: {},
};

function sharded(
  sharding: NonNullable<ScenarioInput["sharding"]>,
  over: Partial<ScenarioInput> = {},
): ScenarioInput {
  return { ...BASE, ...over, sharding };
}

describe("a sharded plan", () => {
  it("builds one cluster per shard, its nodes and diagram boxes named by shard, behind the router", () => {
    // Act
    const run = runScenarioDetailed(sharded({ strategy: "jump", shards: 3 }));
    // Assert
    expect(run.report.nodes.map((n) => n.name)).toEqual([
      "s0/primary",
      "s0/replica-1",
      "s1/primary",
      "s1/replica-1",
      "s2/primary",
      "s2/replica-1",
    ]);
    const ids = run.graph.nodes.map((n) => n.id);
    expect(ids.slice(0, 2)).toEqual(["workload", "shard_router"]);
    for (const i of [0, 1, 2]) {
      expect(ids).toContain(`s${i}_primary`);
      expect(run.graph.edges).toContainEqual({ from: "shard_router", to: `s${i}_app` });
      expect(run.graph.edges).toContainEqual(
        expect.objectContaining({ from: `s${i}_primary`, to: `s${i}_node_replica_1` }),
      );
    }
    expect(new Set(ids).size).toBe(ids.length);
    expect(() => ReportSchema.parse(run.report)).not.toThrow();
    expect(run.report.sharding?.shards.map((s) => s.name)).toEqual(["s0", "s1", "s2"]);
  });

  it("gives every shard its operations, and keys as the layout places them", () => {
    // Act
    const report = runScenario(sharded({ strategy: "range", boundaries: [1_000, 3_000] }));
    // Assert: range boundaries 1000 and 3000 over keys 0 … 3999 hold 1000, 2000 and 1000 keys.
    const s = report.sharding;
    expect(s?.shards.map((x) => x.keys)).toEqual([1_000, 2_000, 1_000]);
    const ops = s?.shards.map((x) => x.operations) ?? [];
    for (const n of ops) expect(n).toBeGreaterThan(0);
    // Without cross-shard queries, every operation stays on one shard.
    expect(s?.singleShardShare).toBe(1);
    expect(s?.meanFanOut).toBe(0);
    // The router counts from the warm-up cut, as the latency does (± operations in flight there).
    const total = ops.reduce((a, b) => a + b, 0);
    expect(Math.abs(total - report.latency.all.count)).toBeLessThan(20);
    for (const x of s?.shards ?? []) expect(x.replicaLagMaxMs).not.toBeNull();
  });

  it("measures each shard's p99 as the run measures all operations: one shard gives the run's p99", () => {
    // With one shard and nothing scattered, the shard's operations are the run's, timed
    // from issue to answer and counted from the warm-up cut as the run's latency is.
    const report = runScenario(sharded({ strategy: "jump", shards: 1 }));
    expect(report.sharding?.shards[0]?.p99Ms).toBe(report.latency.all.p99);
  });

  it("judges each shard's operations against its own log: a guarantee the router keeps per shard holds", () => {
    // Each shard's router keeps read-your-writes by LSN (it waits for the replica or reads
    // the primary) and monotonic reads by pinning, within its shard; the checkers compare
    // positions within a cluster only (src/consistency/checkers.ts), so with operations
    // placed on their shard before they are issued neither guarantee shows a violation.
    for (const consistency of [
      { policy: "read-your-writes", by: "lsn" },
      { policy: "monotonic-reads", by: "pinning" },
    ] as const) {
      const report = runScenario(
        sharded(
          { strategy: "hash-mod", shards: 3 },
          {
            workload: {
              rate: 600,
              readRatio: 0.7,
              keys: { count: 200 },
              sessions: 20,
              readOwnWrites: 0.5,
            },
            replication: { replicas: 2, network: { kind: "exponential", mean: 20 } },
            routing: { consistency },
          },
        ),
      );
      const v = report.consistency?.violations;
      expect(v).toBeDefined();
      if (consistency.policy === "read-your-writes") expect(v?.readYourWrites).toBe(0);
      else expect(v?.monotonicReads).toBe(0);
    }
  });

  it("is deterministic: the same scenario and seed give the same report", () => {
    const input = sharded({ strategy: "consistent-hash", shards: 4, crossShard: { share: 0.2 } });
    expect(JSON.stringify(runScenario(input))).toBe(JSON.stringify(runScenario(input)));
  });
});

describe("the layout's shapes", () => {
  it("under a recency-skewed workload, range sharding is more imbalanced than hashing (the hot newest shard)", () => {
    // YCSB's "latest" distribution: the newest keys are the hottest, and they sit in the
    // last range; a hash spreads neighbouring keys over every shard.
    const recency: Partial<ScenarioInput> = {
      workload: {
        rate: 600,
        readRatio: 0.9,
        keys: { count: 4_000, popularity: { kind: "recency", s: 1 } },
      },
    };
    const range = runScenario(
      sharded({ strategy: "range", boundaries: [1_000, 2_000, 3_000] }, recency),
    );
    const hash = runScenario(sharded({ strategy: "hash-mod", shards: 4 }, recency));
    expect(range.sharding?.imbalance).toBeGreaterThan(2);
    expect(hash.sharding?.imbalance).toBeLessThan(1.5);
  });

  it("keeps per-tenant queries on one shard when sharding by tenant, and scatters them by row key", () => {
    const tenants = { count: 40, sizeExponent: 1 };
    const byTenant = runScenario(
      sharded({ strategy: "hash-mod", shards: 4, key: "tenant", tenants, tenantQueries: 0.3 }),
    );
    const byRow = runScenario(
      sharded({ strategy: "hash-mod", shards: 4, key: "row", tenants, tenantQueries: 0.3 }),
    );
    expect(byTenant.sharding?.singleShardShare).toBe(1);
    expect(byTenant.sharding?.meanFanOut).toBe(0);
    // A tenant of ≥ 2 rows spread by hash(row) touches more than one shard: about 30 %
    // of the reads (27 % of the operations) scatter.
    expect(byRow.sharding?.singleShardShare).toBeLessThan(0.85);
    expect(byRow.sharding?.meanFanOut).toBeGreaterThan(1);
  });

  it('scatters a cross-shard query over "all" shards to each of them', () => {
    const report = runScenario(
      sharded({ strategy: "rendezvous", shards: 3, crossShard: { share: 0.2, shards: "all" } }),
    );
    const s = report.sharding;
    expect(s?.meanFanOut).toBe(3);
    // 20 % of the reads (90 % of the operations) scatter: the single-shard share is
    // 1 − 0.18 = 0.82, within a few binomial standard deviations of ~1100 operations.
    expect(s?.singleShardShare).toBeGreaterThan(0.76);
    expect(s?.singleShardShare).toBeLessThan(0.88);
    expect(s?.scatterMs.p99).toBeGreaterThan(0);
  });
});

describe("the directory strategy", () => {
  it("without a cache asks the directory for every operation; with a long TTL over few keys, almost never", () => {
    const noCache = runScenario(
      sharded({ strategy: "directory", shards: 2, directory: { cacheTtl: 0 } }),
    ).sharding;
    const ops = noCache?.shards.reduce((n, s) => n + s.operations, 0) ?? 0;
    expect(noCache?.directory?.cacheHits).toBe(0);
    // Lookups counted from the cut are the operations routed from it, ± those in flight there.
    expect(Math.abs((noCache?.directory?.lookups ?? 0) - ops)).toBeLessThan(20);
    const cached = runScenario(
      sharded(
        { strategy: "directory", shards: 2, directory: { cacheTtl: "1h" } },
        {
          workload: {
            rate: 600,
            readRatio: 0.9,
            keys: { count: 50, popularity: { kind: "uniform" } },
          },
        },
      ),
    ).sharding;
    // 50 uniform keys are cached during the 300 ms warm-up (600/s misses each of them
    // with probability (49/50)^180 ≈ 0.03) and never expire: about 1.3 lookups remain.
    expect(cached?.directory?.lookups).toBeLessThan(10);
    expect(cached?.directory?.cacheHits).toBeGreaterThan(800);
  });

  it("is a station that saturates: one worker slower than the arrivals queues every operation", () => {
    // 600 operations/s at 2 ms a lookup offers ρ = 1.2 to one worker: the queue grows.
    const report = runScenario(
      sharded({
        strategy: "directory",
        shards: 2,
        directory: { workers: 1, cacheTtl: 0, lookupTime: { kind: "constant", value: 2 } },
      }),
    );
    expect(report.sharding?.directory?.waitingMax).toBeGreaterThan(100);
    expect(report.latency.all.p50).toBeGreaterThan(100);
  });

  it("draws the directory beside the router", () => {
    const run = runScenarioDetailed(sharded({ strategy: "directory", shards: 2 }));
    expect(run.graph.edges).toContainEqual(
      expect.objectContaining({ from: "shard_router", to: "shard_directory" }),
    );
  });
});

describe("resharding on the timeline", () => {
  const reshard = (strategy: "hash-mod" | "jump" | "rendezvous" | "consistent-hash") =>
    runScenario(
      sharded(
        { strategy, shards: 4 },
        {
          duration: 2_000,
          workload: {
            rate: 400,
            readRatio: 0.9,
            keys: { count: 4_000, popularity: { kind: "uniform" } },
          },
          timeline: [{ at: 500, kind: "reshard", shards: 5, rowsPerSec: 5_000, batchRows: 200 }],
        },
      ),
    ).sharding;

  it("moves n/(n+1) of the keys under hash-mod and 1/(n+1) under jump, rendezvous and consistent hashing, all onto the new shard", () => {
    // Growing n → n+1: hash mod moves a key unless hash mod n = hash mod (n+1), n/(n+1) of
    // them; jump (Lamping and Veach 2014, §2), rendezvous (Thaler and Ravishankar 1998) and
    // a consistent-hash ring (Karger et al. 1997) move 1/(n+1), each to the new shard.
    // 4,000 keys: a share's standard error is at most √(0.25/4000) ≈ 0.008.
    const keys = 4_000;
    const hash = reshard("hash-mod")?.resharding;
    expect((hash?.keysToMove ?? 0) / keys).toBeCloseTo(4 / 5, 1);
    for (const strategy of ["jump", "rendezvous", "consistent-hash"] as const) {
      const s = reshard(strategy);
      const share = (s?.resharding?.keysToMove ?? 0) / keys;
      // The ring's shares vary more: √((n−1)/(nv+1)) ≈ 0.07 of a shard with v = 160.
      expect(Math.abs(share - 1 / 5)).toBeLessThan(strategy === "consistent-hash" ? 0.05 : 0.03);
      expect(s?.resharding?.keysMoved).toBe(s?.resharding?.keysToMove);
      expect(s?.shards[4]?.keys).toBe(s?.resharding?.keysToMove);
      expect(s?.shards[4]?.operations).toBeGreaterThan(0);
    }
  });

  it("takes the throttle's time plus a cut-over per batch when the copy's work is light", () => {
    // The copy paces at rowsPerSec; each batch of 200 then pauses 50 ms (the default
    // cut-over) before the next: finished = at + moved/rowsPerSec + ⌈moved/200⌉ × 50 ms.
    const r = reshard("jump")?.resharding;
    const moved = r?.keysToMove ?? 0;
    const expected = 500 + (moved / 5_000) * 1_000 + Math.ceil(moved / 200) * 50;
    expect(r?.finishedMs).toBeCloseTo(expected, 3);
  });
});

describe("bad sharding input", () => {
  const problems = (input: ScenarioInput): string => {
    const result = parseScenario(input);
    return result.ok ? "" : result.issues.map((i) => `${i.path}: ${i.message}`).join("\n");
  };

  it("names a shard count of 0", () => {
    expect(problems(sharded({ strategy: "jump", shards: 0 }))).toMatch(/sharding\.shards/);
  });

  it("names overlapping ranges and one past the keys", () => {
    const text = problems(sharded({ strategy: "range", boundaries: [2_000, 1_000, 9_000] }));
    expect(text).toMatch(/sharding\.boundaries\.1: boundary 1000 is not above 2000/);
    expect(text).toMatch(
      /sharding\.boundaries\.2: boundary 9000 is past the workload's last key 3999/,
    );
  });

  it("names keyranges that leave a gap", () => {
    expect(problems(sharded({ strategy: "keyspace", keyranges: ["-40", "80-"] }))).toMatch(
      /sharding\.keyranges: \["-40","80-"\]/,
    );
  });

  it("names a reshard after the end, to fewer shards, by a shard count on a range layout, and a second one", () => {
    const after = problems(
      sharded(
        { strategy: "jump", shards: 2 },
        { timeline: [{ at: 5_000, kind: "reshard", shards: 1 }] },
      ),
    );
    expect(after).toMatch(/timeline\.0\.at: expected a time before the end of the run \(1800 ms\)/);
    expect(after).toMatch(/timeline\.0\.shards: expected more than the current 2 shards/);
    const range = problems(
      sharded(
        { strategy: "range", boundaries: [2_000] },
        {
          timeline: [
            { at: 100, kind: "reshard", shards: 3 },
            { at: 200, kind: "reshard", shards: 4 },
          ],
        },
      ),
    );
    // A range layout reshards by a split at a key, not by a shard count.
    expect(range).toMatch(
      /timeline\.0\.shards: a reshard of strategy range takes split, not shards/,
    );
    expect(range).toMatch(/timeline\.1: expected at most one reshard event/);
  });

  it("names more tenants than keys", () => {
    expect(
      problems(sharded({ strategy: "jump", shards: 2, key: "tenant", tenants: { count: 5_000 } })),
    ).toMatch(/sharding\.tenants\.count: 5000 tenants is more than the workload's 4000 keys/);
  });
});

describe("any sharded plan arbScenario draws", () => {
  it("has one cluster per shard, each with the plan's nodes, and operations that add up to the shares", () => {
    fc.assert(
      fc.property(arbScenario({ sharding: "always", consistency: undefined }), (drawn) => {
        // Short runs: the statement is about the shape of the topology and the report.
        const input = { ...drawn, warmup: 100, duration: 600 };
        const resolved = resolveScenario(input);
        const shards = shardCount(resolved) ?? 0;
        const report = runScenario(input, { force: true });
        const perCluster = 1 + replicaCount(resolved);
        expect(report.nodes).toHaveLength(shards * perCluster);
        for (let i = 0; i < shards; i++)
          expect(report.nodes[i * perCluster]?.name).toBe(`s${i}/primary`);
        const rows = report.sharding?.shards ?? [];
        expect(rows).toHaveLength(shards);
        const total = rows.reduce((n, r) => n + r.operations, 0);
        if (total > 0) expect(rows.reduce((n, r) => n + r.share, 0)).toBeCloseTo(1, 4);
        expect(rows.reduce((n, r) => n + r.keys, 0)).toBe(resolved.workload.keys.count);
        expect(report.sharding?.imbalance).toBeGreaterThanOrEqual(total > 0 ? 1 - 1e-9 : 0);
      }),
      { numRuns: 6, seed: 13 },
    );
  });
});

describe("the add-shard built-in", () => {
  it("adds an 11th shard: hash-mod moves 10 keys in 11, consistent hashing and jump about 1 in 11, and finish sooner", () => {
    // n/(n+1) and 1/(n+1) for n = 10 (see "resharding on the timeline" above). Shortened to
    // 20,000 keys and the reshard at 1 s of a 3.5 s run: jump's ~1,800 keys go in 4 batches
    // of 500, each 500 × 0.5 ms of copy work on the one new shard plus a 50 ms cut-over,
    // ≈ 4 × 0.3 s = 1.2 s; hash-mod's ~18,200 go in 37 batches of at least 25 ms (the
    // throttle) + 50 ms, ≥ 2.8 s: more than the 2.5 s left.
    const builtin = BUILTIN_SCENARIOS["add-shard"] as ScenarioInput & {
      timeline: Record<string, unknown>[];
    };
    // A tenth of the built-in's rate: the keys moved and the copy's pace do not depend on
    // it (the copy's work on the new shard sets the pace).
    const keys = 20_000;
    const resolved = resolveVariants({
      ...builtin,
      warmup: 500,
      duration: 3_000,
      workload: { ...builtin.workload, rate: 300, keys: { count: keys } },
      timeline: [{ ...builtin.timeline[0], at: 1_000 }],
    });
    if (!resolved.ok) throw new Error(resolved.issues.map((i) => i.message).join("\n"));
    const figures = new Map(
      resolved.variants.map((v) => [v.name, runScenario(v.scenario).sharding?.resharding]),
    );
    const hash = figures.get("base");
    expect((hash?.keysToMove ?? 0) / keys).toBeCloseTo(10 / 11, 2);
    for (const name of ["consistent-hash", "jump"]) {
      const f = figures.get(name);
      expect(Math.abs((f?.keysToMove ?? 0) / keys - 1 / 11)).toBeLessThan(0.02);
      // The few keys to move are all moved before the many under hash-mod are.
      expect(f?.finishedMs).not.toBeNull();
    }
    expect(hash?.finishedMs).toBeNull();
    // Jump's migration ends inside the run: operations were answered in all three phases.
    const jump = figures.get("jump")?.p99Ms;
    for (const p99 of [jump?.before, jump?.during, jump?.after]) expect(p99).toBeGreaterThan(0);
    expect(hash?.p99Ms.after).toBe(0);
  });
});

describe("the sharding built-ins, shortened to 0.5 s warm-up + 2 s", () => {
  const plans = (name: string): Map<string, Report> => {
    const input = { ...(BUILTIN_SCENARIOS[name] as ScenarioInput), warmup: 500, duration: 2_000 };
    const resolved = resolveVariants(input);
    if (!resolved.ok) throw new Error(resolved.issues.map((i) => i.message).join("\n"));
    return new Map(resolved.variants.map((v) => [v.name, runScenario(v.scenario)]));
  };

  it("shard-hotspot: range sharding under recency has the hot shard; hash-mod and jump spread the load", () => {
    const r = plans("shard-hotspot");
    const range = r.get("range")?.sharding;
    const hash = r.get("base")?.sharding;
    const jump = r.get("jump")?.sharding;
    expect(range?.imbalance).toBeGreaterThan(2);
    expect(hash?.imbalance).toBeLessThan(1.2);
    expect(jump?.imbalance).toBeLessThan(1.2);
    // The hot shard queues: its operations' p99 is above every other shard's.
    const p99s = range?.shards.map((s) => s.p99Ms) ?? [];
    expect(p99s.indexOf(Math.max(...p99s))).toBe(0);
    // The hot range holds the newest keys: the first range once the insert point has wrapped.
    const ops = range?.shards.map((s) => s.operations) ?? [];
    expect(ops.indexOf(Math.max(...ops))).toBe(0);
    // Spread evenly, each replica serves 2,000/s × 0.9 reads / 4 shards of 3 ms mean CPU
    // on 4 cores: utilisation 450 × 0.003 / 4 ≈ 0.34. The hot range's replica serves more
    // than twice its share (imbalance > 2 above), so more than twice that utilisation.
    const busiest = (name: string) =>
      Math.max(...(r.get(name)?.nodes.map((n) => n.utilization) ?? [Number.NaN]));
    expect(Math.abs(busiest("base") - 0.3375)).toBeLessThan(0.03);
    expect(Math.abs(busiest("jump") - 0.3375)).toBeLessThan(0.03);
    expect(busiest("range")).toBeGreaterThan(2 * 0.3375);
  });

  it("shard-key: by tenant every operation stays on one shard; by row key per-tenant queries scatter", () => {
    const r = plans("shard-key");
    expect(r.get("tenant key")?.sharding?.singleShardShare).toBe(1);
    const row = r.get("base")?.sharding;
    expect(row?.singleShardShare).toBeLessThan(0.9);
    expect(row?.meanFanOut).toBeGreaterThan(1);
  });
});
