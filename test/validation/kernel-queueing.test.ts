// The kernel (Simulation, Resource, callbacks and processes) against queueing theory,
// Kleinrock, Queueing Systems vol. 1 (1975), and Little (1961); the formulas are in
// docs/reference.md. Each check runs independent replications (fixed seeds, one
// per replication) after a warm-up that is discarded, and asserts that the theoretical
// value lies inside a Student-t confidence interval of the replication means. The width
// of every interval comes from the replications' own spread, not from a tolerance tuned
// to a seed; with fixed seeds the outcome is deterministic.
//
// Multiple comparisons: the file makes FAMILY_CHECKS interval checks. At 95 % each, a
// correct kernel would fail at least one for about 1 − 0.95¹¹ ≈ 43 % of seed choices,
// and seeds would end up picked to pass. So each of those intervals is taken at
// 1 − 0.05/FAMILY_CHECKS (Bonferroni): the family fails a correct kernel for ≤ 5 % of
// seeds. The one exception is the acceptance criterion (M/M/1 at ρ = 0.9),
// stated at 95 %, which is checked at 95 % (together ≤ 10 %).
//
// Warm-up: each replication starts empty. The relaxation time of M/M/1 is about
// 1/(μ(1−√ρ)²) (≈ 380 ms at ρ = 0.9, 12 ms at ρ = 0.5); every warm-up below spans
// tens of relaxation times, so the start-up bias is negligible next to the CI width.
import seedrandom from "seedrandom";
import { describe, expect, it } from "vitest";
import { RandomStream } from "../../src/kernel/index.js";
import {
  confidenceInterval,
  erlangC,
  fifoWaitsMs,
  formatInterval,
  mm1WaitMs,
  mmcQueueLength,
  mmcWaitMs,
  mmcWaitTail,
  pkWaitMs,
  type QueueStats,
  replicate,
  runQueue,
  type Style,
  studentTQuantile,
} from "./queueing.js";

const REPLICATIONS = 20;
const exponentialService = (meanMs: number) => (rng: RandomStream) => rng.exponential(meanMs);

/** Interval checks made with FAMILY_LEVEL below (count them when adding one). */
const FAMILY_CHECKS = 11;
const FAMILY_LEVEL = 1 - 0.05 / FAMILY_CHECKS;

function expectInside(samples: readonly number[], theory: number, level = FAMILY_LEVEL): void {
  const ci = confidenceInterval(samples, level);
  expect(theory >= ci.low && theory <= ci.high, formatInterval(ci, theory, level)).toBe(true);
}

describe("helpers checked against textbook values", () => {
  it("erlangC: c = 2, a = 1.6 gives C = 32/45 ≈ 0.7111; c = 3, a = 2 gives 4/9; c = 1 gives ρ", () => {
    expect(erlangC(2, 1.6)).toBeCloseTo(32 / 45, 12);
    expect(erlangC(3, 2)).toBeCloseTo(4 / 9, 12);
    expect(erlangC(1, 0.9)).toBeCloseTo(0.9, 12);
  });

  it("studentTQuantile matches the t table (95 %: df 1 12.706, 4 2.776, 9 2.262, 19 2.093; 99 %: df 19 2.861)", () => {
    expect(studentTQuantile(0.95, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.95, 4)).toBeCloseTo(2.7764, 4);
    expect(studentTQuantile(0.95, 9)).toBeCloseTo(2.2622, 4);
    expect(studentTQuantile(0.95, 19)).toBeCloseTo(2.093, 4);
    expect(studentTQuantile(0.99, 19)).toBeCloseTo(2.8609, 4);
  });
});

// Before any statistics: the kernel's Resource must produce exactly the sample path of
// the FIFO recursion on the same draws, whichever way the customers are written.
describe("sample path: Resource (FIFO, c slots) = the Kiefer–Wolfowitz recursion on the same draws", () => {
  const cases: { servers: number; style: Style }[] = [1, 2, 4].flatMap((servers) =>
    (["callbacks", "processes"] as const).map((style) => ({ servers, style })),
  );

  it.each(cases)(
    "c = $servers, $style: every one of 20 000 waits is identical",
    ({ servers, style }) => {
      const lambda = 0.9 * servers;
      const customers = 20_000;
      const seed = 40 + servers;
      // The same uniforms for both: the kernel gets them through its `rngs` option.
      const kernel = runQueue({
        seed,
        arrivalRatePerMs: lambda,
        servers,
        serviceMs: (rng) => rng.exponential(1),
        warmupCustomers: 0,
        customers,
        style,
        rngs: {
          arrivals: seedrandom.alea(`arrivals ${seed}`),
          service: seedrandom.alea(`service ${seed}`),
        },
        recordWaits: true,
      });
      const arrivals = new RandomStream(seed, "arrivals", seedrandom.alea(`arrivals ${seed}`));
      const service = new RandomStream(seed, "service", seedrandom.alea(`service ${seed}`));
      const reference = fifoWaitsMs(
        customers,
        servers,
        () => arrivals.exponential(1 / lambda),
        () => service.exponential(1),
      );
      expect(kernel.waitsMs).toHaveLength(customers);
      expect(kernel.waitsMs).toEqual(reference);
      // Not a degenerate path: at ρ = 0.9 most customers wait.
      expect(reference.filter((w) => w > 0).length).toBeGreaterThan(customers / 2);
    },
  );
});

describe("M/M/1: Wq = ρ/(μ−λ) (Kleinrock 1975, §3.2)", () => {
  const mu = 1;

  it.each<{ style: Style }>([{ style: "callbacks" }, { style: "processes" }])(
    "ρ = 0.5, $style: Wq = 0.5/(1−0.5) = 1.0 ms inside the CI of 20 × 50 000 customers",
    ({ style }) => {
      const lambda = 0.5;
      // Other seeds per style: on equal seeds the two styles give the same path (above).
      const runs = replicate(REPLICATIONS, style === "callbacks" ? 100 : 150, {
        arrivalRatePerMs: lambda,
        servers: 1,
        serviceMs: exponentialService(1 / mu),
        warmupCustomers: 2_000,
        customers: 50_000,
        style,
      });
      expect(mm1WaitMs(lambda, mu)).toBeCloseTo(1.0, 12);
      expectInside(
        runs.map((r) => r.meanWaitMs),
        1.0,
      );
    },
  );

  // At ρ = 0.9 successive waits are strongly correlated: measured over 40 seeds, the
  // mean of 10⁶ customers has a standard deviation of 0.21 ms (2.3 % of 9.0), so
  // "within 2 % over 10⁶ customers" held for only 25 of 40 seeds. The 2 % bound is
  // therefore asserted over 10⁷ customers, where the standard deviation is ≈ 0.07 ms
  // (0.7 %) and 2 % is about 2.7 standard deviations; the primary criterion is the CI.
  it("ρ = 0.9, callbacks: Wq = 0.9/(1−0.9) = 9.0 ms inside the 95 % CI, and the mean of 10⁷ customers within 2 %", () => {
    const lambda = 0.9;
    const runs = replicate(REPLICATIONS, 200, {
      arrivalRatePerMs: lambda,
      servers: 1,
      serviceMs: exponentialService(1 / mu),
      warmupCustomers: 10_000,
      customers: 500_000,
      style: "callbacks",
    });
    const theory = mm1WaitMs(lambda, mu);
    expect(theory).toBeCloseTo(9.0, 12);
    const means = runs.map((r) => r.meanWaitMs);
    expectInside(means, theory, 0.95);
    // Equal-sized replications: the grand mean is the mean over all 10⁷ customers.
    const grandMean = means.reduce((s, x) => s + x, 0) / means.length;
    expect(Math.abs(grandMean / theory - 1)).toBeLessThan(0.02);
  });
});

describe("M/M/c (Erlang C): Wq = C/(cμ−λ), P(wait > t) = C·e^(−(cμ−λ)t) (Kleinrock 1975, §3.5)", () => {
  const mu = 1;
  const cases = [
    { servers: 2, rho: 0.8, tMs: 1 },
    { servers: 4, rho: 0.7, tMs: 0.5 },
  ];

  it.each(cases)(
    "c = $servers, ρ = $rho, callbacks: Wq and P(wait > $tMs ms) inside the CI of 20 × 100 000 customers",
    ({ servers, rho, tMs }) => {
      const lambda = rho * servers * mu;
      const runs = replicate(REPLICATIONS, 300 + servers * 100, {
        arrivalRatePerMs: lambda,
        servers,
        serviceMs: exponentialService(1 / mu),
        warmupCustomers: 5_000,
        customers: 100_000,
        style: "callbacks",
        waitThresholdMs: tMs,
      });
      expectInside(
        runs.map((r) => r.meanWaitMs),
        mmcWaitMs(servers, lambda, mu),
      );
      expectInside(
        runs.map((r) => r.fractionWaitAbove),
        mmcWaitTail(servers, lambda, mu, tMs),
      );
    },
  );
});

describe("M/D/1 (Pollaczek–Khinchine): Wq = λE[S²]/(2(1−ρ)) (Kleinrock 1975, ch. 5)", () => {
  it("λ = 0.8, S = 1 ms, processes: Wq = 0.8·1/(2·0.2) = 2.0 ms inside the CI of 20 × 100 000 customers", () => {
    const lambda = 0.8;
    const serviceMs = 1;
    const runs = replicate(REPLICATIONS, 600, {
      arrivalRatePerMs: lambda,
      servers: 1,
      serviceMs: () => serviceMs,
      warmupCustomers: 5_000,
      customers: 100_000,
      style: "processes",
    });
    const theory = pkWaitMs(lambda, serviceMs, serviceMs ** 2);
    expect(theory).toBeCloseTo(2.0, 12);
    expectInside(
      runs.map((r) => r.meanWaitMs),
      theory,
    );
  });
});

describe("Little's law: L = λW, and the time-average queue length = arrival rate × mean wait (Little 1961)", () => {
  const mu = 1;
  const cases: { name: string; servers: number; lambda: number; style: Style }[] = [
    { name: "M/M/1 ρ = 0.9", servers: 1, lambda: 0.9, style: "callbacks" },
    { name: "M/M/2 ρ = 0.8", servers: 2, lambda: 1.6, style: "processes" },
  ];

  it.each(cases)("$name, $style: Lq = λWq and L = λW", ({ servers, lambda, style }) => {
    const runs: QueueStats[] = replicate(REPLICATIONS, 700 + servers * 100, {
      arrivalRatePerMs: lambda,
      servers,
      serviceMs: exponentialService(1 / mu),
      warmupCustomers: 10_000,
      customers: 50_000,
      style,
    });

    for (const r of runs) {
      // Over the whole run (empty at both ends) Little's law is an identity of the
      // sample path: ∫ N(t) dt = Σ time in system. Only rounding separates the two.
      expect(Math.abs(r.run.areaInSystem / r.run.totalSojournMs - 1)).toBeLessThan(1e-9);

      // Over the measurement window, λ̂·W̄·window is exactly Σ of the measured waits, so
      // the two sides differ only by the waiting that spills over the window's two ends:
      // with N customers present at an end, about N²/2 ms·customers (μ = 1), against an
      // integral of ≈ L·window ≈ 5·10⁵. Reaching 1 % needs N ≈ 100, and N is geometric
      // with mean ≈ 9 at ρ = 0.9: P ≈ 0.9¹⁰⁰ ≈ 3·10⁻⁵ per end.
      const lq = r.arrivalRateInWindowPerMs * r.meanWaitMs;
      expect(Math.abs(r.meanQueueLength / lq - 1)).toBeLessThan(0.01);
      const l = r.arrivalRateInWindowPerMs * r.meanSojournMs;
      expect(Math.abs(r.meanInSystem / l - 1)).toBeLessThan(0.01);
    }

    // And the time averages agree with theory: Lq = Cρ/(1−ρ), L = Lq + λ/μ.
    const lqTheory = mmcQueueLength(servers, lambda, mu);
    expectInside(
      runs.map((r) => r.meanQueueLength),
      lqTheory,
    );
    expectInside(
      runs.map((r) => r.meanInSystem),
      lqTheory + lambda / mu,
    );
  });
});
