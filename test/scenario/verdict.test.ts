// The report's verdict, rule by rule (docs/report.md): each reason fires on a
// scenario built to trigger it and stays silent on one built not to.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { builtinScenario, ReportSchema, runScenario, type ScenarioInput } from "../../src/index.js";
import { fittedGrowth, VERDICT_WINDOWS } from "../../src/scenario/verdict-rules.js";

const base: ScenarioInput = {
  seed: 3,
  duration: "4s",
  warmup: "1s",
  workload: { rate: 400, readRatio: 0.8, keys: { count: 1000 } },
  // The rules are checked against a stated cost: pure processor sharing with the
  // latency table's 1–5 ms simple indexed query as each statement's work.
  database: {
    cores: 4,
    mechanisms: "none",
    readTime: "simpleIndexedQuery",
    writeTime: "simpleIndexedQuery",
  },
};

describe("fittedGrowth (least squares through the window means)", () => {
  test.prop([
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    fc.integer({ min: 10, max: 40 }),
  ])("a straight line a + b·k over n windows grows by exactly b·n", (a, b, n) => {
    const y = Array.from({ length: n }, (_, k) => a + b * k);
    expect(fittedGrowth(y)).toBeCloseTo(b * n, 6);
  });

  it("is 0 for fewer than 10 windows: too few to tell a trend from a burst", () => {
    expect(fittedGrowth([0, 1, 2, 3, 4, 5, 6, 7, 8])).toBe(0);
  });

  it("one spike at the end moves it far less than a steady climb to the same value", () => {
    const spike = [...new Array<number>(19).fill(0), 100];
    const climb = Array.from({ length: 20 }, (_, k) => (100 * k) / 19);
    // A spike h in the last of n windows: slope 6h/(n(n+1)), growth 6h/(n+1) = 28.6 against 105.
    expect(fittedGrowth(spike)).toBeCloseTo((6 / 21) * 100, 9);
    expect(fittedGrowth(spike)).toBeLessThan(fittedGrowth(climb) / 3);
  });
});

describe("verdict of a run", () => {
  it("a lightly loaded plan is ok: no reasons, 20 windows, offered ≈ completed", () => {
    const report = runScenario(base);
    const v = report.verdict;
    expect(v.status).toBe("ok");
    expect(v.reasons).toEqual([]);
    expect(v.inFlightByWindow).toHaveLength(VERDICT_WINDOWS);
    expect(v.windowMs).toBe(200);
    expect(v.offeredPerSec).toBe(report.throughput.offeredPerSec);
    expect(v.completedPerSec).toBe(report.throughput.completedPerSec);
    expect(() => ReportSchema.parse(report)).not.toThrow();
  });

  it("in flight = issued − completed − failed: the window's offered minus finished is the change in flight", () => {
    for (const seed of [1, 2, 3]) {
      const report = runScenario({ ...base, seed, workload: { ...base.workload, rate: 1500 } });
      const v = report.verdict;
      const offered = Math.round((v.offeredPerSec * report.durationMs) / 1000);
      const finished = report.latency.all.count + report.errors.total;
      expect(offered - finished).toBe(v.inFlightAtEnd - v.inFlightAtStart);
    }
  });

  it("offered above capacity: overloaded, backlog-growing, with the growth and the work left at the end", () => {
    // 4 cores of 1–5 ms work (mean 3 ms) finish at most ~1 333/s.
    const report = runScenario({ ...base, workload: { ...base.workload, rate: 1700 } });
    const v = report.verdict;
    expect(v.status).toBe("overloaded");
    const growing = v.reasons.find((r) => r.code === "backlog-growing");
    expect(growing?.figures.inFlightAtEnd).toBe(v.inFlightAtEnd);
    // (1 700 − 1 333)/s over 4 s: more than a thousand requests pile up.
    expect(v.inFlightGrowth).toBeGreaterThan(1000);
    expect(v.inFlightAtEnd).toBeGreaterThan(1000);
    expect(growing?.message).toContain("does not keep up");
    expect(v.reasons.map((r) => r.code)).toContain("node-saturated");
  });

  it("a closed loop with no think time is saturated, not overloaded: its work in flight cannot grow", () => {
    const report = runScenario({
      ...base,
      workload: { clients: 16, thinkTime: 0, readRatio: 0.8, keys: { count: 1000 } },
    });
    const v = report.verdict;
    expect(v.status).toBe("saturated");
    expect(v.reasons.map((r) => `${r.code} ${r.subject}`)).toEqual(["node-saturated primary"]);
    expect(v.reasons[0]?.figures.utilization).toBeGreaterThanOrEqual(0.9);
  });

  it("requests turned away: failing, with the kinds that failed", () => {
    const report = runScenario({
      ...base,
      workload: { ...base.workload, rate: 1200 },
      database: { cores: 4, maxConnections: 5 },
      client: { connections: "per-request" },
    });
    const v = report.verdict;
    const failed = v.reasons.find((r) => r.code === "requests-failed");
    expect(report.errors.byKind.too_many_clients).toBeGreaterThan(0);
    expect(failed?.figures.too_many_clients).toBe(report.errors.byKind.too_many_clients);
    expect(failed?.message).toContain("too_many_clients");
    expect(["failing", "overloaded"]).toContain(v.status);
    expect(v.failedPerSec).toBeGreaterThan(0);
  });

  it("a replica whose single applier is slower than the writes: overloaded, replica-falling-behind", () => {
    // 300 writes/s against one applier at 5 ms each (200/s): the backlog grows by ~100/s.
    const report = runScenario({
      ...base,
      workload: { rate: 300, readRatio: 0, keys: { count: 1000 } },
      replication: { replicas: [{ applyTime: 5 }, {}], applyWorkers: 1 },
    });
    const v = report.verdict;
    expect(v.status).toBe("overloaded");
    const behind = v.reasons.filter((r) => r.code === "replica-falling-behind");
    expect(behind.map((r) => r.subject)).toEqual(["replica-1"]);
    expect(v.replicas.map((r) => r.name)).toEqual(["replica-1", "replica-2"]);
    expect(v.replicas[0]?.backlogByWindow).toHaveLength(VERDICT_WINDOWS);
    expect(v.replicas[0]?.backlogGrowth).toBeGreaterThan(250);
    expect(v.replicas[1]?.backlogGrowth).toBeLessThan(10);
  });

  it("a run stopped by its event limit is cut short, whatever else it shows", () => {
    const report = runScenario(base, { maxEvents: 5000 });
    expect(report.stoppedBy).toBe("eventLimit");
    expect(report.verdict.status).toBe("cut-short");
    expect(report.verdict.reasons[0]?.code).toBe("cut-short");
    expect(() => ReportSchema.parse(report)).not.toThrow();
  });

  it("the built-in write-heavy is not overloaded; at 32 client connections it would be", () => {
    const scenario = builtinScenario("write-heavy") as ScenarioInput;
    const short = { ...scenario, duration: "20s" };
    expect(runScenario(short).verdict.status).not.toBe("overloaded");
    const crowded = { ...short, client: { ...short.client, poolSize: 8 } };
    expect(runScenario(crowded).verdict.status).toBe("overloaded");
  });
});
