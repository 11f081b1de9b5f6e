// The HTML report of `dbsim run`: each plan's key figures side by side, the
// latency CDFs of every plan on one chart per kind of operation (from the
// histograms the report's percentiles are read from), the series the report
// carries over time, and each plan's topology as SVG.
import type { Report, TopologyGraph } from "../../scenario/index.js";
import { histogramCdf, type PortableHistogram } from "../histogram.js";
import { faultSections } from "./faults-html.js";
import { htmlPage, htmlTable, type PageSection } from "./page.js";
import { type ChartSeries, escapeXml, formatNumber, lineChart } from "./svg.js";
import { timeSeriesCharts } from "./time-series-html.js";
import { topologySvg } from "./topology-svg.js";

/**
 * One plan of a run, as the HTML report needs it.
 *
 * @remarks Since 0.2.0
 */
export interface HtmlRunPlan {
  readonly name: string;
  readonly description?: string;
  readonly report: Report;
  /** The topology that ran. */
  readonly graph: TopologyGraph;
  /** The latency histograms of reads and writes (see `histogramToPortable`). */
  readonly latency: {
    readonly read: PortableHistogram;
    readonly write: PortableHistogram;
  };
}

function figuresTable(plans: readonly HtmlRunPlan[]): string {
  const row = (label: string, value: (r: Report) => string): string[] => [
    label,
    ...plans.map((p) => value(p.report)),
  ];
  const ms = (v: number): string => `${formatNumber(v)} ms`;
  return htmlTable(
    ["", ...plans.map((p) => p.name)],
    [
      row("verdict", (r) => r.verdict.status),
      row("offered (ops/s)", (r) => formatNumber(r.throughput.offeredPerSec)),
      row("completed (ops/s)", (r) => formatNumber(r.throughput.completedPerSec)),
      row("errors", (r) => String(r.errors.total)),
      row("read p50", (r) => ms(r.latency.read.p50)),
      row("read p99", (r) => ms(r.latency.read.p99)),
      row("write p50", (r) => ms(r.latency.write.p50)),
      row("write p99", (r) => ms(r.latency.write.p99)),
      row("all mean", (r) => ms(r.latency.all.mean)),
      row("measured", (r) => ms(r.durationMs)),
    ],
  );
}

function cdfChart(plans: readonly HtmlRunPlan[], kind: "read" | "write"): string {
  const series: ChartSeries[] = plans.map((p) => ({
    name: p.name,
    points: histogramCdf(p.latency[kind]),
  }));
  return lineChart({
    title: `Latency CDF, ${kind}s`,
    xLabel: "latency (ms, log scale)",
    yLabel: "share of requests ≤ x",
    xScale: "log",
    yRange: [0, 1],
    series,
  });
}

function topologies(plans: readonly HtmlRunPlan[]): string {
  return plans
    .map((p, i) => {
      const heading = plans.length > 1 ? `<h3>${escapeXml(p.name)}</h3>` : "";
      return `${heading}<div class="topology-box">${topologySvgOf(p.graph, i)}</div>`;
    })
    .join("\n");
}

function topologySvgOf(graph: TopologyGraph, i: number): string {
  return topologySvg(graph, `topology-${i}`);
}

/**
 * The self-contained HTML report of one run or of several plans run side by
 * side: figures, latency CDFs, series over time, topology diagrams.
 *
 * @remarks Since 0.2.0
 */
export function runReportHtml(plans: readonly HtmlRunPlan[]): string {
  const first = plans[0];
  if (first === undefined) throw new RangeError("runReportHtml: expected at least one plan");
  const described = plans.filter((p) => p.description !== undefined);
  const sections: PageSection[] = [
    {
      heading: "Figures",
      html:
        figuresTable(plans) +
        described
          .map(
            (p) =>
              `<p class="note"><b>${escapeXml(p.name)}</b>: ${escapeXml(p.description ?? "")}</p>`,
          )
          .join(""),
    },
    { heading: "Latency", html: cdfChart(plans, "read") + cdfChart(plans, "write") },
    {
      heading: "Over time",
      html: timeSeriesCharts(plans.map((p) => ({ name: p.name, report: p.report }))),
    },
    ...faultSections(plans),
    { heading: "Topology", html: topologies(plans) },
  ];
  const subtitle = `dbsim ${first.report.version} · seed ${first.report.seed} · ${formatNumber(first.report.durationMs / 1000)} s measured after ${formatNumber(first.report.warmupMs / 1000)} s of warm-up`;
  return htmlPage(`dbsim run: ${first.report.scenario}`, subtitle, sections);
}
