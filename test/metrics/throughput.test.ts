import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { WindowedRate } from "../../src/metrics/throughput.js";

describe("WindowedRate windows", () => {
  it("counts events per 1 s window and gives the rate per second", () => {
    // Arrange
    const rate = new WindowedRate(0);
    // Act: 3 events in [0, 1000), 1 in [1000, 2000), 2 in the partial window [2000, 2500)
    for (const t of [0, 10, 999.9, 1000, 2000, 2400]) rate.record(t);
    // Assert
    expect(rate.series(2500)).toEqual([
      { startMs: 0, endMs: 1000, count: 3, perSec: 3 },
      { startMs: 1000, endMs: 2000, count: 1, perSec: 1 },
      { startMs: 2000, endMs: 2500, count: 2, perSec: 4 },
    ]);
    expect(rate.total).toBe(6);
    expect(rate.rate(2500)).toBe(2.4);
  });

  it("starts at a given time and lists empty windows up to now", () => {
    const rate = new WindowedRate(500, { windowMs: 100 });
    rate.record(520, 5);
    expect(rate.series(800).map((w) => w.count)).toEqual([5, 0, 0]);
    expect(new WindowedRate(500).rate(500)).toBe(0);
  });

  it("resets to start afresh at now", () => {
    const rate = new WindowedRate(0, { windowMs: 10 });
    rate.record(5);
    rate.reset(100);
    rate.record(105);
    expect(rate.total).toBe(1);
    expect(rate.startMs).toBe(100);
    expect(rate.series(110)).toEqual([{ startMs: 100, endMs: 110, count: 1, perSec: 100 }]);
  });
});

describe("WindowedRate cap", () => {
  it("merges adjacent windows and doubles the width past maxWindows", () => {
    // Arrange: at most 4 windows of 1 s
    const rate = new WindowedRate(0, { windowMs: 1000, maxWindows: 4 });
    for (const t of [0, 1500, 2500, 3500]) rate.record(t);
    expect(rate.windowMs).toBe(1000);
    // Act: an event in a fifth window
    rate.record(4500);
    // Assert: windows of 2 s, pairs merged
    expect(rate.windowMs).toBe(2000);
    expect(rate.series(6000).map((w) => [w.startMs, w.count])).toEqual([
      [0, 2],
      [2000, 2],
      [4000, 1],
    ]);
  });

  test.prop([
    fc.array(fc.double({ min: 0, max: 1e7, noNaN: true }), { maxLength: 200 }),
    fc.integer({ min: 2, max: 16 }),
    fc.double({ min: 0, max: 1e9, noNaN: true }),
  ])("keeps at most maxWindows windows and loses no event", (times, maxWindows, extraMs) => {
    const rate = new WindowedRate(0, { windowMs: 10, maxWindows });
    for (const t of times) rate.record(t);
    const end = Math.max(0, ...times) + extraMs;
    const series = rate.series(end);
    expect(series.length).toBeLessThanOrEqual(maxWindows);
    expect(series.reduce((sum, w) => sum + w.count, 0)).toBe(times.length);
    for (const w of series) expect(Number.isFinite(w.perSec)).toBe(true);
  });
});

describe("WindowedRate edge cases", () => {
  it("rates a window cut to a sliver by `now` over its full width, never Infinity", () => {
    // Found by the property above: one event at 0, series ending 5e-324 ms later.
    const rate = new WindowedRate(0, { windowMs: 10, maxWindows: 2 });
    rate.record(0);
    const series = rate.series(5e-324);
    expect(series).toHaveLength(1);
    expect(series[0]?.perSec).toBe(100);
  });
});

describe("WindowedRate errors", () => {
  it("rejects an event before the start, naming both times", () => {
    const rate = new WindowedRate(100);
    expect(() => rate.record(50)).toThrow(/50 ms.*100 ms/);
    expect(() => rate.record(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => rate.record(200, -1)).toThrow(/-1/);
  });

  it("rejects an end before the latest event", () => {
    const rate = new WindowedRate(0);
    rate.record(300);
    expect(() => rate.series(200)).toThrow(/200 ms.*300 ms/);
    expect(() => rate.rate(200)).toThrow(RangeError);
  });

  it("rejects bad options, naming them", () => {
    expect(() => new WindowedRate(0, { windowMs: 0 })).toThrow(/windowMs.*0/);
    expect(() => new WindowedRate(0, { maxWindows: 1 })).toThrow(/maxWindows.*1/);
    expect(() => new WindowedRate(Number.NaN)).toThrow(/NaN/);
  });
});
