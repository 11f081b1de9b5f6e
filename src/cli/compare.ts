// Side-by-side renderings of a scenario's plans (the base and its variants, run
// with the same seed): the comparison table for a terminal and the JSON document.
import type { Report } from "../scenario/index.js";
import { alignColumns, formatDuration, formatFigure, NO_DATA, wrapText } from "./format.js";

/**
 * One plan's run: "base" or a variant's name, its description, and its report.
 *
 * @remarks Since 0.1.0
 */
export interface PlanReport {
  /** "base" for the scenario as written, else the variant's name. */
  readonly name: string;
  /** The variant's description, if it has one. */
  readonly description?: string;
  /** The plan's full report. */
  readonly report: Report;
}

/** The hint printed under the comparison table. */
export const VARIANT_HINT = "(run with --variant NAME for a full report)";

const ms = formatFigure;
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;
const NONE = NO_DATA;

/** Reads sent to the primary: the router's count, or without a router the primary's reads. */
function readsToPrimary(r: Report): number {
  if (r.routing !== undefined) return r.routing.readsToPrimary;
  return r.nodes.find((n) => n.role === "primary")?.readsServed ?? 0;
}

function maxReplicaLag(r: Report): string {
  const replicas = r.replication?.replicas ?? [];
  if (replicas.length === 0) return NONE;
  return ms(Math.max(...replicas.map((x) => x.oldestUnappliedAgeMs.max)));
}

/** The busiest node: with replicas or pools the primary is often not the bottleneck. */
function busiestNode(r: Report): [string, string] {
  let busiest = r.nodes[0];
  for (const n of r.nodes)
    if (busiest === undefined || n.utilization > busiest.utilization) busiest = n;
  return busiest === undefined ? [NONE, NONE] : [busiest.name, percent(busiest.utilization)];
}

/** A latency figure, or no data when no operation of that kind completed. */
function latency(count: number, x: number): string {
  return count > 0 ? ms(x) : NONE;
}

// The comparison table's columns as [top, bottom] header cells; planRow gives the
// cells in the same order.
const COLUMNS: readonly (readonly [string, string])[] = [
  ["", "plan"],
  ["", "verdict"],
  ["completed", "/s"],
  ["read", "p50"],
  ["read", "p99"],
  ["write", "p99"],
  ["", "errors"],
  ["reads to", "primary"],
  ["RYW", "viol."],
  ["MR", "viol."],
  ["stale", "reads"],
  ["replica lag", "max"],
  ["busiest", "node"],
  ["", "util."],
];

function planRow(plan: PlanReport): string[] {
  const r = plan.report;
  const c = r.consistency;
  return [
    plan.name,
    r.verdict.status,
    r.throughput.completedPerSec.toFixed(1),
    latency(r.latency.read.count, r.latency.read.p50),
    latency(r.latency.read.count, r.latency.read.p99),
    latency(r.latency.write.count, r.latency.write.p99),
    String(r.errors.total),
    String(readsToPrimary(r)),
    c === undefined ? NONE : String(c.violations.readYourWrites),
    c === undefined ? NONE : String(c.violations.monotonicReads),
    c === undefined ? NONE : String(c.staleReads),
    maxReplicaLag(r),
    ...busiestNode(r),
  ];
}

/** Notes on plans whose seed or measured duration differs from the base's (a patch set it). */
function differences(plans: readonly PlanReport[]): string[] {
  const base = plans[0]?.report;
  if (base === undefined) return [];
  const notes: string[] = [];
  for (const { name, report: r } of plans.slice(1)) {
    if (r.seed !== base.seed) notes.push(`note: "${name}" ran with seed ${r.seed}`);
    if (r.durationMs !== base.durationMs || r.warmupMs !== base.warmupMs) {
      notes.push(
        `note: "${name}" measured ${formatDuration(r.durationMs)} after ` +
          `${formatDuration(r.warmupMs)} of warm-up`,
      );
    }
  }
  for (const { name, report: r } of plans) {
    if (r.stoppedBy !== "end") {
      notes.push(
        `warning: "${name}": ${r.stopDetail ?? `stopped (${r.stoppedBy}) at ${formatDuration(r.simulatedMs)}; its figures cover the time run`}`,
      );
    }
  }
  return notes;
}

/** Why each plan that is not ok got its verdict, one wrapped paragraph per reason. */
function verdictNotes(plans: readonly PlanReport[]): string[] {
  const flagged = plans.filter((p) => p.report.verdict.reasons.length > 0);
  if (flagged.length === 0) return [];
  const out = ["", "Verdicts (plans that are not ok)"];
  for (const p of flagged) {
    out.push(`  ${p.name}: ${p.report.verdict.status}`);
    for (const r of p.report.verdict.reasons) {
      wrapText(r.message, 74).forEach((line, i) => {
        out.push(`${i === 0 ? "    - " : "      "}${line}`);
      });
    }
  }
  return out;
}

/**
 * The plans side by side for a terminal: one row per plan (base first) with
 * its verdict, throughput, latency, errors, routing, consistency and lag
 * figures and its busiest node; then the reasons of every verdict that is not
 * ok, each variant's description, and a hint on how to see one plan's full report.
 *
 * @remarks Since 0.1.0
 */
export function formatComparison(plans: readonly PlanReport[]): string {
  const base = plans[0]?.report;
  if (base === undefined) return "";
  const variants = plans.length - 1;
  const out: string[] = [
    `${base.scenario}: seed ${base.seed}, ${formatDuration(base.durationMs)} measured after ` +
      `${formatDuration(base.warmupMs)} of warm-up; base and ${variants} ` +
      `variant${variants === 1 ? "" : "s"}`,
    ...differences(plans),
    "",
    "Plans (latency and lag in ms; RYW read-your-writes, MR monotonic-reads)",
    ...alignColumns(
      [COLUMNS.map(([top]) => top), COLUMNS.map(([, bottom]) => bottom), ...plans.map(planRow)],
      "ll",
    ),
    ...verdictNotes(plans),
  ];
  const described = plans.filter((p) => p.description !== undefined && p.description !== "");
  if (described.length > 0) {
    out.push("", "Variants");
    const width = Math.max(...described.map((p) => p.name.length));
    for (const p of described) {
      const text = wrapText(p.description ?? "", Math.max(40, 96 - width));
      text.forEach((line, i) => {
        out.push(`  ${(i === 0 ? p.name : "").padEnd(width)}  ${line}`);
      });
    }
  }
  out.push("", VARIANT_HINT);
  return `${out.join("\n")}\n`;
}

/**
 * The plans as one JSON document: `{ "variants": [{ name, description?, report }] }`,
 * base first.
 *
 * @remarks Since 0.1.0
 */
export function formatPlansJson(plans: readonly PlanReport[]): string {
  const variants = plans.map((p) => ({
    name: p.name,
    ...(p.description === undefined ? {} : { description: p.description }),
    report: p.report,
  }));
  return `${JSON.stringify({ variants }, null, 2)}\n`;
}
