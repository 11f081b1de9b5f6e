// How a run ends when it cannot reach its end time, and how runScenario says so.
// - The event bound, an abort, or too much work in flight: the report is
//   returned with `stoppedBy` ("eventLimit", "aborted", "overloaded") and a
//   sentence in `stopDetail`; its figures cover the time run.
// - The clock standing still (a livelock): a LivelockError naming the
//   component that retries, thrown — figures at a frozen instant mean nothing.
// - A scenario past its limits (estimate.ts): a WorkLimitError, before the run.
import { LivelockError, type Simulation } from "../kernel/index.js";
import type { ErrorKind } from "../models/operation.js";
import type { Workload } from "../models/workload/workload.js";
import { BYTES_PER_IN_FLIGHT, formatCount } from "./estimate.js";
import type { Scenario } from "./schema.js";

/**
 * What runScenario reads of an abort signal: a DOM or Node `AbortSignal` fits.
 *
 * @remarks Since 0.2.0
 */
export interface AbortSignalLike {
  /** True once the run should stop. */
  readonly aborted: boolean;
}

/**
 * Where a run is, for `onProgress`.
 *
 * @remarks Since 0.2.0
 */
export interface RunProgress {
  /** Simulated time reached (ms). */
  readonly simulatedMs: number;
  /** Simulated time the run ends at: warm-up + duration (ms). */
  readonly endMs: number;
  /** Kernel events run so far. */
  readonly events: number;
  /** Operations issued so far. */
  readonly operations: number;
}

/**
 * Why a run ended: its end time, the event bound, an abort signal, or more
 * operations in flight than `limits.maxInFlight`.
 *
 * @remarks Since 0.2.0
 */
export type StoppedBy = "end" | "eventLimit" | "aborted" | "overloaded";

/** Events per slice: progress and the abort signal are looked at between slices. */
const EVENTS_PER_SLICE = 1 << 20;
const STEPS = 100;

/** @internal Runs the simulation to `endMs` in slices; returns why it stopped. */
export function runInSlices(
  sim: Simulation,
  workload: Workload,
  endMs: number,
  maxEvents: number,
  options: {
    readonly signal?: AbortSignalLike | undefined;
    readonly onProgress?: ((fraction: number, progress: RunProgress) => void) | undefined;
  },
): StoppedBy {
  let eventsLeft = maxEvents;
  const report = (fraction: number): void => {
    options.onProgress?.(fraction, {
      simulatedMs: sim.now,
      endMs,
      events: sim.eventsProcessed,
      operations: workload.issued,
    });
  };
  let step = 1;
  while (step <= STEPS) {
    if (options.signal?.aborted === true) return "aborted";
    const until = step === STEPS ? endMs : (endMs * step) / STEPS;
    const result = sim.run({ until, maxEvents: Math.min(eventsLeft, EVENTS_PER_SLICE) });
    eventsLeft -= result.events;
    if (workload.overloadedAtMs !== null) return "overloaded";
    if (result.reason === "maxEvents") {
      if (eventsLeft <= 0) return "eventLimit";
      // Mid-step: within the step, below its end, so the fractions never go back.
      const low = (step - 1) / STEPS;
      report(Math.min(low + 0.999 / STEPS, Math.max(low, sim.now / endMs)));
      continue;
    }
    report(step / STEPS);
    step++;
  }
  return "end";
}

/** @internal The sentence that goes with a stop other than "end". */
export function stopDetail(
  stoppedBy: StoppedBy,
  sim: Simulation,
  workload: Workload,
  maxEvents: number,
  maxInFlight: number,
): string | undefined {
  const at = `${formatCount(sim.now)} ms`;
  switch (stoppedBy) {
    case "end":
      return undefined;
    case "eventLimit":
      return `the run hit its event limit (${formatCount(maxEvents)} events) at ${at}; figures cover the time run`;
    case "aborted":
      return `the run was aborted at ${at}; figures cover the time run`;
    case "overloaded":
      return `overloaded: ${formatCount(workload.inFlight)} operations in flight at ${at} (limit maxInFlight ${formatCount(maxInFlight)}, about ${formatCount(Math.round((maxInFlight * BYTES_PER_IN_FLIGHT) / 2 ** 20))} MB); the plan completes less than is offered, and going on would exhaust memory; figures cover the time run`;
  }
}

/** @internal Error kinds completed at the latest instant that had any. */
export class InstantErrors {
  private atMs = Number.NaN;
  private readonly counts = new Map<ErrorKind, number>();

  add(kind: ErrorKind, nowMs: number): void {
    if (nowMs !== this.atMs) {
      this.atMs = nowMs;
      this.counts.clear();
    }
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
  }

  /** The most frequent kind at `nowMs`, or null when none completed then. */
  dominant(nowMs: number): ErrorKind | null {
    if (nowMs !== this.atMs) return null;
    let best: ErrorKind | null = null;
    let most = 0;
    for (const [kind, n] of this.counts) {
      if (n > most) {
        best = kind;
        most = n;
      }
    }
    return best;
  }
}

/** @internal The livelock, with the component that retries and how to fix it. */
export function explainLivelock(
  error: LivelockError,
  scenario: Scenario,
  kind: ErrorKind | null,
): LivelockError {
  const w = scenario.workload;
  const retrier =
    w.clients !== undefined
      ? "the closed-loop clients issue their next operation at once (workload.thinkTime)"
      : "the workload keeps arriving at the same instant (workload.rate: the gaps between arrivals round to 0 at this time)";
  const component = kind === null ? `the workload (${error.handler})` : componentOf(kind, scenario);
  const hint =
    kind === null
      ? `${retrier}; lower the rate or give the run a shorter duration`
      : `every operation fails at once with ${kind} and ${retrier}, so the clock never moves; give the clients a think time, or let the component accept more`;
  return new LivelockError(error.timeMs, error.events, error.handler, { component, hint });
}

function componentOf(kind: ErrorKind, scenario: Scenario): string {
  switch (kind) {
    case "too_many_clients":
      return `the database (max_connections ${scenario.database.maxConnections} refuses new connections)`;
    case "max_client_conn":
      return `pgbouncer (maxClientConn ${scenario.pool?.maxClientConn} refuses new clients)`;
    case "statement_mode_transaction":
      return "pgbouncer (statement pool mode refuses multi-statement transactions)";
    case "query_wait_timeout":
      return "pgbouncer (queryWaitTimeout)";
    case "proxy_max_connections":
      return `ProxySQL (maxConnections ${scenario.proxy?.maxConnections} refuses new clients)`;
    case "hostgroup_unavailable":
      return "ProxySQL (no server available in the hostgroup)";
    case "connection_timeout":
      return `the application's connection pool (connectionTimeout ${scenario.client.connectionTimeout} ms)`;
    case "lock_timeout":
      return "the database (a row-lock wait reached its lock timeout)";
    case "deadlock":
      return "the database (a deadlock chose the transaction as its victim)";
  }
}
