// The verdict reads the time series' windows (one set of windows per run) and
// judges a trend with its interval, and a burst by its peak, on M/M/1: the
// server with σ = κ = 0 and one core is processor sharing, whose number in
// system is M/M/1's birth–death chain (μ = 1/ms here).
// - ρ = 1.2: the number in system drifts up at λ − μ = 200/s (it is a random walk
//   with that drift once the queue never empties), so a line through the window
//   means grows by (λ − μ)·T; the walk has variance rate λ + μ, and a
//   least-squares line through Brownian motion on [0, T] has slope variance
//   12σ²/T³·T²/10 = 1.2σ²/T, i.e. growth sd √(1.2(λ+μ)T) ≈ 115 for T = 5 s.
// - ρ = 0.7: L = ρ/(1−ρ) = 2.3 and window means barely move (test/validation/verdict.test.ts
//   checks the fitted growth's sd against Whitt's asymptotic variance).
// - a burst: λ = 1.5/ms for 1 s between stretches at 0.7 and 0.5/ms; work in
//   flight climbs by (1.5 − 1)·1000 = 500 during the burst and drains at 500/s
//   afterwards, so the peak window stands ~500 above the usual level while a line
//   through the whole period stays nearly flat.
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";

const T_MS = 5_000;

function mm1(seed: number, rate: NonNullable<ScenarioInput["workload"]>["rate"]): ScenarioInput {
  return {
    seed,
    duration: T_MS,
    warmup: 1_000,
    workload: { rate, readRatio: 1, keys: { count: 1000 } },
    database: {
      cores: 1,
      sigma: 0,
      kappa: 0,
      maxConnections: 5000,
      readTime: { kind: "exponential", mean: 1 },
      connectionSetupTime: 0,
    },
    client: { poolSize: 4000, roundTrip: 0, connectRoundTrips: 0 },
  };
}

describe("the verdict on the time series' windows (M/M/1, μ = 1/ms, T = 5 s)", () => {
  it("ρ = 1.2: overloaded on 100 ms windows, growth ≈ (λ − μ)·T within 4 sd, the interval above 0", () => {
    for (const seed of [1, 2, 3]) {
      const report = runScenario(mm1(seed, 1200), { timeSeries: { windowMs: 100 } });
      const v = report.verdict;
      expect(v.status).toBe("overloaded");
      expect(v.windowMs).toBe(100);
      expect(v.inFlightByWindow).toHaveLength(50);
      const growing = v.reasons.find((r) => r.code === "backlog-growing");
      const growth = growing?.figures.growth ?? 0;
      const half = growing?.figures.growthHalfWidth ?? Number.NaN;
      // (1.2 − 1)/ms over 5 000 ms; sd √(1.2 · 2.2/ms · 5 000 ms) ≈ 115.
      expect(Math.abs(growth - 0.2 * T_MS)).toBeLessThan(4 * Math.sqrt(1.2 * 2.2 * T_MS));
      expect(growth - half).toBeGreaterThan(0);
      // The windows are the time series': its inFlight column is the verdict's series.
      const series = report.timeSeries?.windows.map((w) => w.inFlight) ?? [];
      expect(series).toEqual(v.inFlightByWindow);
    }
  });

  it("ρ = 0.7: ok on the same windows, no reason", () => {
    for (const seed of [1, 2, 3]) {
      const v = runScenario(mm1(seed, 700), { timeSeries: { windowMs: 100 } }).verdict;
      expect(v.status, JSON.stringify(v.reasons)).toBe("ok");
      expect(v.windowMs).toBe(100);
    }
  });

  it("overloaded only in a burst: reported as a burst, at the burst's windows, the line through it flat", () => {
    const burst = {
      steps: [
        { at: 0, rate: 700 },
        { at: "3s", rate: 1500 },
        { at: "4s", rate: 500 },
      ],
    };
    for (const seed of [1, 2, 3]) {
      const v = runScenario(mm1(seed, burst)).verdict;
      expect(v.status, JSON.stringify(v.reasons)).toBe("overloaded");
      expect(v.reasons.map((r) => r.code)).toEqual(["backlog-burst"]);
      const figures = v.reasons[0]?.figures ?? {};
      // The burst runs from 3 s to 4 s; the backlog peaks at its end and has
      // drained by 5 s: the peak window is one of the 250 ms windows in between.
      expect(figures.peakWindowStartMs).toBeGreaterThanOrEqual(3_000);
      expect(figures.peakWindowStartMs).toBeLessThan(5_000);
      // The peak window's mean is below the 500 reached at the end of the burst, well above L = 2.3.
      expect(figures.rise).toBeGreaterThan(200);
      expect(figures.rise).toBeLessThan(500 + 4 * Math.sqrt(2.5 * 1000));
      expect(Math.abs(v.inFlightGrowth)).toBeLessThan(figures.rise ?? 0);
      expect(v.inFlightAtEnd).toBeLessThan(20);
    }
  });
});
