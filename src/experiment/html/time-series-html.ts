// Charts of what a report carries over time: the verdict's work in flight and
// each replica's unapplied log, per window of the measured period (x is the
// window's middle, in seconds from the start of the run).
import type { Report, TimeSeriesReport } from "../../scenario/index.js";
import { type ChartSeries, lineChart } from "./svg.js";

/**
 * A plan's name and report, for the charts over time.
 *
 * @remarks Since 0.2.0
 */
export interface NamedReport {
  readonly name: string;
  readonly report: Report;
}

type Window = TimeSeriesReport["windows"][number];

/** Each value at its window's middle; the verdict's last window may be short when it reads the time series'. */
function windowed(report: Report, values: readonly number[]): Array<[number, number]> {
  const { windowMs } = report.verdict;
  const endMs = report.warmupMs + report.durationMs;
  return values.map((v, i) => {
    const startMs = report.warmupMs + i * windowMs;
    return [(startMs + Math.min(startMs + windowMs, endMs)) / 2000, v];
  });
}

/**
 * The charts over time of some plans' reports, one series per plan (and per
 * replica for the replication backlog).
 *
 * @remarks Since 0.2.0
 */
export function timeSeriesCharts(plans: readonly NamedReport[]): string {
  const inFlight: ChartSeries[] = plans.map((p) => ({
    name: p.name,
    points: windowed(p.report, p.report.verdict.inFlightByWindow),
  }));
  const backlog: ChartSeries[] = plans.flatMap((p) =>
    p.report.verdict.replicas.map((r) => ({
      name: plans.length > 1 ? `${p.name}: ${r.name}` : r.name,
      points: windowed(p.report, r.backlogByWindow),
    })),
  );
  const charts = [
    lineChart({
      title: "Work in flight (time-average per window)",
      xLabel: "time (s)",
      yLabel: "operations in flight",
      series: inFlight,
    }),
  ];
  if (backlog.length > 0) {
    charts.push(
      lineChart({
        title: "Replication backlog (mean per window)",
        xLabel: "time (s)",
        yLabel: "log records not yet applied",
        series: backlog,
      }),
    );
  }
  charts.push(...windowCharts(plans));
  return charts.join("");
}

/** The charts of the report's own time series (present when the run asked for one). */
function windowCharts(plans: readonly NamedReport[]): string[] {
  const withSeries = plans.filter((p) => p.report.timeSeries !== undefined);
  if (withSeries.length === 0) return [];
  const lines = (pick: (w: Window) => Readonly<Record<string, number>>): ChartSeries[] =>
    withSeries.flatMap((p) => {
      const windows = p.report.timeSeries?.windows ?? [];
      const names = [...new Set(windows.flatMap((w) => Object.keys(pick(w))))];
      return names.map((name) => ({
        name: withSeries.length > 1 ? `${p.name}: ${name}` : name,
        points: windows.map((w) => [(w.startMs + w.endMs) / 2000, pick(w)[name] ?? 0] as const),
      }));
    });
  const chart = (
    title: string,
    yLabel: string,
    pick: (w: Window) => Readonly<Record<string, number>>,
  ): string[] => {
    const series = lines(pick);
    return series.length === 0 ? [] : [lineChart({ title, xLabel: "time (s)", yLabel, series })];
  };
  return [
    ...chart("Throughput per window", "operations per second", (w) => ({
      offered: w.offeredPerSec,
      completed: w.completedPerSec,
    })),
    ...chart("Latency per window", "ms", (w) => ({ p50: w.latency.p50, p99: w.latency.p99 })),
    ...chart("Errors per window", "operations", (w) => ({ errors: w.errors })),
    ...chart("CPU per node (busy share of cores)", "share", (w) =>
      Object.fromEntries(Object.entries(w.probes).filter(([k]) => k.startsWith("cpu."))),
    ),
    ...chart("Requests waiting for a connection", "requests", (w) =>
      Object.fromEntries(Object.entries(w.probes).filter(([k]) => k.startsWith("waiting."))),
    ),
    ...chart("Replica lag per window (mean of samples)", "ms", (w) =>
      Object.fromEntries(Object.entries(w.replicaLagMs).map(([k, v]) => [k, v.mean])),
    ),
    ...chart("Projection lag at each window's end (CQRS)", "ms", (w) =>
      Object.fromEntries(Object.entries(w.probes).filter(([k]) => k.startsWith("lag."))),
    ),
  ];
}
