// scoreScenario: a scenario as written, run once per seed and judged against
// SLOs the way a plan's score is (score.ts): mean over the seeds, met when the
// mean is at most the target.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_PROFILES,
  builtinScenario,
  deriveSeed,
  planScenario,
  resolveProfile,
  runScenario,
  type ScenarioInput,
  scorePlan,
  scoreScenario,
} from "../../src/index.js";

const short = (name: string): ScenarioInput => {
  const { variants: _v, ...base } = builtinScenario(name) as ScenarioInput & { variants?: unknown };
  return { ...base, duration: "1s", warmup: "200ms" } as ScenarioInput;
};

describe("scoreScenario", () => {
  it("runs the scenario as written with seeds deriveSeed(seed, 0, r) and judges the mean", () => {
    const scenario = short("write-heavy");
    const score = scoreScenario({ readP99Ms: 10, writeP99Ms: 20 }, scenario, { seed: 7 });
    const seeds = [0, 1, 2].map((r) => deriveSeed(7, 0, r));
    expect(score.seeds).toEqual(seeds);
    const reports = seeds.map((seed) => runScenario(scenario, { seed }));
    const read = score.slos.find((s) => s.slo === "readP99Ms");
    const write = score.slos.find((s) => s.slo === "writeP99Ms");
    expect(read?.perSeed).toEqual(reports.map((r) => r.latency.read.p99));
    expect(write?.perSeed).toEqual(reports.map((r) => r.latency.write.p99));
    const mean = reports.reduce((a, r) => a + r.latency.write.p99, 0) / reports.length;
    expect(write?.value).toBeCloseTo(mean, 9);
    expect(write?.status).toBe(mean <= 20 ? "met" : "missed");
    // The page's own node: the scenario's cores, not an RDS class.
    expect(score.evidence.nodes.map((n) => n.cores)).toEqual(reports[0]?.nodes.map((n) => n.cores));
    expect(score.vcpus).toBe(reports[0]?.nodes.reduce((a, n) => a + n.cores, 0));
  });

  it("judges a plan's scenario exactly as scorePlan does", () => {
    const profile = resolveProfile({
      ...BUILTIN_PROFILES["read-heavy"],
      simulation: { duration: "1s", warmup: "200ms", seeds: 3 },
    });
    const plan = scorePlan(profile, profile.plan);
    const scenario = scoreScenario(profile.slo, planScenario(profile, profile.plan), {
      seed: profile.seed,
      seeds: profile.simulation.seeds,
      ...(profile.budgetPerHour !== undefined ? { budgetPerHour: profile.budgetPerHour } : {}),
    });
    expect(scenario.seeds).toEqual(plan.seeds);
    expect(scenario.slos).toEqual(plan.slos);
    expect(scenario.evidence).toEqual(plan.evidence);
  });

  it("adds no crash to a scenario as written: availability with a target is not scored", () => {
    const score = scoreScenario(
      { readP99Ms: 10, writeP99Ms: 20, availability: 0.999 },
      short("write-heavy"),
    );
    const availability = score.slos.find((s) => s.slo === "availability");
    expect(availability?.status).toBe("not scored");
    expect(availability?.target).toBe(0.999);
    expect(availability?.note).toMatch(/scored for a profile's plan/);
  });

  it("names the option and the value it refuses", () => {
    expect(() =>
      scoreScenario({ readP99Ms: 10, writeP99Ms: 20 }, short("write-heavy"), { seeds: 2 }),
    ).toThrow(/options\.seeds is 2; expected an integer 3\.\.30/);
    expect(() => scoreScenario({ readP99Ms: -1, writeP99Ms: 20 }, short("write-heavy"))).toThrow(
      /slo\.readP99Ms is invalid/,
    );
  });
});
