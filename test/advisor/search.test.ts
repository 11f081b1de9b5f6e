// The search on a tiny profile (scale-up only, to stay cheap), and the cost it
// ranks by: the report's cost.perHour when the report has one, else the nodes'
// prices summed, null when a node is unpriced.
import { describe, expect, it } from "vitest";
import { advise } from "../../src/advisor/advise.js";
import { reportCostPerHour } from "../../src/advisor/cost.js";
import { formatAdvice } from "../../src/advisor/format.js";
import { searchPlans } from "../../src/advisor/search.js";
import { runScenario } from "../../src/scenario/run.js";

// Reads of 1 ms of CPU at 0.9 × 2500 = 2250/s need 2.25 cores: db.m6g.large
// (2 vCPUs) saturates, xlarge (4) and 2xlarge (8) carry it.
const PROFILE = {
  name: "tiny-search",
  workload: { rate: 2500, readShare: 0.9, readCpuMs: 1 },
  data: { keys: 1000 },
  clients: { instances: 4, poolSize: 8 },
  slo: { readP99Ms: 30, writeP99Ms: 30 },
  plan: { size: "db.m6g.large" },
  prices: { "db.m6g.large": 1, "db.m6g.xlarge": 2, "db.m6g.2xlarge": 4 },
  simulation: { duration: "500ms", warmup: "200ms" },
};

describe("searchPlans", () => {
  it("returns the cheapest plan meeting the SLOs, with its seeds, the same twice", () => {
    const result = searchPlans(PROFILE, { maxRuns: 9 });
    expect(result.estimate.stages).toEqual(["scale-up"]);
    expect(result.explored.map((s) => s.label)).toHaveLength(3);
    expect(result.best[0]?.label).toBe("db.m6g.xlarge");
    expect(result.best[0]?.costPerHour).toBe(2);
    expect(result.best[0]?.seeds).toHaveLength(3);
    expect(result.explored.at(-1)?.label).toBe("db.m6g.large");
    expect(JSON.stringify(searchPlans(PROFILE, { maxRuns: 9 }))).toBe(JSON.stringify(result));
  });
});

describe("reportCostPerHour", () => {
  const scenario = {
    duration: "200ms",
    warmup: "0ms",
    workload: { rate: 100 },
    database: { size: "db.m6g.large", prices: { "db.m6g.large": 0.5 } },
    replication: { replicas: 2 },
  };

  it("reads report.cost.perHour: the scenario's prices, and null when a node is unpriced", () => {
    // Three database nodes at the scenario's own $0.5, and no pooler, proxy or cache.
    expect(reportCostPerHour(runScenario(scenario))).toBe(1.5);
    // No size: the database has no price, so the plan has none (docs/cost.md).
    const unsized = { ...scenario, database: {} };
    expect(reportCostPerHour(runScenario(unsized))).toBeNull();
  });

  it("prices an advisor plan's pgbouncer and cache nodes too, and says so", () => {
    // The shipped list (docs/cost.md): db.r6g.large $0.225, pgbouncer on an
    // m5.large $0.096, a Redis cache.r6g.large node $0.206.
    const advice = advise(
      {
        workload: { rate: 100 },
        data: { keys: 1000 },
        slo: { readP99Ms: 10, writeP99Ms: 10 },
        plan: { pool: {}, cache: {} },
        simulation: { duration: "300ms", warmup: "0ms" },
      },
      { maxSuggestions: 0 },
    );
    expect(advice.current.costPerHour).toBeCloseTo(0.225 + 0.096 + 0.206, 9);
    expect(formatAdvice(advice)).toContain(
      "$0.53 per hour (instance hours of its database, pgbouncer and cache nodes)",
    );
  });
});
