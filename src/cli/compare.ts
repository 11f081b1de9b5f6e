// Side-by-side renderings of a scenario's plans (the base and its variants, run
// with the same seed): the comparison table for a terminal and the JSON document.
import { type ComparisonColumn, componentColumns, type Report } from "../scenario/index.js";
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
const NONE = NO_DATA;

/** A latency figure, or no data when no operation of that kind completed. */
function latency(count: number, x: number): string {
  return count > 0 ? ms(x) : NONE;
}

/** A consistency figure, or no data when the run had no monitor (no replicas). */
function violations(pick: (c: NonNullable<Report["consistency"]>) => number) {
  return (r: Report): string => (r.consistency === undefined ? NONE : String(pick(r.consistency)));
}

// The run's own columns; the components add theirs (Component.compare) by rank.
const RUN_COLUMNS: readonly ComparisonColumn[] = [
  { header: ["", "plan"], rank: 10, cell: () => "" },
  { header: ["", "verdict"], rank: 20, cell: (r) => r.verdict.status },
  { header: ["completed", "/s"], rank: 30, cell: (r) => r.throughput.completedPerSec.toFixed(1) },
  {
    header: ["read", "p50"],
    rank: 40,
    cell: (r) => latency(r.latency.read.count, r.latency.read.p50),
  },
  {
    header: ["read", "p99"],
    rank: 50,
    cell: (r) => latency(r.latency.read.count, r.latency.read.p99),
  },
  {
    header: ["write", "p99"],
    rank: 60,
    cell: (r) => latency(r.latency.write.count, r.latency.write.p99),
  },
  { header: ["", "errors"], rank: 70, cell: (r) => String(r.errors.total) },
  { header: ["RYW", "viol."], rank: 90, cell: violations((c) => c.violations.readYourWrites) },
  { header: ["MR", "viol."], rank: 100, cell: violations((c) => c.violations.monotonicReads) },
  { header: ["stale", "reads"], rank: 110, cell: violations((c) => c.staleReads) },
];

/** Every column the plans need, in rank order (a stable sort: ties keep the run's, then the registry's order). */
function columns(reports: readonly Report[]): ComparisonColumn[] {
  return [...RUN_COLUMNS, ...componentColumns()]
    .filter((c) => c.shown === undefined || c.shown(reports))
    .sort((a, b) => a.rank - b.rank);
}

/** One plan's row: its name, then every other column's cell. */
function planRow(plan: PlanReport, cols: readonly ComparisonColumn[]): string[] {
  return [plan.name, ...cols.slice(1).map((c) => c.cell(plan.report))];
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

/** The comparison table: two header lines, then one row per plan. */
function comparisonTable(plans: readonly PlanReport[]): string[] {
  const cols = columns(plans.map((p) => p.report));
  return alignColumns(
    [
      cols.map((c) => c.header[0]),
      cols.map((c) => c.header[1]),
      ...plans.map((p) => planRow(p, cols)),
    ],
    "ll",
  );
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
    ...comparisonTable(plans),
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
