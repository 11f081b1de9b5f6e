import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { TimeWeighted } from "../../src/metrics/time-weighted.js";

/**
 * A step signal: a start, its initial value, then (gap, new value) changes. Times
 * are multiples of 1/8 ms so that sums of times are exact in binary and the test
 * checks the statistic, not floating-point cancellation.
 */
const eighths = (max: number) => fc.integer({ min: 0, max: max * 8 }).map((n) => n / 8);
const stepSignal = fc.record({
  startMs: fc.integer({ min: -1e4, max: 1e4 }),
  initial: fc.integer({ min: -50, max: 50 }),
  steps: fc.array(
    fc.record({
      gapMs: fc.oneof(fc.constant(0), eighths(1e3)),
      value: fc.integer({ min: -50, max: 50 }),
    }),
    { maxLength: 60 },
  ),
  tailMs: eighths(1e3),
});

describe("TimeWeighted mean", () => {
  test.prop([stepSignal])(
    "equals the hand-computed integral of the step signal over the elapsed time",
    ({ startMs, initial, steps, tailMs }) => {
      // Arrange: the integral as a sum of rectangles value × duration
      const stat = new TimeWeighted(startMs, initial);
      let now = startMs;
      let value = initial;
      let integral = 0;
      let max = initial;
      // Act
      for (const step of steps) {
        integral += value * step.gapMs;
        now += step.gapMs;
        value = step.value;
        max = Math.max(max, value);
        stat.set(now, value);
      }
      const end = now + tailMs;
      integral += value * tailMs;
      // Assert
      const elapsed = end - startMs;
      const expected = elapsed === 0 ? value : integral / elapsed;
      expect(Math.abs(stat.mean(end) - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
      expect(stat.value).toBe(value);
      expect(stat.max).toBe(max);
    },
  );

  test.prop([stepSignal])("add(now, delta) matches set(now, value + delta)", ({ steps }) => {
    const bySet = new TimeWeighted();
    const byAdd = new TimeWeighted();
    let now = 0;
    for (const step of steps) {
      now += step.gapMs;
      bySet.set(now, step.value);
      byAdd.add(now, step.value - byAdd.value);
    }
    expect(byAdd.mean(now + 1)).toBeCloseTo(bySet.mean(now + 1), 9);
  });

  it("averages a queue of length 2 for 3 ms and 0 for 1 ms to 1.5", () => {
    const queue = new TimeWeighted(0, 2);
    queue.set(3, 0);
    expect(queue.mean(4)).toBe(1.5);
    expect(queue.max).toBe(2);
  });

  it("gives the current value when no time has elapsed", () => {
    const stat = new TimeWeighted(5, 3);
    expect(stat.mean(5)).toBe(3);
  });
});

describe("TimeWeighted reset (the warm-up cut)", () => {
  it("starts a fresh window at now, keeping the current value", () => {
    // Arrange: 10 busy servers during warm-up, then 4 from t = 100
    const busy = new TimeWeighted(0, 10);
    busy.set(100, 4);
    // Act
    busy.reset(100);
    busy.set(150, 2);
    // Assert: (4 × 50 + 2 × 50) / 100
    expect(busy.mean(200)).toBe(3);
    expect(busy.max).toBe(4);
    expect(busy.value).toBe(2);
    expect(busy.startMs).toBe(100);
  });
});

describe("TimeWeighted errors", () => {
  it("names both times when the clock goes backwards", () => {
    const stat = new TimeWeighted();
    stat.set(10, 1);
    expect(() => stat.set(9, 2)).toThrow(RangeError);
    expect(() => stat.set(9, 2)).toThrow(/9 ms.*10 ms/);
    expect(() => stat.mean(5)).toThrow(/5 ms.*10 ms/);
    expect(() => stat.reset(5)).toThrow(/5 ms.*10 ms/);
  });

  it("rejects values and times that are not finite", () => {
    const stat = new TimeWeighted();
    expect(() => stat.set(1, Number.NaN)).toThrow(/NaN/);
    expect(() => stat.set(Number.NaN, 1)).toThrow(/NaN/);
    expect(() => stat.add(1, Number.POSITIVE_INFINITY)).toThrow(/Infinity/);
    expect(() => new TimeWeighted(Number.NaN)).toThrow(RangeError);
    expect(stat.value).toBe(0);
  });
});
