// Text renderings for the terminal: the resolved-scenario summary printed before
// a run, the plain-text report table, and the long-format CSV.
import { describeDistribution, type LatencyTable, resolveLatencyTable } from "../latency/index.js";
import {
  alignColumns,
  componentSummaries,
  componentTables,
  formatDuration,
  formatFigure,
  type LatencySummary,
  NO_DATA,
  perSecText as perSec,
  type RateOf,
  type Report,
  rateOf,
  type Scenario,
} from "../scenario/index.js";
import { verdictLines } from "./verdict-lines.js";
import { wrapText } from "./wrap.js";

export { alignColumns, formatDuration, formatFigure, NO_DATA, wrapText };

const ms = formatFigure;

function formatRate(rate: RateOf): string {
  if (typeof rate === "number") return `${rate} ops/s`;
  if ("steps" in rate) {
    return `in steps ${rate.steps.map((s) => `${s.rate} ops/s at ${formatDuration(s.at)}`).join(", ")}`;
  }
  const { from, to, over } = rate.ramp;
  return `ramp ${from} → ${to} ops/s over ${formatDuration(over)}`;
}

function formatWorkload(s: Scenario): string {
  const w = s.workload;
  const rate = rateOf(s);
  if (rate !== undefined) return `open arrivals (Poisson), ${formatRate(rate)}`;
  const think =
    typeof w.thinkTime === "number"
      ? formatDuration(w.thinkTime)
      : describeDistribution(w.thinkTime, latencyTable(s));
  return `closed loop, ${w.clients ?? 0} clients, think time ${think}`;
}

/** The scenario's latency table, for naming rows; the published one if its overrides do not resolve. */
function latencyTable(s: Scenario): LatencyTable | undefined {
  try {
    return resolveLatencyTable(s.latency);
  } catch {
    return undefined;
  }
}

/**
 * What the summary says about the plans of a scenario with variants: `plan`
 * names the one plan about to run (`--variant`); `plans` lists every plan
 * about to run, base first.
 */
export interface SummaryPlans {
  /** The one plan about to run, as chosen with --variant. */
  readonly plan?: string;
  /** Every plan about to run, base first. */
  readonly plans?: readonly string[];
}

/**
 * The resolved scenario in a few aligned lines: what is about to run, with the
 * seed that reproduces it. Replicas and routing are mentioned when present.
 */
export function formatSummary(s: Scenario, plans: SummaryPlans = {}): string {
  const rows: [string, string][] = [
    ["scenario", s.name],
    ["seed", `${s.seed}  (rerun with --seed ${s.seed} to reproduce)`],
    [
      "duration",
      `${formatDuration(s.duration)} measured after ${formatDuration(s.warmup)} of warm-up`,
    ],
    ["workload", formatWorkload(s)],
    ["read ratio", String(s.workload.readRatio)],
    ...componentSummaries(s),
  ];
  if (plans.plan !== undefined) rows.push(["plan", plans.plan]);
  if (plans.plans !== undefined && plans.plans.length > 1) {
    const variants = plans.plans.slice(1).map((name) => JSON.stringify(name));
    rows.push(["plans", `base + ${variants.length}: ${variants.join(", ")}`]);
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}

/**
 * Names with their descriptions, each description wrapped to `width` columns
 * (80, as the help text) and indented under its first line.
 */
export function formatList(entries: readonly (readonly [string, string])[], width = 80): string {
  const nameWidth = Math.max(0, ...entries.map(([name]) => name.length));
  const indent = " ".repeat(nameWidth + 2);
  const lines: string[] = [];
  for (const [name, description] of entries) {
    const text = wrapText(description, Math.max(20, width - indent.length));
    if (text.length === 0) lines.push(name);
    text.forEach((line, i) => {
      lines.push(`${i === 0 ? name.padEnd(nameWidth + 2) : indent}${line}`);
    });
  }
  return `${lines.join("\n")}\n`;
}

const LATENCY_COLUMNS = ["count", "mean", "p50", "p90", "p95", "p99", "p999", "max"] as const;

function latencyRow(kind: string, l: LatencySummary): string[] {
  const figures = LATENCY_COLUMNS.slice(1).map((c) => (l.count > 0 ? ms(l[c]) : NO_DATA));
  return [kind, String(l.count), ...figures];
}

/** The report as a plain-text table for a terminal. */
export function formatTable(r: Report): string {
  const out: string[] = [];
  out.push(
    `${r.scenario}: seed ${r.seed}, ${formatDuration(r.durationMs)} measured after ` +
      `${formatDuration(r.warmupMs)} of warm-up, ${r.events} events`,
  );
  if (r.stoppedBy !== "end") {
    out.push(
      `warning: ${r.stopDetail ?? `the run stopped (${r.stoppedBy}) at ${formatDuration(r.simulatedMs)}; figures cover the time run`}`,
    );
  }

  out.push("", ...verdictLines(r.verdict));

  out.push("", "Throughput");
  out.push(
    ...alignColumns([
      ["offered", perSec(r.throughput.offeredPerSec), "ops/s"],
      ["completed", perSec(r.throughput.completedPerSec), "ops/s"],
    ]),
  );

  out.push("", "Latency (ms)");
  out.push(
    ...alignColumns([
      ["", ...LATENCY_COLUMNS],
      latencyRow("read", r.latency.read),
      latencyRow("write", r.latency.write),
      latencyRow("all", r.latency.all),
    ]),
  );

  out.push("", "Errors");
  // Only the kinds that happened: the JSON lists every kind, most cannot occur in a given topology.
  const errorRows: string[][] = [["total", String(r.errors.total)]];
  for (const [kind, n] of Object.entries(r.errors.byKind)) {
    if (n > 0) errorRows.push([kind, String(n)]);
  }
  out.push(...alignColumns(errorRows));

  out.push(...componentTables(r));
  if (r.consistency !== undefined) out.push("", ...consistencyLines(r.consistency));
  return `${out.join("\n")}\n`;
}

function consistencyLines(c: NonNullable<Report["consistency"]>): string[] {
  return [
    "Consistency",
    "  (violations and stale reads are counted over the measured window)",
    ...alignColumns(
      [
        ["read-your-writes violations", String(c.violations.readYourWrites)],
        ["monotonic-reads violations (any key)", String(c.violations.monotonicReads)],
        ["  of which per key", String(c.violations.monotonicReadsPerKey)],
        ["monotonic-writes violations", String(c.violations.monotonicWrites)],
        ["writes-follow-reads violations", String(c.violations.writesFollowReads)],
        ["stale reads", String(c.staleReads)],
        ["versions behind mean", c.versionsBehind.mean.toFixed(3)],
        ["versions behind max", String(c.versionsBehind.max)],
      ],
      "ll",
    ),
  ];
}

/** The CSV header of {@link formatCsv}. */
export const CSV_HEADER = "section,name,metric,value";

/** The CSV header of {@link formatPlansCsv}: a `plan` column, then {@link CSV_HEADER}. */
export const PLANS_CSV_HEADER = `plan,${CSV_HEADER}`;

/** How the CSV format is laid out, for --help. */
export const CSV_HELP = `CSV format (--format csv): one line per figure, in long form:
  ${CSV_HEADER}
  run,,seed,20261121
  throughput,,completedPerSec,1499.2
  latency,read,p99,1.234
  errors,byKind,too_many_clients,0
  nodes,primary,utilization,0.214
  replication,replica-1,replayLagMs.p99,3.52
  routing,movedToPrimary,byPolicy,0
  consistency,violations,readYourWrites,0
  verdict,,status,ok
"section" is the report's top-level field ("run" for top-level figures), "name" the
row within it (a latency kind, a node's or a replica's name, ...), "metric" the
figure. A scenario with variants gets a first column, "plan" (base or the variant's
name): ${PLANS_CSV_HEADER}.`;

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * The report's figures as `[section, name, metric, value]` rows. An array
 * element is named by its `name` field (or its index), which takes the array's
 * place: `nodes,primary,…`, `replication,replica-1,replayLagMs.p99`.
 */
function csvRows(report: Report): string[][] {
  const rows: string[][] = [];
  const emit = (segments: readonly string[], value: Json, isElement: boolean): void => {
    if (Array.isArray(value)) {
      const parent = segments.length > 1 ? segments.slice(0, -1) : segments;
      value.forEach((item: Json, i: number) => {
        // A list of plain figures (a series) keeps its name: verdict,,inFlightByWindow.0
        if (!isRecord(item))
          emit([...segments.slice(0, -1), `${segments.at(-1)}.${i}`], item, false);
        else emit([...parent, elementName(item, i)], item, true);
      });
      return;
    }
    if (isRecord(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (!(isElement && key === "name")) emit([...segments, key], child, false);
      }
      return;
    }
    const [section, ...rest] = segments.length === 1 ? ["run", ...segments] : segments;
    const name = rest.length >= 2 ? (rest[0] ?? "") : "";
    const metric = rest.length >= 2 ? rest.slice(1).join(".") : (rest[0] ?? "");
    rows.push([section ?? "", name, metric, String(value)]);
  };
  emit([], report as unknown as Json, false);
  return rows;
}

/**
 * The report flattened to long-format CSV (`section,name,metric,value`), one line
 * per figure. Array elements are named by their `name` field (or their index).
 */
export function formatCsv(report: Report): string {
  const lines = [CSV_HEADER, ...csvRows(report).map((row) => row.map(csvField).join(","))];
  return `${lines.join("\n")}\n`;
}

/**
 * The reports of several plans (the base and its variants) as one long-format
 * CSV: {@link formatCsv}'s rows, each prefixed with the plan's name.
 */
export function formatPlansCsv(plans: readonly { name: string; report: Report }[]): string {
  const lines = [PLANS_CSV_HEADER];
  for (const plan of plans) {
    for (const row of csvRows(plan.report)) lines.push([plan.name, ...row].map(csvField).join(","));
  }
  return `${lines.join("\n")}\n`;
}

/**
 * A list element's CSV name: its `name` (after its `component`, as a cost item
 * has: a pool's and a proxy's m5.large are two rows), else its `code` (and
 * `subject`), else its index.
 */
function elementName(item: { readonly [key: string]: Json }, index: number): string {
  if (typeof item.name === "string") {
    return typeof item.component === "string" ? `${item.component} ${item.name}` : item.name;
  }
  if (typeof item.code === "string") {
    return typeof item.subject === "string" && item.subject !== ""
      ? `${item.code} ${item.subject}`
      : item.code;
  }
  return String(index);
}

function isRecord(value: Json): value is { readonly [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
