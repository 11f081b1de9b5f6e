// The limits a run must fit in, and the typed error for a scenario whose
// estimate (estimate.ts) passes one: its message gives the estimate, the limit
// and the way round it (`force`, or `dbsim run --force`).
import { formatCount, type WorkEstimate } from "./estimate.js";

/**
 * Limits a run must fit in, checked against its {@link WorkEstimate} before it
 * starts. The defaults suit a machine with a few GB free and an hour to spare.
 *
 * @remarks Since 0.2.0
 */
export interface RunLimits {
  /** Most operations the workload may issue (default {@link DEFAULT_LIMITS}.maxOperations). */
  readonly maxOperations?: number;
  /** Most kernel events the estimate may reach (default 2·10⁹, the run's own event bound). */
  readonly maxEvents?: number;
  /** Most memory the run may hold from its start, in bytes (default 4 GiB). */
  readonly maxMemoryBytes?: number;
  /**
   * Most operations issued and not yet complete at once: past it the run stops
   * with `stoppedBy: "overloaded"` instead of queueing until memory runs out
   * (default 2·10⁶, about 1 GB of queued requests).
   */
  readonly maxInFlight?: number;
}

/**
 * The default {@link RunLimits}.
 *
 * @remarks Since 0.2.0
 */
export const DEFAULT_LIMITS: Readonly<Required<RunLimits>> = Object.freeze({
  maxOperations: 200_000_000,
  maxEvents: 2_000_000_000,
  maxMemoryBytes: 4 * 2 ** 30,
  maxInFlight: 2_000_000,
});

/**
 * Thrown by `runScenario` before it runs when a {@link WorkEstimate} passes a
 * {@link RunLimits} limit. The message gives the estimate, the limit and the
 * way round it; `force: true` (CLI `--force`) runs the scenario anyway.
 *
 * @remarks Since 0.2.0
 */
export class WorkLimitError extends Error {
  /** Which limit: `maxOperations`, `maxEvents` or `maxMemoryBytes`. */
  readonly limit: "maxOperations" | "maxEvents" | "maxMemoryBytes";
  /** The limit's value. */
  readonly limitValue: number;
  /** The estimate that passed it. */
  readonly estimate: WorkEstimate;

  /**
   * @param limit - which limit was passed
   * @param limitValue - its value
   * @param estimate - the estimate
   */
  constructor(limit: WorkLimitError["limit"], limitValue: number, estimate: WorkEstimate) {
    super(limitMessage(limit, limitValue, estimate));
    this.name = "WorkLimitError";
    this.limit = limit;
    this.limitValue = limitValue;
    this.estimate = estimate;
  }
}

/**
 * The limits with defaults filled in; a RangeError names a limit that is not
 * a number > 0 (`Infinity` is allowed: no limit).
 *
 * @remarks Since 0.2.0
 */
export function resolveLimits(limits: RunLimits = {}): Required<RunLimits> {
  const out = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof RunLimits)[]) {
    const value = limits[key];
    if (value === undefined) continue;
    if (typeof value !== "number" || !(value > 0)) {
      throw new RangeError(
        `limits.${key} must be a number > 0 (Infinity for no limit); got ${String(value)}`,
      );
    }
    out[key] = value;
  }
  return out;
}

/**
 * Throws a {@link WorkLimitError} when `estimate` passes one of `limits`
 * (defaults: {@link DEFAULT_LIMITS}).
 *
 * @remarks Since 0.2.0
 */
export function checkWorkLimits(estimate: WorkEstimate, limits: RunLimits = {}): void {
  const { maxOperations, maxEvents, maxMemoryBytes } = resolveLimits(limits);
  if (!(estimate.memoryBytes <= maxMemoryBytes)) {
    throw new WorkLimitError("maxMemoryBytes", maxMemoryBytes, estimate);
  }
  if (!(estimate.operations <= maxOperations)) {
    throw new WorkLimitError("maxOperations", maxOperations, estimate);
  }
  if (!(estimate.events <= maxEvents)) throw new WorkLimitError("maxEvents", maxEvents, estimate);
}

function limitMessage(limit: WorkLimitError["limit"], value: number, e: WorkEstimate): string {
  const fix = "shorten or shrink the scenario, or run it anyway with force (dbsim run --force)";
  switch (limit) {
    case "maxMemoryBytes": {
      const top = e.memory
        .slice(0, 3)
        .map((m) => `${m.what}: ${formatBytes(m.bytes)}`)
        .join("; ");
      return `the run would hold about ${formatBytes(e.memoryBytes)} of memory (${top}), more than the limit of ${formatBytes(value)} (maxMemoryBytes); ${fix}`;
    }
    case "maxOperations":
      return `the run would issue about ${formatCount(e.operations)} operations (${e.operationsBasis}), more than the limit of ${formatCount(value)} (maxOperations; at a few hundred thousand operations per CPU-second that is ${formatCpuTime(e.operations)}); ${fix}`;
    case "maxEvents":
      return `the run would take about ${formatCount(e.events)} events (${formatCount(e.operations)} operations plus periodic samples), more than the limit of ${formatCount(value)} (maxEvents); ${fix}`;
  }
}

/** @internal A count for a message: 1,234,567 up to 10^9, then 1.2e+12. */

function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const units = ["bytes", "KB", "MB", "GB", "TB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === units.length - 1 && v >= 1e4
    ? `${(n / 2 ** 40).toExponential(1)} TB`
    : `${Math.round(v * 10) / 10} ${units[i]}`;
}

function formatCpuTime(operations: number): string {
  const seconds = operations / 300_000;
  if (!Number.isFinite(seconds) || seconds > 3.2e7) return "more than a year";
  if (seconds >= 86_400) {
    const days = Math.round(seconds / 86_400);
    return `about ${days} day${days === 1 ? "" : "s"}`;
  }
  if (seconds >= 3600) return `about ${Math.round(seconds / 3600)} h`;
  return `about ${Math.max(1, Math.round(seconds / 60))} min`;
}
