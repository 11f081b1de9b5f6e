// The verdict's reading of window means: a least-squares line with the t
// interval of its slope (Montgomery, Peck & Vining, "Introduction to Linear
// Regression Analysis", §2.3), and the peak against the lower quartile.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { studentTQuantile } from "../../src/experiment/stats.js";
import { judgeVerdict, type VerdictRun } from "../../src/scenario/verdict-rules.js";
import { windowPeak, windowTrend } from "../../src/scenario/window-trend.js";

describe("windowTrend", () => {
  test.prop([
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.integer({ min: 10, max: 60 }),
    fc.double({ min: 0.1, max: 1, noNaN: true }),
  ])(
    "a straight line a + b·t over windows of 1 (the last one of length s) grows by b·(n − 1 + s), with no width",
    (a, b, n, s) => {
      const spans = Array.from({ length: n }, (_, k) => (k === n - 1 ? 100 * s : 100));
      // The line evaluated at each window's middle, in units of the first window.
      const y = spans.map((_, k) => a + b * (k === n - 1 ? n - 1 + s / 2 : k + 0.5));
      const trend = windowTrend(y, spans);
      expect(trend.growth).toBeCloseTo(b * (n - 1 + s), 5);
      expect(trend.halfWidth).toBeLessThan(1e-6 * (1 + Math.abs(a) + Math.abs(b) * n));
    },
  );

  it("the half-width is t(0.975, n − 2) times the slope's standard error, times the length", () => {
    // y = 0,2,0,2,…: slope ≈ 0; residuals known in closed form from the fit.
    const y = Array.from({ length: 10 }, (_, k) => (k % 2 === 0 ? 0 : 2));
    const x = y.map((_, k) => k + 0.5);
    const xm = 5;
    const ym = 1;
    const sxx = x.reduce((s, v) => s + (v - xm) ** 2, 0);
    const slope = x.reduce((s, v, k) => s + (v - xm) * ((y[k] as number) - ym), 0) / sxx;
    const rss = x.reduce((s, v, k) => s + ((y[k] as number) - ym - slope * (v - xm)) ** 2, 0);
    const se = Math.sqrt(rss / 8 / sxx);
    const trend = windowTrend(y);
    expect(trend.growth).toBeCloseTo(slope * 10, 12);
    expect(trend.halfWidth).toBeCloseTo(studentTQuantile(0.95, 8) * se * 10, 12);
  });

  it("fits nothing under 10 windows", () => {
    expect(windowTrend([0, 1, 2, 3, 4, 5, 6, 7, 8])).toEqual({ growth: 0, halfWidth: 0 });
  });
});

describe("windowPeak", () => {
  it("the first highest window and the ⌊(n − 1)/4⌋-th smallest as the usual level", () => {
    const y = [5, 3, 9, 1, 9, 2, 4, 8, 7, 6, 0, 5];
    // sorted: 0 1 2 3 4 5 5 6 7 8 9 9; ⌊11/4⌋ = 2 → 2.
    expect(windowPeak(y)).toEqual({ index: 2, peak: 9, usual: 2 });
    expect(windowPeak(y.slice(0, 9))).toBeNull();
  });
});

describe("judgeVerdict on window means", () => {
  const run: VerdictRun = {
    stoppedBy: "end",
    simulatedMs: 6000,
    measuredMs: 5000,
    offered: 2000,
    completed: 2000,
    failedByKind: {},
    nodes: [],
    replicaNames: [],
  };
  const judge = (means: number[]) =>
    judgeVerdict(run, {
      windowMs: 250,
      startMs: 1000,
      work: { atStart: means[0] ?? 0, atEnd: means.at(-1) ?? 0, means },
      replicas: [],
      written: 0,
    });

  it("a steady climb is backlog-growing, with its interval", () => {
    const v = judge(Array.from({ length: 20 }, (_, k) => 10 * k + (k % 2)));
    expect(v.reasons.map((r) => r.code)).toEqual(["backlog-growing"]);
    expect(v.reasons[0]?.figures.growthHalfWidth).toBeGreaterThan(0);
  });

  it("a line above the threshold whose interval takes in 0 is noise, not a trend", () => {
    // Growth ≈ 30 (> the floor of 10: 0.6 a window and 18 from the swing) from windows swinging by ±60: the interval is far wider.
    const swing = [-60, 60, -60, 60, -60, 60, -60, 60, -60, 60];
    const means = [...swing, ...swing].map((v, k) => 100 + v + 0.6 * k);
    const trend = windowTrend(means);
    expect(trend.growth).toBeGreaterThan(10);
    expect(trend.growth - trend.halfWidth).toBeLessThan(0);
    // The swing's peak stands 120 above the lower quartile, so that rule speaks instead.
    expect(judge(means).reasons.map((r) => r.code)).toEqual(["backlog-burst"]);
    expect(judge(means.map((v) => 100 + (v - 100) / 20)).reasons).toEqual([]);
  });

  it("a bump that drains is a burst, located at its window", () => {
    const means = new Array<number>(20).fill(3);
    means[9] = 200;
    means[10] = 400;
    means[11] = 100;
    const v = judge(means);
    expect(v.status).toBe("overloaded");
    expect(v.reasons.map((r) => r.code)).toEqual(["backlog-burst"]);
    expect(v.reasons[0]?.figures).toMatchObject({
      peak: 400,
      usual: 3,
      rise: 397,
      peakWindowStartMs: 1000 + 10 * 250,
    });
  });
});
