// The figures the page shows, read from a report. Every figure has a fixed
// slot and a placeholder, so the page's layout never moves as they update.
import type { Report } from "dbsim";

/** One figure: a stable key (for the test and the slot), its label and its text. */
export interface Figure {
  readonly key: string;
  readonly label: string;
  readonly value: string;
}

/** The slots, in the order the page lists them. */
export const FIGURE_SLOTS: readonly { key: string; label: string }[] = [
  { key: "throughput", label: "Throughput (completed / offered)" },
  { key: "read", label: "Read latency p50 / p99" },
  { key: "write", label: "Write latency p50 / p99" },
  { key: "p999", label: "All requests p99.9 / max" },
  { key: "errors", label: "Errors" },
  { key: "lag", label: "Replica lag mean / max" },
  { key: "stale", label: "Stale reads" },
  { key: "cache", label: "Cache hit ratio" },
  { key: "connections", label: "Database connections (most at once)" },
  { key: "memory", label: "Memory (databases + caches)" },
  { key: "cost", label: "Cost per hour" },
  { key: "verdict", label: "Verdict" },
];

const ms = (value: number): string => `${value.toFixed(2)} ms`;

/**
 * The cost per hour of a report, when it carries one. `report.cost` lands with
 * the price list; until then, and for a plan with an unpriced part, the page
 * says "no price" rather than a made-up figure.
 */
function costText(report: Report): string {
  const cost = (report as { cost?: { perHour?: number | null } }).cost;
  const perHour = cost?.perHour;
  return typeof perHour === "number" ? `$${perHour.toFixed(2)} / h` : "no price";
}

function lagText(report: Report): string {
  const replicas = report.replication?.replicas ?? [];
  if (replicas.length === 0) return "no replicas";
  const mean = replicas.reduce((sum, r) => sum + r.lagMs.mean, 0) / replicas.length;
  const max = Math.max(...replicas.map((r) => r.lagMs.max));
  return `${ms(mean)} / ${ms(max)}`;
}

function memoryText(report: Report): string {
  const databases = report.nodes.reduce((sum, n) => sum + n.memoryMB, 0);
  const caches = (report.cache?.nodes ?? []).reduce((sum, n) => sum + n.memoryBytes, 0) / 1e6;
  return `${(databases + caches).toFixed(1)} MB`;
}

/** Every slot's text for `report`. */
export function figuresOf(report: Report): Figure[] {
  const { latency } = report;
  const values: Record<string, string> = {
    throughput: `${report.throughput.completedPerSec.toFixed(0)} / ${report.throughput.offeredPerSec.toFixed(0)} per s`,
    read:
      latency.read.count === 0 ? "no reads" : `${ms(latency.read.p50)} / ${ms(latency.read.p99)}`,
    write:
      latency.write.count === 0
        ? "no writes"
        : `${ms(latency.write.p50)} / ${ms(latency.write.p99)}`,
    p999: `${ms(latency.all.p999)} / ${ms(latency.all.max)}`,
    errors: String(report.errors.total),
    lag: lagText(report),
    stale: String(report.consistency?.staleReads ?? 0),
    cache:
      report.cache === undefined ? "no cache" : `${(report.cache.hitRatio * 100).toFixed(1)} %`,
    connections: String(report.nodes.reduce((sum, n) => sum + n.connectionsMax, 0)),
    memory: memoryText(report),
    cost: costText(report),
    verdict: report.verdict?.status ?? "—",
  };
  return FIGURE_SLOTS.map((s) => ({ ...s, value: values[s.key] ?? "—" }));
}
