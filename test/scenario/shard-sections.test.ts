// A sharded report's per-shard sections (each shard's own pool, replication,
// routing and proxy, which cannot be merged over shards), the verdict judging
// every shard's replicas against its own primary's log, and the comparison
// columns that read them.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Report, runScenario, type ScenarioInput } from "../../src/index.js";
import { componentColumns, ReportSchema } from "../../src/scenario/index.js";
import { formatFigure } from "../../src/scenario/table-text.js";

const BASE: ScenarioInput = {
  seed: 11,
  warmup: 300,
  duration: 1_500,
  workload: { rate: 600, readRatio: 0.9, keys: { count: 4_000, popularity: { kind: "uniform" } } },
  replication: { replicas: 2 },
  routing: {},
  pool: { defaultPoolSize: 5 },
};

const SHARDED: ScenarioInput = { ...BASE, sharding: { strategy: "jump", shards: 3 } };

/** Reads served in the measured window by the nodes whose names start with `prefix`. */
function readsServed(report: Report, prefix: string): number {
  return report.nodes
    .filter((n) => n.name.startsWith(prefix))
    .reduce((sum, n) => sum + n.readsServed, 0);
}

describe("a sharded report's per-shard sections", () => {
  const report = runScenario(SHARDED);
  const shards = report.sharding?.shards ?? [];

  it("gives every shard its own pool, replication and routing, and leaves the merged ones out", () => {
    expect(() => ReportSchema.parse(report)).not.toThrow();
    expect(report.replication).toBeUndefined();
    expect(report.routing).toBeUndefined();
    expect(report.pool).toBeUndefined();
    expect(shards).toHaveLength(3);
    shards.forEach((s, i) => {
      expect(s.replication?.replicas.map((r) => r.name)).toEqual([
        `s${i}/replica-1`,
        `s${i}/replica-2`,
      ]);
      expect(s.pool).toBeDefined();
      expect(s.routing).toBeDefined();
      expect(s.proxy).toBeUndefined();
    });
  });

  it("each shard's router counts the reads its own nodes served (± those in flight at the cuts)", () => {
    // Without a consistency policy every read goes to a replica (round robin);
    // the router counts a read when it routes it, the node when it answers it.
    for (const s of shards) {
      const routed = (s.routing?.readsToPrimary ?? 0) + (s.routing?.readsToReplicas ?? 0);
      expect(routed).toBeGreaterThan(100);
      expect(Math.abs(routed - readsServed(report, `${s.name}/`))).toBeLessThanOrEqual(10);
    }
  });

  it("each shard's replicaLagMaxMs is the most of its own replicas' oldest-unapplied ages", () => {
    for (const s of shards) {
      const ages = s.replication?.replicas.map((r) => r.oldestUnappliedAgeMs.max) ?? [];
      expect(s.replicaLagMaxMs).toBe(Math.max(...ages));
    }
  });

  it("the verdict names every shard's replicas, in shard order", () => {
    expect(report.verdict.replicas.map((r) => r.name)).toEqual([
      "s0/replica-1",
      "s0/replica-2",
      "s1/replica-1",
      "s1/replica-2",
      "s2/replica-1",
      "s2/replica-2",
    ]);
  });

  it("an unsharded report keeps its sections at the top level", () => {
    const plain = runScenario({ ...BASE, duration: 500 });
    expect(plain.replication?.replicas).toHaveLength(2);
    expect(plain.routing).toBeDefined();
    expect(plain.pool).toBeDefined();
    expect(plain.sharding).toBeUndefined();
  });
});

describe("the verdict of a sharded plan", () => {
  // Range boundaries 100 and 3,900 over 4,000 uniformly chosen keys put 95 % of
  // the writes on s1 (285/s of 300/s) and 2.5 % on s0 and s2 (7.5/s each). One
  // applier at 5 ms a transaction applies 200/s: s1's replica falls ~85/s
  // behind (its unapplied log grows without bound), s0's and s2's keep up.
  const hot: ScenarioInput = {
    ...BASE,
    warmup: 500,
    duration: 3_000,
    workload: { rate: 300, readRatio: 0, keys: { count: 4_000, popularity: { kind: "uniform" } } },
    replication: { replicas: 1, applyTime: 5, applyWorkers: 1 },
    sharding: { strategy: "range", boundaries: [100, 3_900] },
  };

  it("is overloaded when a shard other than the first has a replica falling behind", () => {
    const report = runScenario(hot);
    const v = report.verdict;
    expect(v.status).toBe("overloaded");
    const behind = v.reasons.filter((r) => r.code === "replica-falling-behind");
    expect(behind.map((r) => r.subject)).toEqual(["s1/replica-1"]);
    // Judged against its own primary's writes, not every shard's.
    const s1Writes = report.nodes.find((n) => n.name === "s1/primary")?.writesServed ?? 0;
    expect(behind[0]?.figures.written).toBeGreaterThan(0.9 * s1Writes);
    expect(behind[0]?.figures.written).toBeLessThan(1.1 * s1Writes);
    // ~85/s over 3 s: a growth of some 250 records; the others' stay flat.
    const growth = Object.fromEntries(v.replicas.map((r) => [r.name, r.backlogGrowth]));
    expect(growth["s1/replica-1"]).toBeGreaterThan(150);
    expect(growth["s0/replica-1"]).toBeLessThan(10);
    expect(growth["s2/replica-1"]).toBeLessThan(10);
  });

  it("the comparison's replica-lag column shows the worst shard's lag", () => {
    const report = runScenario(hot);
    const worst = Math.max(
      ...(report.sharding?.shards ?? []).flatMap(
        (s) => s.replication?.replicas.map((r) => r.oldestUnappliedAgeMs.max) ?? [],
      ),
    );
    // Writes at 285/s applied at 200/s: the write applied at time t was made at
    // 200t/285, so the oldest unapplied is t(1 − 200/285) ≈ 0.3 t old, some 0.9 s
    // at the end of the 3.5 s run; the other shards' replicas, a millisecond.
    expect(worst).toBeGreaterThan(600);
    expect(cells(report, "replica lag")).toBe(formatFigure(worst));
  });
});

describe("the comparison of a sharded plan", () => {
  it("counts the reads to primary over every shard's primary when no router counts them", () => {
    // Without a routing section every read goes to its shard's primary.
    const { routing: _, ...noRouting } = SHARDED;
    const report = runScenario({ ...noRouting, duration: 600 });
    const primaries = report.nodes.filter((n) => n.role === "primary");
    expect(primaries).toHaveLength(3);
    const sum = primaries.reduce((a, n) => a + n.readsServed, 0);
    expect(sum).toBeGreaterThan(primaries[0]?.readsServed ?? 0);
    expect(cells(report, "reads to")).toBe(String(sum));
  });

  it("sums the shards' routers' reads to primary", () => {
    // Read-your-writes by window sends a session's reads after a write to its
    // primary; 20 sessions each write about 3 times a second.
    const report = runScenario({
      ...SHARDED,
      duration: 600,
      workload: { ...BASE.workload, sessions: 20 },
      routing: { consistency: { policy: "read-your-writes", by: "window", window: 500 } },
    });
    const perShard = (report.sharding?.shards ?? []).map(
      (s) => s.routing?.readsToPrimary ?? Number.NaN,
    );
    for (const n of perShard) expect(n).toBeGreaterThan(0);
    const sum = perShard.reduce((a, b) => a + b, 0);
    expect(cells(report, "reads to")).toBe(String(sum));
  });
});

/** The comparison table's cell for `report` in the component column headed `header`. */
function cells(report: Report, header: string): string {
  const column = componentColumns().find((c) => c.header[0] === header);
  if (column === undefined) throw new Error(`no column headed ${header}`);
  return column.cell(report);
}

describe("a sharded plan behind ProxySQL", () => {
  it("each shard's proxy counts its stale cache hits against its own primary", () => {
    // A query-cache rule keeps reads 1 s while 40 % of the operations write to
    // 200 hot keys: on every shard some cached answers are older than the key's
    // newest commit on that shard (ProxySQL keeps a cached resultset for its
    // rule's cache_ttl, https://proxysql.com/documentation/query-cache/: a write
    // does not remove it).
    const report = runScenario({
      seed: 3,
      warmup: 500,
      duration: 2_000,
      workload: { rate: 600, readRatio: 0.6, keys: { count: 200 } },
      database: { engine: "mysql", cores: 4 },
      replication: { replicas: 1 },
      proxy: {
        queryRules: [{ ruleId: 1, match: { kind: "read" }, cacheTtl: "1s", apply: true }],
      },
      sharding: { strategy: "jump", shards: 3 },
    });
    const shards = report.sharding?.shards ?? [];
    expect(report.proxy).toBeUndefined();
    for (const s of shards) {
      expect(s.proxy?.cache.hits).toBeGreaterThan(0);
      expect(s.proxy?.cache.staleHits).toBeGreaterThan(0);
    }
    // Stale hits are stale reads too: the monitor counts them with the rest (when
    // they are answered; the proxy when it serves them: ± a few at the end).
    const stale = shards.reduce((a, s) => a + (s.proxy?.cache.staleHits ?? 0), 0);
    expect(report.consistency?.staleReads).toBeGreaterThanOrEqual(stale - 5);
  });
});

describe("for any sharded plan", () => {
  it("the verdict records exactly the shards' replicas, and each shard's lag row reads its own section", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 }),
        fc.constantFrom("hash-mod" as const, "jump" as const, "rendezvous" as const),
        fc.integer({ min: 1, max: 1_000 }),
        (shards, replicas, strategy, seed) => {
          const report = runScenario({
            seed,
            warmup: 50,
            duration: 200,
            workload: { rate: 400, readRatio: 0.8, keys: { count: 500 } },
            ...(replicas === 0 ? {} : { replication: { replicas }, routing: {} }),
            sharding: { strategy, shards },
          });
          const rows = report.sharding?.shards ?? [];
          expect(rows).toHaveLength(shards);
          expect(report.replication).toBeUndefined();
          expect(report.verdict.replicas.map((r) => r.name)).toEqual(
            rows.flatMap((s, i) =>
              Array.from({ length: replicas }, (_, j) => {
                expect(s.name).toBe(`s${i}`);
                return `s${i}/replica-${j + 1}`;
              }),
            ),
          );
          for (const s of rows) {
            const ages = s.replication?.replicas.map((r) => r.oldestUnappliedAgeMs.max) ?? [];
            expect(s.replicaLagMaxMs).toBe(ages.length === 0 ? null : Math.max(...ages));
            expect(s.routing === undefined).toBe(replicas === 0);
          }
        },
      ),
      { numRuns: 10 },
    );
  });
});
