// The report's time series: off by default; when asked for, fixed windows that
// tile the measured period, whose counts add up to the report's and whose
// time averages, weighted by their spans, give the report's averages (the
// integral over the period is the sum of the integrals over its windows);
// every other figure unchanged, as the windows only read.
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  ReportSchema,
  runScenario,
  type ScenarioInput,
} from "../../src/index.js";

const SHORT = (name: string): ScenarioInput => ({
  ...(BUILTIN_SCENARIOS[name] as ScenarioInput),
  duration: "3s",
  warmup: "500ms",
});

describe("time series in the report", () => {
  it("off by default: no timeSeries field", () => {
    expect(runScenario(SHORT("read-heavy"))).not.toHaveProperty("timeSeries");
  });

  const windowMs = 400;
  const plain = runScenario(SHORT("read-heavy"));
  const withSeries = runScenario(SHORT("read-heavy"), { timeSeries: { windowMs } });
  const windows = withSeries.timeSeries?.windows ?? [];

  it("reading the windows changes no figure but the event count", () => {
    const { timeSeries: _series, events: _a, ...rest } = withSeries;
    const { events: _b, ...restPlain } = plain;
    expect(rest).toEqual(restPlain);
    expect(() => ReportSchema.parse(withSeries)).not.toThrow();
  });

  it("windows tile the measured period: from the warm-up cut to the end, each windowMs but the last", () => {
    expect(windows[0]?.startMs).toBe(500);
    expect(windows.at(-1)?.endMs).toBe(3500);
    windows.forEach((w, i) => {
      if (i > 0) expect(w.startMs).toBe(windows[i - 1]?.endMs);
      if (i < windows.length - 1) expect(w.endMs - w.startMs).toBe(windowMs);
    });
    expect(windows).toHaveLength(Math.ceil(3000 / windowMs));
  });

  it("completed and errors add up to the report's; CPU weighted by span gives the node's utilization", () => {
    const span = (w: (typeof windows)[number]): number => (w.endMs - w.startMs) / 1000;
    const completed = windows.reduce((s, w) => s + w.completedPerSec * span(w), 0);
    expect(completed).toBeCloseTo(withSeries.latency.all.count, 0);
    expect(windows.reduce((s, w) => s + w.errors, 0)).toBe(withSeries.errors.total);
    for (const node of withSeries.nodes) {
      const busy =
        windows.reduce((s, w) => s + (w.probes[`cpu.${node.name}`] ?? Number.NaN) * span(w), 0) / 3;
      expect(busy).toBeCloseTo(node.utilization, 4);
    }
    for (const r of withSeries.replication?.replicas ?? []) {
      const max = Math.max(...windows.map((w) => w.replicaLagMs[r.name]?.max ?? Number.NaN));
      expect(max).toBeLessThanOrEqual(r.oldestUnappliedAgeMs.max);
    }
  });

  it("pgbouncer's waiting, time-averaged per window, weighted by span gives cl_waiting's mean", () => {
    const run = runScenario(SHORT("pool-size"), { timeSeries: { windowMs: 1000 } });
    const series = run.timeSeries?.windows ?? [];
    const pool = run.pool?.pools[0];
    const name = `waiting.${pool?.name}`;
    const mean =
      series.reduce((s, w) => s + (w.probes[name] ?? Number.NaN) * (w.endMs - w.startMs), 0) / 3000;
    expect(mean).toBeCloseTo(pool?.clientsWaitingMean ?? Number.NaN, 2);
  });

  it("a window that cuts the period into more than 10 000 pieces is refused, naming it", () => {
    expect(() => runScenario(SHORT("read-heavy"), { timeSeries: { windowMs: 0.1 } })).toThrow(
      /timeSeries\.windowMs: 0\.1 ms cuts the 3000 ms measured into more than 10000 windows; expected at least 0\.3 ms/,
    );
  });
});
