// Self-contained HTML reports (plain SVG, no script): browser-safe, so the
// playground can reuse them.

export { type HtmlRunPlan, runReportHtml } from "./run-html.js";
export { type ChartSeries, type ChartSpec, lineChart } from "./svg.js";
export { type ExperimentHtmlOptions, experimentReportHtml } from "./sweep-html.js";
export { topologySvg } from "./topology-svg.js";
