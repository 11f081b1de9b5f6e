// MSER-5 before --precision (src/experiment/transient.ts). M/M/1 (one core of
// processor sharing with σ = κ = 0, μ = 1/ms) started empty at ρ = 0.9 has a
// known transient: the relaxation time of its number in system is
// τ = 1/(μ(1 − √ρ)²) ≈ 380 ms (Morse 1955, "Stochastic properties of waiting
// lines", J. Operations Research Society of America 3(3); Kleinrock, "Queueing
// Systems" vol. 1, §2.8), while L = ρ/(1 − ρ) = 9. With no warm-up, MSER-5 on the
// work in flight averaged over 20 replications should discard a stretch of the
// order of τ, and the point's first round then runs again with that warm-up.
import { describe, expect, it } from "vitest";
import { averageSeries, TRANSIENT_WINDOWS } from "../../src/experiment/transient.js";
import { executeRun, resolveScenario, runExperiment, type ScenarioInput } from "../../src/index.js";

const TAU_MS = 1 / (1 - Math.sqrt(0.9)) ** 2;

const mm1 = (warmup: number): ScenarioInput => ({
  duration: 8000,
  warmup,
  workload: { rate: 900, readRatio: 1, keys: { count: 1000 } },
  database: {
    cores: 1,
    sigma: 0,
    kappa: 0,
    maxConnections: 5000,
    readTime: { kind: "exponential", mean: 1 },
    connectionSetupTime: 0,
  },
  client: { poolSize: 4000, roundTrip: 0, connectRoundTrips: 0 },
});

const experiment = (seed: number) => ({
  scenario: mm1(0),
  replications: 20,
  seed,
  metrics: ["latency.read.mean"],
  precision: { relativeHalfWidth: 0.5, maxReplications: 20 },
});

describe("MSER-5 before the precision rule (M/M/1 at ρ = 0.9 from empty, τ ≈ 380 ms)", () => {
  const results = [1, 2, 3, 4, 5, 6].map((seed) => runExperiment(experiment(seed)));
  const checks = results.map((r) => r.points[0]?.transient);

  it("reads 100 windows of the measured period and truncates, on average, a stretch of the order of τ", () => {
    for (const c of checks) {
      expect(c?.windowMs).toBe(8000 / TRANSIENT_WINDOWS);
      expect(c?.scenarioWarmupMs).toBe(0);
      // Never more than half the period (Franklin & White's limit on the search).
      expect(c?.truncateMs).toBeLessThan(4000);
    }
    const mean = checks.reduce((s, c) => s + (c?.truncateMs ?? 0), 0) / checks.length;
    // The mean reaches L within a few τ: MSER-5 discards between τ/2 and 5τ on average.
    expect(mean).toBeGreaterThan(TAU_MS / 2);
    expect(mean).toBeLessThan(5 * TAU_MS);
  });

  it("applied: the runs are those of the warm-up lengthened by the truncation, and the rerun is checked again", () => {
    const applied = results.filter((r) => r.points[0]?.transient?.applied);
    expect(applied.length).toBeGreaterThan(0);
    for (const r of results) {
      const c = r.points[0]?.transient;
      if (c === undefined) throw new Error("no transient check");
      expect(c.applied).toBe(c.truncateMs > 0);
      expect(c.warmupMs).toBe(c.scenarioWarmupMs + c.truncateMs);
      expect(c.truncateAfterMs === null).toBe(!c.applied);
    }
    // Rerun by hand: replication 0 of the first applied experiment, with that warm-up.
    const r = applied[0];
    const run = r?.points[0]?.runs[0];
    const c = r?.points[0]?.transient;
    const again = executeRun({
      point: 0,
      replication: 0,
      seed: run?.seed ?? 0,
      scenario: resolveScenario(mm1(c?.warmupMs ?? 0)),
      metrics: ["latency.read.mean"],
      histograms: false,
    });
    expect(run?.values).toEqual(again.values);
  });

  it("averageSeries averages window by window over the shortest series", () => {
    expect(
      averageSeries([
        [1, 2, 3],
        [3, 4],
      ]),
    ).toEqual([2, 3]);
    expect(averageSeries([])).toEqual([]);
  });
});
