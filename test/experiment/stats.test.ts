// The statistics of src/experiment/stats.ts against published tables and hand
// arithmetic, not against its own output.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  batchMeansInterval,
  mser5,
  pairedComparison,
  studentTQuantile,
  summarizeSample,
  tInterval,
  welchInterval,
} from "../../src/experiment/stats.js";

describe("Student t quantile", () => {
  // t_{ν, 0.975} from the table of percentage points of the t distribution
  // (NIST/SEMATECH e-Handbook of Statistical Methods, §1.3.6.7.2).
  const TABLE: readonly [number, number][] = [
    [1, 12.706],
    [2, 4.303],
    [3, 3.182],
    [4, 2.776],
    [5, 2.571],
    [9, 2.262],
    [10, 2.228],
    [19, 2.093],
    [30, 2.042],
    [100, 1.984],
  ];
  for (const [df, t] of TABLE) {
    it(`ν = ${df}: t_0.975 = ${t}`, () => {
      expect(studentTQuantile(0.95, df)).toBeCloseTo(t, 3);
    });
  }
  it("tends to the normal quantile 1.95996 as ν grows", () => {
    expect(studentTQuantile(0.95, 1e6)).toBeCloseTo(1.95996, 3);
  });
  it("refuses a level outside (0, 1)", () => {
    expect(() => studentTQuantile(1, 5)).toThrow(/level: expected a number in \(0, 1\); got 1/);
  });
});

describe("mean, standard deviation, interval", () => {
  it("2, 4, 4, 4, 5, 5, 7, 9: mean 5, s² = 32/7, half-width t_7 · s/√8", () => {
    const values = [2, 4, 4, 4, 5, 5, 7, 9];
    const s = summarizeSample(values);
    expect(s.mean).toBe(5);
    expect(s.sd).toBeCloseTo(Math.sqrt(32 / 7), 12);
    // t_{7, 0.975} = 2.365 (NIST table above)
    expect(s.ci95?.halfWidth).toBeCloseTo((2.365 * Math.sqrt(32 / 7)) / Math.sqrt(8), 3);
  });
  it("one value: no standard deviation, no interval", () => {
    expect(summarizeSample([3])).toEqual({ n: 1, mean: 3, sd: null, ci95: null });
  });
});

describe("batch means", () => {
  it("a series of k constant batches gives the interval of the k batch means", () => {
    // Batches 1, 2, 3, 4 (of 5 each): mean 2.5, s² of the batch means 5/3.
    const series = [1, 2, 3, 4].flatMap((b) => Array(5).fill(b) as number[]);
    const ci = batchMeansInterval(series, 4);
    expect(ci?.mean).toBe(2.5);
    expect(ci?.halfWidth).toBeCloseTo((3.182 * Math.sqrt(5 / 3)) / 2, 3);
  });
  it("drops the first n mod k observations (the warm-up side)", () => {
    const ci = batchMeansInterval([100, 1, 1, 3, 3], 2);
    expect(ci?.mean).toBe(2);
  });
});

describe("paired and unpaired comparisons", () => {
  it("b = a + 1 exactly: the paired interval is the point −1, the unpaired one is wide", () => {
    const a = [3, 9, 1, 14, 6];
    const b = a.map((x) => x + 1);
    const { paired, unpaired } = pairedComparison(a, b);
    expect(paired?.mean).toBe(-1);
    expect(paired?.halfWidth).toBe(0);
    expect(unpaired?.mean).toBeCloseTo(-1, 12);
    expect(unpaired?.halfWidth).toBeGreaterThan(5);
  });
  it("Welch: equal sizes and variances give the pooled-t interval with 2n − 2 degrees of freedom", () => {
    // a: mean 2, s² = 1; b: mean 5, s² = 1; se = √(1/3 + 1/3); df = 4 (t = 2.776).
    const ci = welchInterval([1, 2, 3], [4, 5, 6]);
    expect(ci?.df).toBe(4);
    expect(ci?.mean).toBe(-3);
    expect(ci?.halfWidth).toBeCloseTo(2.776 * Math.sqrt(2 / 3), 3);
  });
  it("refuses series of different lengths", () => {
    expect(() => pairedComparison([1, 2], [1])).toThrow(/as many values in a as in b; got 2 and 1/);
  });
  it("t interval of two values uses ν = 1", () => {
    expect(tInterval([0, 2])?.halfWidth).toBeCloseTo(12.706, 3);
  });
});

describe("MSER-5 warm-up", () => {
  it("a transient of 100 high values before a level series is cut at 100", () => {
    // A deterministic wiggle stands in for noise: the level part has mean 0.
    const series = [
      ...Array.from({ length: 100 }, () => 50),
      ...Array.from({ length: 900 }, (_, i) => Math.sin(i * 1.7)),
    ];
    const s = mser5(series);
    expect(s?.truncate).toBe(100);
    expect(s?.settled).toBe(true);
  });
  it("a steady series needs no truncation", () => {
    const series = Array.from({ length: 500 }, (_, i) => Math.sin(i * 0.9));
    expect(mser5(series)?.truncate).toBeLessThan(50);
  });
  it("a series that keeps drifting is not settled (minimum at the search limit)", () => {
    const series = Array.from({ length: 400 }, (_, i) => 1000 - i);
    expect(mser5(series)?.settled).toBe(false);
  });
  it("any series: the cut is a multiple of 5 below half the series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), {
          minLength: 10,
          maxLength: 300,
        }),
        (xs) => {
          const s = mser5(xs);
          expect(s).not.toBeNull();
          expect((s?.truncate ?? 1) % 5).toBe(0);
          expect(s?.truncate ?? 0).toBeLessThanOrEqual(xs.length / 2);
        },
      ),
    );
  });
});
