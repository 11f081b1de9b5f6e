// CQRS as a step of the progression: a read model fed by the primary's log takes
// its `serves` share of the reads (docs/patterns.md, "CQRS": one draw per read),
// so the command side keeps the rest; the step is checked by simulation like the
// others, and stale queries count against the stale-read budget (the consistency
// monitor judges a query as it judges a replica's read).
import { describe, expect, it } from "vitest";
import {
  advise,
  applyScenarioStep,
  builtinScenario,
  type ProfileInput,
  planScenario,
  resolveProfile,
  type ScenarioInput,
  scorePlan,
  scoreScenario,
} from "../../src/index.js";

// 400 operations/s, 90 % reads of 5 ms of CPU: 360 × 5 ms = 1.8 cores of the
// db.r6g.large's 2, 90 % busy: the reads saturate it.
const SATURATING: ProfileInput = {
  name: "cqrs",
  workload: { rate: 400, readShare: 0.9, sessions: 50, readCpuMs: { kind: "constant", value: 5 } },
  data: { keys: 1000 },
  slo: { readP99Ms: 50, writeP99Ms: 50 },
  simulation: { duration: 1_000, warmup: 500, seeds: 3 },
};

const primaryReads = (plan: ProfileInput["plan"]) =>
  scorePlan(resolveProfile(SATURATING), plan ?? {}).evidence.nodes.find((n) => n.role === "primary")
    ?.readsPerSec ?? Number.NaN;

describe("the CQRS step", () => {
  it("adds one read model serving half the reads to a scenario, and none beside shards or another", () => {
    const { variants: _, ...readHeavy } = builtinScenario("read-heavy") as ScenarioInput & {
      variants?: unknown;
    };
    expect(applyScenarioStep(readHeavy as ScenarioInput, "cqrs")?.cqrs).toEqual({
      projections: [{ name: "read-model", applyTime: "ssdRandomRead", serves: 0.5 }],
    });
    expect(applyScenarioStep(builtinScenario("cqrs") as ScenarioInput, "cqrs")).toBeNull();
    expect(applyScenarioStep(builtinScenario("shard-key") as ScenarioInput, "cqrs")).toBeNull();
    const plan = planScenario(resolveProfile(SATURATING), {
      size: "db.r6g.large",
      cqrs: { serves: 0.5 },
    });
    expect(plan.cqrs?.projections[0]?.serves).toBe(0.5);
    expect(applyScenarioStep(plan, "shard")).toBeNull();
    // The failover built-in crashes its primary: a read model would follow a log that stops.
    expect(applyScenarioStep(builtinScenario("failover") as ScenarioInput, "cqrs")).toBeNull();
  });

  it("leaves availability unscored beside a read model (a crash with one is not simulated)", () => {
    const profile = resolveProfile({
      ...SATURATING,
      slo: { ...SATURATING.slo, availability: 0.999 },
    });
    const availability = scorePlan(profile, { cqrs: { serves: 0.5 } }).slos.find(
      (s) => s.slo === "availability",
    );
    expect(availability?.status).toBe("not scored");
    expect(availability?.note).toMatch(/CQRS read model/);
  });

  it("sends half the reads to the read model: the primary serves about half as many", () => {
    const alone = primaryReads({});
    const split = primaryReads({ cqrs: { serves: 0.5 } });
    // Each read goes to the read model with probability 0.5 (about 1,100 reads
    // over the three runs: the share's standard error is under 0.02).
    expect(split / alone).toBeGreaterThan(0.43);
    expect(split / alone).toBeLessThan(0.57);
  });

  it("is checked by simulation when the reads saturate a node", () => {
    const advice = advise(SATURATING, { maxSuggestions: 4 });
    const saturate = advice.symptoms.find((s) => s.code === "reads-saturate");
    expect(saturate?.steps).toContain("cqrs");
    const cqrs = advice.suggestions.find((s) => s.step === "cqrs");
    expect(cqrs?.score.label).toBe("db.r6g.large + CQRS read model 50 %");
    expect(cqrs?.score.complexity).toBe(4);
    const readP99 = cqrs?.score.slos.find((s) => s.slo === "readP99Ms");
    expect(readP99?.status).toBe("met");
  });

  it("judges the stale-read budget on stale queries", () => {
    // A projection applying 200 events/s behind 300 writes/s (1000/s, 30 % writes):
    // its backlog grows at 100 events/s (patterns.md, "The arithmetic"), so its
    // queries fall behind the command side and are stale.
    const scenario: ScenarioInput = {
      name: "lagging read model",
      duration: "2s",
      warmup: "500ms",
      workload: { rate: 1000, readRatio: 0.7, keys: { count: 100 } },
      cqrs: { projections: [{ name: "slow", throughput: 200, serves: 0.5 }] },
    };
    const score = scoreScenario({ readP99Ms: 50, writeP99Ms: 50, staleReadBudget: 0.01 }, scenario);
    const stale = score.slos.find((s) => s.slo === "staleReadBudget");
    expect(stale?.status).toBe("missed");
    expect(stale?.value ?? 0).toBeGreaterThan(0.01);
  });
});
