// runScenario: build the topology (a fold over the component registry), run
// warm-up + duration, and read the report. What is measured, and the warm-up
// cut that restarts it, is in measure.ts; each component measures its own part
// and writes its own report section. The run is bounded by its end time and by
// maxEvents.

import type { History } from "../consistency/index.js";
import { DEFAULT_MAX_EVENTS_PER_INSTANT, LivelockError, Simulation } from "../kernel/index.js";
import type { Operation } from "../models/operation.js";
import { Workload } from "../models/workload/workload.js";
import { type BuiltTopology, buildTopology } from "./build.js";
import { REPORT_SECTIONS } from "./components/index.js";
import { shardReplicaNames } from "./components/shard-sections.js";
import { planCost } from "./cost.js";
import { estimateWork } from "./estimate.js";
import { roundFigure } from "./fields.js";
import type { TopologyGraph } from "./graph.js";
import type { LagSeries } from "./lag.js";
import { checkWorkLimits, type RunLimits, resolveLimits } from "./limits.js";
import { type LatencyHistograms, Measurement, perSecond } from "./measure.js";
import { ConsistencyObservers } from "./observe.js";
import { resolveScenario } from "./parse.js";
import type { Report } from "./report.js";
import type { Scenario, ScenarioInput } from "./schema.js";
import {
  type AbortSignalLike,
  explainLivelock,
  type RunProgress,
  runInSlices,
  stopDetail,
} from "./stops.js";
import { TimeSeriesRecorder } from "./time-series.js";
import { VerdictRecorder } from "./verdict.js";
import { VERSION } from "./version.js";

export type { LagPoint, LagSeries } from "./lag.js";
export type { LatencyHistograms } from "./measure.js";

/**
 * Options for {@link runScenario}.
 *
 * @remarks Since 0.1.0
 */
export interface RunScenarioOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Bound on kernel events (default 2e9): a run that hits it stops and says so (`stoppedBy: "eventLimit"`). */
  maxEvents?: number;
  /**
   * Called with the fraction done, 0..1, and where the run is: at least a
   * hundred times per run, and at least every 2^20 events (a fraction of a
   * second), so a long run shows progress from its first second.
   */
  onProgress?: (fraction: number, progress: RunProgress) => void;
  /**
   * Stops the run between two slices of events once it is aborted: the report
   * comes back with `stoppedBy: "aborted"` and figures for the time run. The run
   * is synchronous, so abort it from `onProgress` (or from another thread
   * through shared memory); a timer's abort cannot fire while it runs.
   *
   * @remarks Since 0.2.0
   */
  signal?: AbortSignalLike;
  /**
   * Limits checked against the run's estimate before it starts (a
   * {@link WorkLimitError} when passed) and, for `maxInFlight`, while it runs.
   * Defaults: {@link DEFAULT_LIMITS}.
   *
   * @remarks Since 0.2.0
   */
  limits?: RunLimits;
  /**
   * Run even when the estimate passes `limits` (the in-flight bound still
   * applies: it is what keeps the process alive).
   *
   * @remarks Since 0.2.0
   */
  force?: boolean;
  /**
   * Record every operation (warm-up included) in a {@link History} for the
   * consistency checkers: `true`, or `{ limit }` to bound it (default limit 10^7
   * operations; about 40 bytes each). Off by default.
   */
  history?: boolean | { readonly limit?: number };
  /**
   * Adds `timeSeries` to the report: the measured period in windows of
   * `windowMs` (at most 10 000 windows), each with its throughput, errors,
   * latency, CPU per node, requests waiting and replica lag. Off by default.
   *
   * @remarks Since 0.2.0
   */
  timeSeries?: { readonly windowMs: number };
}

/**
 * What {@link runScenarioDetailed} returns: the report, plus what the API offers
 * beyond it.
 *
 * @remarks Since 0.1.0
 */
export interface ScenarioRun {
  /** The report. */
  readonly report: Report;
  /** The resolved scenario that ran (defaults filled in, seed override applied). */
  readonly scenario: Scenario;
  /** The topology that ran, as a graph. */
  readonly graph: TopologyGraph;
  /** Replica lag over time (empty without replication). */
  readonly lagSeries: readonly LagSeries[];
  /** Every operation, when `history` was asked for; otherwise null. */
  readonly history: History | null;
  /**
   * The histograms the report's latency figures come from (measured window,
   * successful operations), for pooling percentiles or drawing a CDF.
   *
   * @remarks Since 0.2.0
   */
  readonly latencyHistograms: LatencyHistograms;
}

/**
 * Runs a scenario and returns its report. The scenario may be a resolved
 * {@link Scenario} or raw input; raw input is validated first and a
 * {@link ScenarioError} lists every problem. Same scenario and seed, same report.
 *
 * @example
 * ```ts
 * const report = runScenario({ workload: { rate: 500 }, duration: "10s" });
 * console.log(report.latency.all.p99);
 * ```
 *
 * @remarks Since 0.1.0
 */
export function runScenario(
  scenario: ScenarioInput | Scenario,
  options: RunScenarioOptions = {},
): Report {
  return runScenarioDetailed(scenario, options).report;
}

/**
 * Runs a scenario and returns the report with the resolved scenario and the topology graph.
 *
 * @remarks Since 0.1.0
 */
export function runScenarioDetailed(
  input: ScenarioInput | Scenario,
  options: RunScenarioOptions = {},
): ScenarioRun {
  const scenario = resolveRun(input, options);
  const sim = new Simulation({
    seed: scenario.seed,
    maxEventsPerInstant: maxEventsPerInstant(scenario),
  });
  const topology = buildTopology(sim, scenario);
  const endMs = scenario.warmup + scenario.duration;
  const run = wireRun(sim, scenario, topology, options);
  const { observers, verdict, measure, series, running } = run;

  const maxEvents = options.maxEvents ?? 2_000_000_000;
  let stoppedBy: Report["stoppedBy"];
  try {
    stoppedBy = runInSlices(sim, running, endMs, maxEvents, options);
  } catch (error) {
    if (!(error instanceof LivelockError)) throw error;
    throw explainLivelock(error, scenario, measure.instantErrors.dominant(error.timeMs));
  }
  // A run stopped by its event limit inside the warm-up measured nothing.
  if (!measure.gate.isCut) measure.gate.cutEarly(sim.now);
  for (const stats of topology.stats.values()) stats.stop?.();
  verdict.stop();

  const { report, measuredMs } = readReport(scenario, sim, topology, measure, observers, {
    stoppedBy,
    detail: stopDetail(stoppedBy, sim, running, maxEvents, run.maxInFlight),
  });
  const judged = verdict.verdict({
    stoppedBy,
    simulatedMs: sim.now,
    measuredMs,
    offered: measure.offered,
    completed: measure.completed,
    failedByKind: report.errors.byKind,
    nodes: report.nodes,
    replicaNames: report.replication?.replicas.map((r) => r.name) ?? shardReplicaNames(report),
  });
  const lagSeries = [...topology.stats.values()].flatMap((s) => s.series?.() ?? []);
  return {
    report: {
      ...report,
      verdict: judged,
      ...(series === null ? {} : { timeSeries: series.finish(lagSeries, verdict.seriesInFlight) }),
    },
    scenario,
    graph: topology.graph,
    lagSeries,
    history: observers.history,
    latencyHistograms: measure.histograms(),
  };
}

/** What a run measures and checks, wired to its topology and started. */
interface WiredRun {
  readonly observers: ConsistencyObservers;
  readonly verdict: VerdictRecorder;
  readonly measure: Measurement;
  readonly series: TimeSeriesRecorder | null;
  readonly running: Workload;
  readonly maxInFlight: number;
}

/**
 * Puts the run's observers between the workload and the topology (consistency
 * monitor, verdict, recorders, time series), registers every statistic with
 * the warm-up gate, and starts the workload and the samplers.
 */
function wireRun(
  sim: Simulation,
  scenario: Scenario,
  topology: BuiltTopology,
  options: RunScenarioOptions,
): WiredRun {
  const maxInFlight = resolveLimits(options.limits).maxInFlight;
  // Every cluster's replication: a sharded plan's verdict judges each shard's replicas.
  const replication = topology.clusters.flatMap((c) =>
    c.replication === null ? [] : [c.replication],
  );
  // What holds versions (replicas, a cache) may serve old ones: the monitor checks those plans.
  const observers = new ConsistencyObservers(
    topology.versions,
    topology.clusters.some((c) => c.holders.length > 0),
    options.history,
    topology.movedKeyViolations,
  );
  // One set of windows: the verdict reads the time series' when one is asked for.
  const verdict = new VerdictRecorder(
    sim,
    scenario.warmup + scenario.duration,
    replication,
    options.timeSeries?.windowMs,
  );
  let workload: Workload | null = null;
  const issued = (): number => workload?.issued ?? 0;
  const measure = new Measurement(
    scenario.warmup,
    topology.clusters.flatMap((c) => c.nodes.map((n) => n.server.name)),
    issued,
  );
  const versions = topology.versions;
  const series =
    options.timeSeries === undefined
      ? null
      : TimeSeriesRecorder.of(
          sim,
          scenario,
          options.timeSeries.windowMs,
          topology.stats.values(),
          issued,
        );
  const complete = topology.complete;
  const onComplete = (op: Operation): void => {
    complete?.(op);
    verdict.finished();
    observers.complete(op);
    versions.acknowledge(op);
    measure.complete(op, sim.now);
    series?.complete(op);
  };
  const front = observers.wrap(verdict.counting(topology.front), topology.place);
  const running = new Workload(sim, { ...topology.workload, maxInFlight }, front, onComplete);
  workload = running;
  running.start();
  for (const stats of topology.stats.values()) measure.track(stats);
  measure.track(observers);
  measure.track({ reset: () => verdict.start() });
  if (series !== null) measure.track(series);
  const gate = measure.gate;
  if (scenario.warmup > 0) sim.at(scenario.warmup, () => gate.cut(sim.now), -1);
  else gate.cut(sim.now);
  startSamplers(sim, topology, observers);
  return { observers, verdict, measure, series, running, maxInFlight };
}

/** The report of a finished run, but its verdict: the run's figures, then each component's section. */
function readReport(
  scenario: Scenario,
  sim: Simulation,
  topology: BuiltTopology,
  measure: Measurement,
  observers: ConsistencyObservers,
  stop: { readonly stoppedBy: Report["stoppedBy"]; readonly detail: string | undefined },
): { report: Omit<Report, "verdict">; measuredMs: number } {
  const now = sim.now;
  const endMs = scenario.warmup + scenario.duration;
  const measuredMs = Math.max(0, Math.min(now, endMs) - scenario.warmup);
  const perSec = perSecond(measuredMs);
  const report: Record<string, unknown> = {
    version: VERSION,
    scenario: scenario.name,
    seed: scenario.seed,
    events: sim.eventsProcessed,
    simulatedMs: roundFigure(now),
    warmupMs: roundFigure(scenario.warmup),
    durationMs: roundFigure(measuredMs),
    stoppedBy: stop.stoppedBy,
    ...(stop.detail === undefined ? {} : { stopDetail: stop.detail }),
    throughput: {
      offeredPerSec: roundFigure(perSec(measure.offered)),
      completedPerSec: roundFigure(perSec(measure.completed)),
    },
    latency: measure.latency(),
    errors: { total: measure.errorsTotal, byKind: measure.errorsByKind() },
  };
  const window = measure.window(now, measuredMs, report);
  for (const key of Object.keys(REPORT_SECTIONS)) {
    const section = topology.stats.get(key)?.section?.(window);
    if (section !== undefined) report[key] = section;
  }
  const consistency = observers.section();
  if (consistency !== undefined) report.consistency = consistency;
  report.cost = planCost(scenario);
  return { report: report as Omit<Report, "verdict">, measuredMs };
}

/** The resolved scenario of a run (seed override applied), checked against the limits. */
function resolveRun(input: ScenarioInput | Scenario, options: RunScenarioOptions): Scenario {
  const base = resolveScenario(input);
  const scenario: Scenario =
    options.seed === undefined ? base : resolveScenario({ ...base, seed: options.seed });
  const limits = resolveLimits(options.limits);
  if (options.force !== true) {
    // A run the caller bounds by its own event count cannot outlast that bound:
    // only the memory held from the start can still refuse it.
    const bounded = options.maxEvents !== undefined && options.maxEvents <= limits.maxEvents;
    const checked = bounded
      ? { ...limits, maxEvents: Number.POSITIVE_INFINITY, maxOperations: Number.POSITIVE_INFINITY }
      : limits;
    checkWorkLimits(estimateWork(scenario, { history: options.history ?? false }), checked);
  }
  return scenario;
}

/**
 * Starts the components' samplers. After each sample each cluster's history is
 * compacted to the oldest log position any of its version holders (its nodes,
 * a cache in front) still serves: compacting walks every entry, so once per
 * simulated second bounds the memory without paying for it at every lag sample.
 */
function startSamplers(
  sim: Simulation,
  topology: BuiltTopology,
  observers: ConsistencyObservers,
): void {
  const all = [...topology.stats.values()];
  let compactedAt = Number.NEGATIVE_INFINITY;
  const tick = (): void => {
    if (!observers.monitoring || sim.now - compactedAt < 1000) return;
    compactedAt = sim.now;
    topology.clusters.forEach((c, i) => {
      // A fork first: the compaction point may already be past it, on the new timeline.
      for (const h of c.holders) for (const lsn of h.takeForks?.() ?? []) observers.fork(lsn, i);
      observers.compact(Math.min(...c.holders.map((h) => h.oldestLsnInUse())), i);
    });
  };
  for (const stats of all) stats.start?.(tick);
}

/**
 * The kernel's bound on events at one instant: 10^6, or 100 per entity that
 * could legitimately act at once (clients, connections), whichever is larger.
 */
function maxEventsPerInstant(scenario: Scenario): number {
  const c = scenario.client;
  const entities =
    (scenario.workload.clients ?? 0) +
    scenario.database.maxConnections +
    (c.connections === "persistent" ? c.instances * c.poolSize : 0);
  return Math.max(DEFAULT_MAX_EVENTS_PER_INSTANT, 100 * entities);
}
