// Validation of the report's verdict on the M/M/1 queue, where theory says how
// much the work in flight may drift by chance. The server with σ = κ = 0 and one
// core is processor sharing, whose number in system is M/M/1's birth–death chain.
//
// The verdict calls the backlog "growing" when the growth of work in flight over
// the window, fitted by least squares through 20 window means, exceeds
// max(0.5 % of the operations finished, 10). Run length T = 20 s at μ = 1/ms:
// - ρ = 0.7 (stable): the time average over a window of length w has variance
//   σ²/w, with σ² = 2ρ(1+ρ)/(μ(1−ρ)⁴) = 294 ms the asymptotic variance of
//   M/M/1's time-average number in system (Whitt, "Planning queueing
//   simulations", Management Science 35(11), 1989). For K equal windows the
//   fitted growth has sd √(12σ²/T · K²/(K²−1)) ≈ 0.42 operations, against a
//   threshold of max(0.005 × 14 000, 10) = 70: ~170 sd, so never flagged.
// - ρ = 1.05 (overloaded): the queue drifts up at λ − μ = 0.05/ms, so it grows
//   by about 1 000 over T; as a random walk of variance rate λ + μ, a
//   least-squares line through it has growth sd √(1.2(λ+μ)T) ≈ 222 (the slope of
//   Brownian motion fitted on [0, T] has variance 12·T⁵/120 / T⁶ × σ² = 1.2σ²/T).
//   The threshold is about 0.005 × 20 000 = 100, so 1 000 lies 4 sd above it:
//   with 100 runs the chance that any is missed is about 100 × 3·10⁻⁵ = 0.3 %.
//   Half the run length would leave 2.9 sd (a miss somewhere in about 20 % of 100-run suites).
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";

const T_MS = 20_000;
const SEEDS = 100;

function mm1(seed: number, rho: number): ScenarioInput {
  return {
    seed,
    duration: T_MS,
    warmup: 2_000,
    workload: { rate: rho * 1000, readRatio: 1, keys: { count: 1000 } },
    database: {
      cores: 1,
      sigma: 0,
      kappa: 0,
      maxConnections: 2000,
      readTime: { kind: "exponential", mean: 1 },
      connectionSetupTime: 0,
    },
    client: { poolSize: 1000, roundTrip: 0, connectRoundTrips: 0 },
  };
}

function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, sd: Math.sqrt(variance) };
}

describe("verdict on M/M/1 (processor sharing, one core, μ = 1/ms, T = 20 s)", () => {
  it("ρ = 0.7: ok on every one of 100 seeds, and the fitted growth's sd matches √(12σ²/T)", () => {
    const growth: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const v = runScenario(mm1(seed, 0.7)).verdict;
      expect(v.status, `seed ${seed}: ${JSON.stringify(v.reasons)}`).toBe("ok");
      expect(v.reasons).toEqual([]);
      growth.push(v.inFlightGrowth);
    }
    const rho = 0.7;
    const sigma2 = (2 * rho * (1 + rho)) / (1 - rho) ** 4;
    const k = 20;
    const theory = Math.sqrt(((12 * sigma2) / T_MS) * ((k * k) / (k * k - 1)));
    const { mean, sd } = meanSd(growth);
    // The sd of an sd estimated from 100 runs is about 7 %: allow 25 %.
    expect(Math.abs(sd / theory - 1), `sd ${sd} vs ${theory}`).toBeLessThan(0.25);
    // A stationary queue does not drift: the mean is within 4 standard errors of 0.
    expect(Math.abs(mean)).toBeLessThan((4 * theory) / Math.sqrt(SEEDS));
  });

  it("ρ = 1.05: overloaded with a growing backlog on every one of 100 seeds, growth ≈ (λ−μ)T", () => {
    const growth: number[] = [];
    for (let seed = 1; seed <= SEEDS; seed++) {
      const v = runScenario(mm1(seed, 1.05)).verdict;
      expect(v.status, `seed ${seed}`).toBe("overloaded");
      expect(v.reasons.map((r) => r.code)).toContain("backlog-growing");
      expect(v.inFlightAtEnd).toBeGreaterThan(v.inFlightAtStart);
      growth.push(v.inFlightGrowth);
    }
    const { mean, sd } = meanSd(growth);
    const drift = 0.05 * T_MS;
    const sdTheory = Math.sqrt(1.2 * 2.05 * T_MS);
    expect(Math.abs(mean - drift), `mean ${mean}`).toBeLessThan((4 * sdTheory) / Math.sqrt(SEEDS));
    expect(Math.abs(sd / sdTheory - 1), `sd ${sd} vs ${sdTheory}`).toBeLessThan(0.25);
  });
});
