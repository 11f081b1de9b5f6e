// Text renderings for the terminal: the resolved-scenario summary printed before
// a run, the plain-text report table, and the long-format CSV.
import type { LatencySummary, Report, Scenario } from "../scenario/index.js";

/** Formats a duration in ms for people: "60 s", "500 ms", "2.5 s". */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(6))} s`;
  return `${Number(ms.toPrecision(6))} ms`;
}

function formatRate(rate: NonNullable<Scenario["workload"]["rate"]>): string {
  if (typeof rate === "number") return `${rate} ops/s`;
  if ("steps" in rate) {
    return `in steps ${rate.steps.map((s) => `${s.rate} ops/s at ${formatDuration(s.at)}`).join(", ")}`;
  }
  const { from, to, over } = rate.ramp;
  return `ramp ${from} → ${to} ops/s over ${formatDuration(over)}`;
}

function formatWorkload(w: Scenario["workload"]): string {
  if (w.rate !== undefined) return `open arrivals (Poisson), ${formatRate(w.rate)}`;
  const think = typeof w.thinkTime === "number" ? `${w.thinkTime} ms` : JSON.stringify(w.thinkTime);
  return `closed loop, ${w.clients ?? 0} clients, think time ${think}`;
}

function formatClient(c: Scenario["client"]): string {
  const instances = `${c.instances} instance${c.instances === 1 ? "" : "s"}`;
  if (c.connections === "per-request") return `per-request connections, ${instances}`;
  return `persistent connections, ${instances} × pool of ${c.poolSize}`;
}

/**
 * The resolved scenario in a few aligned lines: what is about to run, with the
 * seed that reproduces it.
 */
export function formatSummary(s: Scenario): string {
  const rows: [string, string][] = [
    ["scenario", s.name],
    ["seed", `${s.seed}  (rerun with --seed ${s.seed} to reproduce)`],
    [
      "duration",
      `${formatDuration(s.duration)} measured after ${formatDuration(s.warmup)} of warm-up`,
    ],
    ["workload", formatWorkload(s.workload)],
    ["read ratio", String(s.workload.readRatio)],
    [
      "database",
      `${s.database.engine}, ${s.database.cores} cores, maxConnections ${s.database.maxConnections}`,
    ],
    ["client", formatClient(s.client)],
  ];
  const width = Math.max(...rows.map(([k]) => k.length));
  return `${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`;
}

/**
 * Lays out rows as columns separated by two spaces. `align` has one letter per
 * column, "l" or "r"; columns past its end are right-aligned.
 */
export function alignColumns(rows: readonly (readonly string[])[], align = "l"): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const pad = (cell: string, i: number): string =>
    (align[i] ?? "r") === "l" ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
  return rows.map((row) => `  ${row.map(pad).join("  ")}`.trimEnd());
}

const ms = (x: number): string => x.toFixed(3);
const perSec = (x: number): string => x.toFixed(1);
const percent = (x: number): string => `${(x * 100).toFixed(1)}%`;

const LATENCY_COLUMNS = ["count", "mean", "p50", "p90", "p95", "p99", "p999", "max"] as const;

function latencyRow(kind: string, l: LatencySummary): string[] {
  return [kind, String(l.count), ...LATENCY_COLUMNS.slice(1).map((c) => ms(l[c]))];
}

/** The report as a plain-text table for a terminal. */
export function formatTable(r: Report): string {
  const out: string[] = [];
  out.push(
    `${r.scenario}: seed ${r.seed}, ${formatDuration(r.durationMs)} measured after ` +
      `${formatDuration(r.warmupMs)} of warm-up, ${r.events} events`,
  );
  if (r.stoppedBy === "eventLimit") {
    out.push(
      `warning: the run hit its event limit at ${formatDuration(r.simulatedMs)}; figures cover the time run`,
    );
  }

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
  const errorRows: string[][] = [["total", String(r.errors.total)]];
  for (const [kind, n] of Object.entries(r.errors.byKind)) errorRows.push([kind, String(n)]);
  out.push(...alignColumns(errorRows));

  out.push("", "Client");
  out.push(
    ...alignColumns(
      [
        ["connections", r.client.connections],
        ["connections opened", String(r.client.connectionsOpened)],
        ["waiting max", String(r.client.waitingMax)],
      ],
      "ll",
    ),
  );

  out.push("", "Nodes");
  out.push(
    ...alignColumns(
      [
        [
          "name",
          "role",
          "cores",
          "utilization",
          "concurrency",
          "statements/s",
          "conns max",
          "conns mean",
          "memory MB",
        ],
        ...r.nodes.map((n) => [
          n.name,
          n.role,
          String(n.cores),
          percent(n.utilization),
          n.concurrencyMean.toFixed(2),
          perSec(n.statementsPerSec),
          String(n.connectionsMax),
          n.connectionsMean.toFixed(2),
          n.memoryMB.toFixed(1),
        ]),
      ],
      "ll",
    ),
  );
  return `${out.join("\n")}\n`;
}

/** The CSV header of {@link formatCsv}. */
export const CSV_HEADER = "section,name,metric,value";

/** How the CSV format is laid out, for --help. */
export const CSV_HELP = `CSV format (--format csv): one line per figure, in long form:
  ${CSV_HEADER}
  run,,seed,20261121
  throughput,,completedPerSec,1499.2
  latency,read,p99,1.234
  errors,byKind,too_many_clients,0
  nodes,primary,utilization,0.214
"section" is the report's top-level field ("run" for top-level figures), "name" the
row within it (a latency kind, a node's name, ...), "metric" the figure.`;

function csvField(value: string): string {
  return /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

type Json = string | number | boolean | null | readonly Json[] | { readonly [key: string]: Json };

/**
 * The report flattened to long-format CSV (`section,name,metric,value`), one line
 * per figure. Array elements are named by their `name` field (or their index).
 */
export function formatCsv(report: Report): string {
  const lines = [CSV_HEADER];
  const emit = (segments: readonly string[], value: Json, isElement: boolean): void => {
    if (Array.isArray(value)) {
      value.forEach((item: Json, i: number) => {
        const name = isRecord(item) && typeof item.name === "string" ? item.name : String(i);
        emit([...segments, name], item, true);
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
    lines.push([section ?? "", name, metric, String(value)].map(csvField).join(","));
  };
  emit([], report as unknown as Json, false);
  return `${lines.join("\n")}\n`;
}

function isRecord(value: Json): value is { readonly [key: string]: Json } {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
