// The HTML report of `dbsim sweep`: per metric, its mean against the first
// swept parameter that takes several numbers, one line per combination of the
// other parameters, with the 95 % confidence interval as a band; the points'
// figures as a table; the comparisons with the baseline; the base topology.
import type { TopologyGraph } from "../../scenario/index.js";
import type { ExperimentResult } from "../result.js";
import { htmlPage, htmlTable, type PageSection } from "./page.js";
import { type ChartSeries, formatNumber, lineChart } from "./svg.js";
import { topologySvg } from "./topology-svg.js";

type ResultPoint = ExperimentResult["points"][number];

function label(value: unknown): string {
  return typeof value === "string" ? value : (JSON.stringify(value) ?? "null");
}

/** The first parameter with at least two distinct values, all numbers, or null. */
function xParameter(result: ExperimentResult): string | null {
  const paths = Object.keys(result.points[0]?.parameters ?? {});
  for (const path of paths) {
    const values = result.points.map((p) => p.parameters[path]);
    if (values.every((v) => typeof v === "number") && new Set(values).size > 1) return path;
  }
  return null;
}

/** The points grouped by the values of every parameter but x, in point order. */
function groups(result: ExperimentResult, x: string | null): Map<string, ResultPoint[]> {
  const out = new Map<string, ResultPoint[]>();
  for (const point of result.points) {
    const rest = Object.entries(point.parameters)
      .filter(([path]) => path !== x)
      .map(([path, v]) => `${path} = ${label(v)}`)
      .join(", ");
    const list = out.get(rest) ?? [];
    list.push(point);
    out.set(rest, list);
  }
  return out;
}

function metricChart(result: ExperimentResult, metric: string, x: string | null): string {
  const xOf = (p: ResultPoint): number => (x === null ? p.index : (p.parameters[x] as number));
  const series: ChartSeries[] = [];
  for (const [name, points] of groups(result, x)) {
    const sorted = [...points].sort((a, b) => xOf(a) - xOf(b));
    const withMean = sorted.filter(
      (p) => p.summary[metric] !== undefined && p.summary[metric].n > 0,
    );
    series.push({
      name: name === "" ? metric : name,
      points: withMean.map((p) => [xOf(p), p.summary[metric]?.mean ?? 0] as const),
      band: withMean.flatMap((p) => {
        const ci = p.summary[metric]?.ci95;
        return ci ? [[xOf(p), ci.low, ci.high] as const] : [];
      }),
    });
  }
  return lineChart({
    title: `${metric}: mean of ${result.replications} replications, 95 % CI band`,
    xLabel: x ?? "point",
    yLabel: metric,
    series,
  });
}

function pointsTable(result: ExperimentResult): string {
  const paths = Object.keys(result.points[0]?.parameters ?? {});
  const cell = (p: ResultPoint, metric: string): string => {
    const s = p.summary[metric];
    if (s === undefined || s.n === 0) return "";
    return s.ci95
      ? `${formatNumber(s.mean)} ± ${formatNumber(s.ci95.halfWidth)}`
      : formatNumber(s.mean);
  };
  return htmlTable(
    ["point", ...paths, "runs", ...result.metrics],
    result.points.map((p) => [
      String(p.index),
      ...paths.map((path) => label(p.parameters[path])),
      String(p.runs.length),
      ...result.metrics.map((m) => cell(p, m)),
    ]),
  );
}

function comparisonsTable(result: ExperimentResult): string {
  const interval = (ci: { low: number; high: number } | null): string =>
    ci === null ? "" : `[${formatNumber(ci.low)}, ${formatNumber(ci.high)}]`;
  return htmlTable(
    ["point", "metric", "difference", "paired 95 % CI", "unpaired 95 % CI"],
    result.comparisons.map((c) => [
      `${c.point} − ${c.baseline}`,
      c.metric,
      formatNumber(c.difference),
      interval(c.paired),
      interval(c.unpaired),
    ]),
  );
}

/**
 * Options of {@link experimentReportHtml}.
 *
 * @remarks Since 0.2.0
 */
export interface ExperimentHtmlOptions {
  /** The base scenario's topology, drawn at the end. */
  readonly graph?: TopologyGraph;
}

/**
 * The self-contained HTML report of an experiment: sweep curves with CI bands,
 * the points' figures, comparisons, and the base topology.
 *
 * @remarks Since 0.2.0
 */
export function experimentReportHtml(
  result: ExperimentResult,
  options: ExperimentHtmlOptions = {},
): string {
  const x = xParameter(result);
  const sections: PageSection[] = [
    {
      heading: "Sweep curves",
      html: result.metrics.map((m) => metricChart(result, m, x)).join(""),
    },
    { heading: "Points", html: pointsTable(result) },
  ];
  if (result.comparisons.length > 0) {
    const crn = result.commonRandomNumbers
      ? "Runs share their seeds across points (common random numbers): the paired interval is the one to read."
      : "Points ran on their own seeds: the paired interval assumes pairs that do not exist; read the unpaired one.";
    sections.push({
      heading: `Comparisons with point ${result.comparisons[0]?.baseline ?? 0}`,
      html: `<p class="note">${crn}</p>${comparisonsTable(result)}`,
    });
  }
  if (options.graph !== undefined) {
    sections.push({
      heading: "Topology (point 0)",
      html: `<div class="topology-box">${topologySvg(options.graph)}</div>`,
    });
  }
  const subtitle = `dbsim ${result.dbsimVersion} · experiment ${result.experimentHash} · master seed ${result.seed} · ${result.points.length} points × ${result.replications} replications`;
  return htmlPage(`dbsim sweep: ${result.name}`, subtitle, sections);
}
