import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Histogram } from "../../src/metrics/histogram.js";

/**
 * The exact percentile the histogram approximates: the value of rank
 * ceil(q · n / 100) in the sorted values (1-based, so q = 0 gives the minimum and
 * q = 100 the maximum). This is the "nearest rank" definition HdrHistogram uses.
 */
function exactPercentile(sorted: readonly number[], q: number): number {
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((q * sorted.length) / 100)));
  return sorted[rank - 1]!;
}

/** Positive values spread over 15 decades, inside the default range [1e-6, 1e9]. */
const spreadValue = fc
  .tuple(fc.double({ min: 1, max: 9.999, noNaN: true }), fc.integer({ min: -6, max: 8 }))
  .map(([mantissa, exponent]) => mantissa * 10 ** exponent);

/** Mostly spread values, with some exact zeros and repeats. */
const latencies = fc.array(fc.oneof({ weight: 9, arbitrary: spreadValue }, fc.constant(0)), {
  minLength: 1,
  maxLength: 400,
});

const percentiles = [0, 0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

function histogramOf(values: readonly number[]): Histogram {
  const histogram = new Histogram();
  for (const v of values) histogram.record(v);
  return histogram;
}

describe("Histogram percentiles", () => {
  test.prop([latencies, fc.double({ min: 0, max: 100, noNaN: true })])(
    "every percentile is within 1 % of the exact order statistic (bound: 1/256)",
    (values, randomQ) => {
      // Arrange
      const sorted = [...values].sort((a, b) => a - b);
      // Act
      const histogram = histogramOf(values);
      // Assert
      for (const q of [...percentiles, randomQ]) {
        const exact = exactPercentile(sorted, q);
        const got = histogram.percentile(q);
        const error = Math.abs(got - exact);
        expect(error).toBeLessThanOrEqual(0.01 * exact);
        expect(error).toBeLessThanOrEqual((exact / 256) * (1 + 1e-12));
      }
    },
  );

  it("answers exactly at the ends and within a bucket at bucket edges", () => {
    // Arrange: values on octave and sub-bucket boundaries, 2^e (1 + k/128)
    const values = [2 ** -10, 1, 1 + 1 / 128, 1 + 127 / 128, 2, 1024];
    // Act
    const histogram = histogramOf(values);
    // Assert
    expect(histogram.percentile(0)).toBe(2 ** -10);
    expect(histogram.percentile(100)).toBe(1024);
    expect(histogram.percentile(50)).toBeCloseTo(1 + 1 / 128, 2);
  });

  it("reports 0 exactly when most values are 0", () => {
    const histogram = new Histogram();
    histogram.recordN(0, 99);
    histogram.record(5);
    expect(histogram.percentile(99)).toBe(0);
    expect(histogram.percentile(99.5)).toBe(5);
    expect(histogram.min).toBe(0);
  });
});

describe("Histogram exact figures", () => {
  test.prop([latencies])("count, sum, mean, min and max are exact", (values) => {
    const histogram = histogramOf(values);
    const sum = values.reduce((a, b) => a + b, 0);
    expect(histogram.count).toBe(values.length);
    expect(histogram.sum).toBe(sum);
    expect(histogram.mean).toBe(sum / values.length);
    expect(histogram.min).toBe(Math.min(...values));
    expect(histogram.max).toBe(Math.max(...values));
  });

  test.prop([fc.array(fc.tuple(spreadValue, fc.integer({ min: 0, max: 50 })), { maxLength: 50 })])(
    "recordN(v, n) equals n calls of record(v)",
    (pairs) => {
      const byN = new Histogram();
      const byOne = new Histogram();
      for (const [v, n] of pairs) {
        byN.recordN(v, n);
        for (let i = 0; i < n; i++) byOne.record(v);
      }
      const { mean, ...exact } = byN.summary();
      const { mean: meanByOne, ...exactByOne } = byOne.summary();
      expect(exact).toEqual(exactByOne);
      // The sums differ only by rounding: v × n against n additions of v.
      expect(Math.abs(mean - meanByOne)).toBeLessThanOrEqual(1e-12 * meanByOne);
    },
  );

  it("clamps values outside the range into the end buckets but keeps min and max exact", () => {
    const histogram = new Histogram({ lowestDiscernibleValue: 1, highestTrackableValue: 1000 });
    histogram.record(1e-3);
    histogram.record(10);
    histogram.record(1e6);
    expect(histogram.count).toBe(3);
    expect(histogram.min).toBe(1e-3);
    expect(histogram.max).toBe(1e6);
    expect(histogram.sum).toBe(1e-3 + 10 + 1e6);
    expect(histogram.percentile(50)).toBeCloseTo(10, 1);
    // The rank is right; the value of a clamped value is its end bucket's.
    expect(histogram.percentile(33)).toBeLessThan(1.01);
    expect(histogram.percentile(99)).toBeGreaterThan(990);
  });
});

describe("Histogram merge", () => {
  test.prop([latencies, latencies])("merging equals recording both", (a, b) => {
    // Arrange
    const merged = histogramOf(a);
    const other = histogramOf(b);
    const both = histogramOf([...a, ...b]);
    // Act
    merged.merge(other);
    // Assert
    expect(merged.count).toBe(both.count);
    expect(merged.min).toBe(both.min);
    expect(merged.max).toBe(both.max);
    expect(Math.abs(merged.sum - both.sum)).toBeLessThanOrEqual(1e-12 * both.sum);
    for (const q of percentiles) expect(merged.percentile(q)).toBe(both.percentile(q));
    expect(other.count).toBe(b.length);
  });

  it("merges a histogram with another range by clamping its buckets", () => {
    const narrow = new Histogram({ lowestDiscernibleValue: 1, highestTrackableValue: 100 });
    const wide = histogramOf([1e-3, 50, 1e5]);
    narrow.merge(wide);
    expect(narrow.count).toBe(3);
    expect(narrow.min).toBe(1e-3);
    expect(narrow.max).toBe(1e5);
    expect(narrow.percentile(50)).toBeCloseTo(50, 0);
  });

  it("merges with itself by doubling every count", () => {
    const histogram = histogramOf([1, 2, 3]);
    histogram.merge(histogram);
    expect(histogram.count).toBe(6);
    expect(histogram.sum).toBe(12);
    expect(histogram.percentile(50)).toBeCloseTo(2, 1);
  });
});

describe("Histogram empty and reset", () => {
  const zeros = { count: 0, mean: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };

  it("summarises an empty histogram as zeros, never NaN", () => {
    const histogram = new Histogram();
    expect(histogram.summary()).toEqual(zeros);
    expect([histogram.min, histogram.max, histogram.mean, histogram.percentile(50)]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  test.prop([latencies])("reset forgets every value and the histogram can be reused", (values) => {
    const histogram = histogramOf(values);
    histogram.reset();
    expect(histogram.summary()).toEqual(zeros);
    histogram.record(7);
    expect(histogram.summary()).toEqual({
      ...zeros,
      count: 1,
      mean: 7,
      p50: 7,
      p90: 7,
      p95: 7,
      p99: 7,
      p999: 7,
      max: 7,
    });
  });
});

describe("Histogram errors name the bad value", () => {
  it.each([
    [-1, /-1/],
    [Number.NaN, /NaN/],
    [Number.POSITIVE_INFINITY, /Infinity/],
  ])("record(%s) throws a RangeError", (value, message) => {
    const histogram = new Histogram();
    expect(() => histogram.record(value)).toThrow(RangeError);
    expect(() => histogram.record(value)).toThrow(message);
    expect(() => histogram.recordN(value, 1)).toThrow(message);
    expect(histogram.count).toBe(0);
  });

  it("rejects a count that is not a non-negative integer", () => {
    const histogram = new Histogram();
    expect(() => histogram.recordN(1, -1)).toThrow(/-1/);
    expect(() => histogram.recordN(1, 1.5)).toThrow(/1\.5/);
  });

  it("rejects a percentile outside [0, 100]", () => {
    const histogram = histogramOf([1]);
    expect(() => histogram.percentile(100.1)).toThrow(/100\.1/);
    expect(() => histogram.percentile(-1)).toThrow(RangeError);
    expect(() => histogram.percentile(Number.NaN)).toThrow(/NaN/);
  });

  it("rejects an empty or inverted range", () => {
    expect(() => new Histogram({ lowestDiscernibleValue: 0 })).toThrow(/got 0/);
    expect(() => new Histogram({ lowestDiscernibleValue: 10, highestTrackableValue: 5 })).toThrow(
      /got 5/,
    );
    expect(() => new Histogram({ highestTrackableValue: Number.POSITIVE_INFINITY })).toThrow(
      RangeError,
    );
  });
});
