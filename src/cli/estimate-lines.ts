// `dbsim run --estimate`: the analytic estimate of a plan beside its simulated
// figures, or the reasons the plan has none.
import { type AnalyticEstimate, analyticEstimate } from "../experiment/index.js";
import type { Report, Scenario } from "../scenario/index.js";

function figure(v: number): string {
  return String(Number(v.toPrecision(4)));
}

/** The estimate of one plan as text lines, its simulated figures beside it. */
export function estimateLines(name: string | null, scenario: Scenario, report: Report): string {
  const e: AnalyticEstimate = analyticEstimate(scenario);
  const title = `estimate${name === null ? "" : ` (${name})`}`;
  if (!e.applies) {
    return `${title}: does not apply (not a product-form network)\n${e.reasons.map((r) => `  - ${r}\n`).join("")}`;
  }
  const node = report.nodes[0];
  const rows: [string, string, string][] = [
    ["", "estimated", "simulated"],
    ["completed/s", figure(e.throughputPerSec), figure(report.throughput.completedPerSec)],
    ["latency mean (ms)", figure(e.latencyMeanMs), figure(report.latency.all.mean)],
    ["utilization", figure(e.utilization), node === undefined ? "–" : figure(node.utilization)],
  ];
  const lines = rows.map(([a, b, c]) => `  ${a.padEnd(18)}${b.padStart(10)}${c.padStart(12)}`);
  return `${title}: ${e.model}\n${lines.join("\n")}\n${e.notes.map((n) => `  ${n}\n`).join("")}`;
}
