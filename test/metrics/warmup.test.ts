import { describe, expect, it } from "vitest";
import { Counter } from "../../src/metrics/counter.js";
import { Histogram } from "../../src/metrics/histogram.js";
import { WindowedRate } from "../../src/metrics/throughput.js";
import { TimeWeighted } from "../../src/metrics/time-weighted.js";
import { isAfterWarmup, WarmupGate } from "../../src/metrics/warmup.js";

describe("WarmupGate", () => {
  it("counts completions at or after the warm-up instant", () => {
    const gate = new WarmupGate(1000);
    expect([gate.includes(999.9), gate.includes(1000), gate.includes(1001)]).toEqual([
      false,
      true,
      true,
    ]);
    expect(isAfterWarmup(999, 1000)).toBe(false);
    expect(isAfterWarmup(1000, 1000)).toBe(true);
  });

  it("resets every tracked statistic at the cut, keeping time-weighted values", () => {
    // Arrange
    const gate = new WarmupGate(1000);
    const latency = gate.track(new Histogram());
    const completed = gate.track(new Counter());
    const queue = gate.track(new TimeWeighted(0, 0));
    const rate = gate.track(new WindowedRate(0));
    latency.record(50);
    completed.add();
    queue.set(500, 8);
    rate.record(600);
    // Act
    gate.cut(1000);
    queue.set(1500, 0);
    // Assert
    expect(gate.isCut).toBe(true);
    expect(latency.count).toBe(0);
    expect(completed.value).toBe(0);
    expect(queue.mean(2000)).toBe(4);
    expect(rate.total).toBe(0);
    expect(rate.startMs).toBe(1000);
  });

  it("refuses a cut before the warm-up instant or a second cut", () => {
    const gate = new WarmupGate(1000);
    expect(() => gate.cut(999)).toThrow(/999 ms.*1000 ms/);
    gate.cut(1000);
    expect(() => gate.cut(1200)).toThrow(/1200 ms.*1000 ms/);
  });

  it("cuts early for a run that ended inside its warm-up: everything restarts there, once", () => {
    // Arrange
    const gate = new WarmupGate(1000);
    const latency = gate.track(new Histogram());
    const queue = gate.track(new TimeWeighted(0, 0));
    latency.record(50);
    queue.set(100, 4);
    // Act: the run stopped at 400 ms, before the warm-up instant
    gate.cutEarly(400);
    // Assert: nothing of the warm-up is left; the queue carries its value from 400 ms
    expect(latency.count).toBe(0);
    expect(queue.mean(600)).toBe(4);
    expect(gate.isCut).toBe(true);
    expect(() => gate.cutEarly(500)).toThrow(/already ran at 400 ms/);
    expect(() => gate.cut(1000)).toThrow(/already ran/);
  });

  it("rejects a negative warm-up", () => {
    expect(() => new WarmupGate(-5)).toThrow(/-5/);
  });
});
