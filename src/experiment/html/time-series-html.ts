// Charts of what a report carries over time: the verdict's work in flight and
// each replica's unapplied log, per window of the measured period (x is the
// window's middle, in seconds from the start of the run).
import type { Report } from "../../scenario/index.js";
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

function windowed(report: Report, values: readonly number[]): Array<[number, number]> {
  const { windowMs } = report.verdict;
  return values.map((v, i) => [(report.warmupMs + (i + 0.5) * windowMs) / 1000, v]);
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
  return charts.join("");
}
