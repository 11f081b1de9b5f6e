// What a run will cost, worked out from the resolved scenario before it starts:
// operations (rate × time, or clients × time ÷ their cycle), kernel events, and
// the memory it holds from the start (per-key versions on every node, per-session
// routing state, closed-loop clients). runScenario refuses a scenario whose
// estimate is past its limits (limits.ts).
// The figures are rough and err on the high side: events within a factor of
// about three of what an open-arrival run takes, and for a closed loop an upper
// bound (a loaded server slows the loop); per-item costs were measured on Node 20.
import { DEFAULT_HISTORY_LIMIT, HISTORY_BYTES_PER_OP } from "../consistency/index.js";
import { type DistributionSpec, distributionMean, resolveLatencyTable } from "../latency/index.js";
import type { EstimateInput, WorkShare } from "./components/component.js";
import { COMPONENTS, SCENARIO_SECTIONS } from "./components/index.js";
import { replicaCount } from "./components/replication.js";
import { rateOf } from "./rate-steps.js";
import type { Scenario } from "./schema.js";

/**
 * One item of the memory estimate.
 *
 * @remarks Since 0.2.0
 */
export interface MemoryItem {
  /** What holds the memory, e.g. `"key versions (100000 keys × 3 nodes)"`. */
  readonly what: string;
  /** Bytes. */
  readonly bytes: number;
}

/**
 * What a run will cost, before it runs.
 *
 * @remarks Since 0.2.0
 */
export interface WorkEstimate {
  /** Operations the workload will issue, warm-up included (closed loop: an upper bound). */
  readonly operations: number;
  /** How the operations were counted, e.g. `"rate 1000/s × 65 s"`. */
  readonly operationsBasis: string;
  /** Kernel events, roughly (operations × events per operation + periodic samples). */
  readonly events: number;
  /** Memory held from the start (bytes): the sum of {@link WorkEstimate.memory}. */
  readonly memoryBytes: number;
  /** The largest memory items, largest first. */
  readonly memory: readonly MemoryItem[];
}

/** @internal Measured: a closed-loop client (two closures, a pending event, its operation in flight). */
export const BYTES_PER_CLIENT = 1200;
/** @internal Measured: a request waiting for a connection (Operation, call, timer, closures). */
export const BYTES_PER_IN_FLIGHT = 500;
/** The simulator itself, its histograms and the lag series. */
const BASE_BYTES = 64 * 2 ** 20;

/**
 * Estimates the operations, events and memory of a resolved scenario.
 * `history` adds the history's slots when a history is recorded.
 *
 * @remarks Since 0.2.0
 */
export function estimateWork(
  scenario: Scenario,
  options: { readonly history?: boolean | { readonly limit?: number } } = {},
): WorkEstimate {
  const mean = meanOf(scenario);
  const { operations, basis } = countOperations(scenario, meanOf(scenario, true));
  const events = countEvents(scenario, operations, mean);
  const memory = memoryItems(scenario, operations, options.history);
  const memoryBytes = memory.reduce((sum, m) => sum + m.bytes, 0);
  memory.sort((a, b) => b.bytes - a.bytes);
  return { operations, operationsBasis: basis, events, memoryBytes, memory };
}

type MeanFn = (spec: DistributionSpec) => number;

/**
 * Means for the estimate: 0 for what has none (a spec the run will refuse), and
 * for an infinite mean too unless `keepInfinite` (a Pareto think time of shape ≤ 1
 * makes a client's cycle infinitely long on average, not free).
 */
function meanOf(scenario: Scenario, keepInfinite = false): MeanFn {
  const table = resolveLatencyTable(scenario.latency);
  return (spec) => {
    try {
      const m = distributionMean(spec, table);
      if (keepInfinite && m === Number.POSITIVE_INFINITY) return m;
      return Number.isFinite(m) && m >= 0 ? m : 0;
    } catch {
      // A spec the run cannot use fails there, with its own message.
      return 0;
    }
  };
}

function countOperations(
  scenario: Scenario,
  meanOrInfinite: MeanFn,
): { operations: number; basis: string } {
  const totalMs = scenario.warmup + scenario.duration;
  const seconds = `${formatCount(totalMs / 1000)} s`;
  const w = scenario.workload;
  if (w.clients !== undefined) {
    // Each client waits at least its think time, a round trip and a statement per cycle.
    const cycleMs =
      meanOrInfinite(w.thinkTime) +
      meanOrInfinite(scenario.client.roundTrip) +
      meanOrInfinite(scenario.database.readTime);
    if (cycleMs === Number.POSITIVE_INFINITY) {
      // Cycles of infinite mean (a Pareto part of shape ≤ 1): a run's count is finite
      // but has no mean to scale by; count one operation per client rather than the
      // infinitely many a zero-length cycle would give.
      return {
        operations: w.clients,
        basis: `${formatCount(w.clients)} clients, about one operation each: their cycle has no finite mean`,
      };
    }
    const operations = cycleMs > 0 ? (w.clients * totalMs) / cycleMs : Number.POSITIVE_INFINITY;
    return {
      operations,
      basis: `${formatCount(w.clients)} clients × ${seconds} ÷ a cycle of at least ${formatCount(cycleMs)} ms`,
    };
  }
  const rate = rateOf(scenario) ?? 0;
  if (typeof rate === "number") {
    return {
      operations: (rate * totalMs) / 1000,
      basis: `rate ${formatCount(rate)}/s × ${seconds}`,
    };
  }
  if ("steps" in rate) {
    const steps = [...rate.steps].sort((a, b) => a.at - b.at);
    let sum = 0;
    steps.forEach((s, i) => {
      const end = Math.min(totalMs, steps[i + 1]?.at ?? totalMs);
      if (end > s.at) sum += (s.rate * (end - s.at)) / 1000;
    });
    return { operations: sum, basis: `stepped rate over ${seconds}` };
  }
  const { from, to, over } = rate.ramp;
  const rampMs = Math.min(totalMs, over);
  const atRampEnd = over > 0 ? from + ((to - from) * rampMs) / over : to;
  const sum = (((from + atRampEnd) / 2) * rampMs + to * Math.max(0, totalMs - over)) / 1000;
  return {
    operations: sum,
    basis: `ramped rate ${formatCount(from)}→${formatCount(to)}/s over ${seconds}`,
  };
}

function countEvents(scenario: Scenario, operations: number, mean: MeanFn): number {
  const w = scenario.workload;
  const statements = 1 + w.transactions.share * Math.max(1, mean(w.transactions.statements) - 1);
  const totalMs = scenario.warmup + scenario.duration;
  const writes = operations * (1 - w.readRatio) * statements;
  // An arrival, half a round trip each way and the server's work per statement,
  // and the hops the components add (measured 5–7 events per operation on the built-ins).
  let perOp = 2 + 3 * statements;
  let writeEvents = 0;
  let periodic = 0;
  for (const share of componentShares(scenario, { totalMs, operations, writes })) {
    perOp += share.eventsPerOperation ?? 0;
    writeEvents += share.writeEvents ?? 0;
    periodic += share.periodicEvents ?? 0;
  }
  // A ramp is drawn by thinning: every candidate at the peak rate is an event.
  const rate = w.rate;
  if (typeof rate === "object" && "ramp" in rate) {
    periodic += (Math.max(rate.ramp.from, rate.ramp.to) * totalMs) / 1000;
  }
  // Unbounded operations (a zero-length cycle) are unbounded events, never ∞ × 0 = NaN.
  if (operations === Number.POSITIVE_INFINITY) return operations;
  return operations * perOp + writeEvents + periodic;
}

/** Each component's share of the work, in scenario order. */
function componentShares(scenario: Scenario, run: EstimateInput): WorkShare[] {
  const shares: WorkShare[] = [];
  for (const key of Object.keys(SCENARIO_SECTIONS)) {
    const share = COMPONENTS.find((c) => c.key === key)?.estimate?.(scenario, run);
    if (share !== undefined) shares.push(share);
  }
  // Then the components without a section of their own (the timeline's faults, the network's events).
  for (const c of COMPONENTS) {
    if (c.key in SCENARIO_SECTIONS) continue;
    const share = c.estimate?.(scenario, run);
    if (share !== undefined) shares.push(share);
  }
  return shares;
}

/** Bytes of per-session state the router keeps for a consistency policy. */
function routerBytesPerSession(scenario: Scenario): number {
  const c = scenario.routing?.consistency;
  if (c === undefined || c.policy === "none" || scenario.replication === undefined) return 0;
  if (c.policy === "read-your-writes") return 8;
  return c.by === "pinning" ? 4 : 8;
}

function memoryItems(
  scenario: Scenario,
  operations: number,
  history: boolean | { readonly limit?: number } | undefined,
): MemoryItem[] {
  const w = scenario.workload;
  const nodes = 1 + replicaCount(scenario);
  const componentMemory = componentShares(scenario, {
    totalMs: scenario.warmup + scenario.duration,
    operations,
    writes: 0,
  }).flatMap((share) => share.memory ?? []);
  const keys = w.keys.count;
  const items: MemoryItem[] = [{ what: "the simulator and its statistics", bytes: BASE_BYTES }];
  // Every node holds each key's version and its commit LSN (two Uint32Arrays,
  // models/server/key-versions.ts); the run's oracle holds the newest
  // acknowledged version (one). A sharded plan's shards split the keys, so the
  // total is the same (the sharding component adds its key index).
  const keyBytes = keys * (8 * nodes + 4);
  items.push({
    what: `key versions (${formatCount(keys)} keys × ${nodes} node${nodes === 1 ? "" : "s"}, 8 bytes each, + the newest acknowledged, 4)`,
    bytes: keyBytes,
  });
  const perSession = routerBytesPerSession(scenario) + (w.readOwnWrites > 0 ? 4 : 0);
  if (perSession > 0) {
    items.push({
      what: `per-session state (${formatCount(w.sessions)} sessions × ${perSession} bytes)`,
      bytes: w.sessions * perSession,
    });
  }
  if (scenario.replication !== undefined) {
    // The consistency monitor keeps a little per session it has seen.
    const seen = Math.min(w.sessions, operations);
    items.push({ what: "consistency monitor (per session seen)", bytes: seen * 300 });
  }
  if (w.clients !== undefined) {
    items.push({
      what: `closed-loop clients (${formatCount(w.clients)} × ${BYTES_PER_CLIENT} bytes)`,
      bytes: w.clients * BYTES_PER_CLIENT,
    });
  }
  const maxConnections = scenario.database.maxConnections;
  items.push({
    what: "server rate tables (per max_connections)",
    bytes: nodes * (maxConnections + 1) * 8,
  });
  if (history) {
    const limit =
      typeof history === "object"
        ? (history.limit ?? DEFAULT_HISTORY_LIMIT)
        : DEFAULT_HISTORY_LIMIT;
    const slots = Math.min(limit, operations);
    items.push({
      what: `history (${formatCount(slots)} operations)`,
      bytes: slots * HISTORY_BYTES_PER_OP,
    });
  }
  items.push(...componentMemory);
  return items.filter((m) => m.bytes > 0);
}

export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 1e9) return n.toExponential(1);
  return Math.round(n * 100) / 100 >= 1000
    ? Math.round(n).toLocaleString("en-US")
    : String(Math.round(n * 100) / 100);
}
