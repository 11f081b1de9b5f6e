// Running an experiment in this thread: the plan of runs (points × replications,
// optionally one shard's points), each run a pure function of its scenario and
// seed, and the records gathered by (point, replication), not by completion
// order. The Node entry (dbsim/node) runs the same tasks on worker threads.
import {
  checkWorkLimits,
  estimateWork,
  runScenarioDetailed,
  WorkLimitError,
} from "../scenario/index.js";
import type { ScenarioIssue } from "../scenario/parse.js";
import type { Scenario } from "../scenario/schema.js";
import { VERSION } from "../scenario/version.js";
import { canonicalJson, fnv1a64 } from "./hash.js";
import { histogramToPortable, type PortableHistogram } from "./histogram.js";
import { metricValue } from "./metrics.js";
import { ExperimentError, type ExperimentPlan, resolveExperiment } from "./parse.js";
import { isPrecise, roundSizes } from "./precision.js";
import {
  type ExperimentResult,
  finalizeResult,
  type PartialResult,
  type PointRuns,
  type PooledLatency,
  type RunRecord,
} from "./result.js";
import { deriveSeed } from "./seeds.js";
import { type TransientCheck, transientOf, transientWindowMs } from "./transient.js";

/**
 * One run of an experiment: what a worker needs, and nothing else (plain data,
 * so it crosses a thread boundary).
 *
 * @remarks Since 0.2.0
 */
export interface RunTask {
  /** The point's index in the grid. */
  readonly point: number;
  /** The replication's index, from 0. */
  readonly replication: number;
  /** The run's seed, derived from the master seed, the point and the replication. */
  readonly seed: number;
  /** The point's resolved scenario. */
  readonly scenario: Scenario;
  /** The report paths to read. */
  readonly metrics: readonly string[];
  /** Whether to return the run's latency histograms (for pooled percentiles). */
  readonly histograms: boolean;
  /** When set, the run's time-series window, and the record carries the work in flight of each. */
  readonly windowMs?: number;
}

/**
 * Which of n slices of the grid to run: point p belongs to shard p mod count,
 * so each shard gets points from every part of the grid.
 *
 * @remarks Since 0.2.0
 */
export interface Shard {
  /** This shard, 0 ≤ index < count. */
  readonly index: number;
  /** How many shards the grid is cut into. */
  readonly count: number;
}

/** The whole grid as one shard. */
export const WHOLE: Shard = Object.freeze({ index: 0, count: 1 });

/**
 * Options of {@link runExperiment}.
 *
 * @remarks Since 0.2.0
 */
export interface RunExperimentOptions {
  /** Run only this slice of the points. */
  readonly shard?: Shard;
  /** Called after each run with the runs done and the runs planned. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * The hash that identifies an experiment in partial results: its resolved
 * fields and base scenario, key order aside.
 *
 * @remarks Since 0.2.0
 */
export function experimentHash(plan: ExperimentPlan): string {
  return fnv1a64(canonicalJson({ experiment: plan.experiment, base: plan.baseScenario }));
}

/**
 * The runs of one shard, point by point, replication by replication.
 *
 * @remarks Since 0.2.0
 */
export function planRuns(plan: ExperimentPlan, shard: Shard = WHOLE): RunTask[] {
  checkShard(shard);
  const tasks: RunTask[] = [];
  for (const point of plan.points) {
    if (point.index % shard.count !== shard.index) continue;
    for (let r = 0; r < plan.experiment.replications; r++) tasks.push(taskFor(plan, point, r));
  }
  return tasks;
}

/**
 * Replication `r` of a point: its seed from the master seed, the point (0 under
 * CRN) and `r`; `scenario` in place of the point's (a longer warm-up), and the
 * windows to return when `windowMs` is given.
 */
function taskFor(
  plan: ExperimentPlan,
  point: ExperimentPlan["points"][number],
  r: number,
  scenario: Scenario = point.scenario,
  windowMs?: number,
): RunTask {
  const { experiment } = plan;
  const seedPoint = experiment.commonRandomNumbers ? 0 : point.index;
  return {
    point: point.index,
    replication: r,
    seed: deriveSeed(experiment.seed, seedPoint, r),
    scenario,
    metrics: experiment.metrics,
    histograms: experiment.pooledPercentiles,
    ...(windowMs === undefined ? {} : { windowMs }),
  };
}

/**
 * The runs of one shard as rounds: the generator yields each round's tasks
 * and takes their records back (in the order given), and returns the partial
 * result. Without a precision there is one round, every planned run; with one,
 * the first `replications` of every point, then `batch` more for each point
 * whose intervals are still too wide (see precision.ts). A driver runs each
 * round in this thread or on workers: the rounds do not depend on which.
 *
 * @remarks Since 0.2.0
 */
export function* experimentRounds(
  plan: ExperimentPlan,
  shard: Shard = WHOLE,
): Generator<RunTask[], PartialResult, RunRecord[]> {
  const precision = plan.experiment.precision;
  if (precision === undefined) {
    const tasks = planRuns(plan, shard);
    return assemblePartial(plan, shard, tasks, yield tasks);
  }
  checkShard(shard);
  const sizes = roundSizes(plan.experiment, precision);
  const mine = plan.points.filter((p) => p.index % shard.count === shard.index);
  const first = yield* firstRound(plan, mine, sizes[0] as number);
  const runs = new Map(mine.map((p) => [p.index, first.get(p.index) as PointRound]));
  const values = (p: number): (readonly (number | null)[])[] =>
    (runs.get(p)?.records ?? []).map((r) => r.values);
  const metrics = plan.experiment.metrics.length;
  const precise = (p: number, n: number): boolean => isPrecise(values(p), metrics, n, precision);
  let active = mine.filter((p) => !precise(p.index, sizes[0] as number));
  for (let round = 1; round < sizes.length && active.length > 0; round++) {
    const from = sizes[round - 1] as number;
    const to = sizes[round] as number;
    const tasks = active.flatMap((point) => {
      const scenario = runs.get(point.index)?.scenario;
      return Array.from({ length: to - from }, (_, i) => taskFor(plan, point, from + i, scenario));
    });
    const records = yield tasks;
    tasks.forEach((task, i) => {
      const run = runs.get(task.point) as PointRound;
      run.tasks.push(task);
      run.records.push(records[i] as RunRecord);
    });
    active = active.filter((p) => !precise(p.index, to));
  }
  const ordered = mine.map((p) => runs.get(p.index) as PointRound);
  return assemblePartial(
    plan,
    shard,
    ordered.flatMap((r) => r.tasks),
    ordered.flatMap((r) => r.records),
    new Map(
      ordered.map((r, i) => [(mine[i] as ExperimentPlan["points"][number]).index, r.transient]),
    ),
  );
}

/** A point's runs so far, the scenario they ran and what MSER-5 found. */
interface PointRound {
  readonly scenario: Scenario;
  readonly tasks: RunTask[];
  readonly records: RunRecord[];
  readonly transient: TransientCheck;
}

/**
 * The first round of every point, with its windows; then MSER-5 on each point's
 * averaged work in flight, and the round again, with the warm-up lengthened by
 * what MSER-5 would discard, for each point where that is not 0 (transient.ts).
 */
function* firstRound(
  plan: ExperimentPlan,
  points: readonly ExperimentPlan["points"][number][],
  n: number,
): Generator<RunTask[], Map<number, PointRound>, RunRecord[]> {
  const round = function* (
    todo: readonly { point: ExperimentPlan["points"][number]; scenario: Scenario }[],
  ): Generator<RunTask[], Map<number, { tasks: RunTask[]; records: RunRecord[] }>, RunRecord[]> {
    const tasks = todo.flatMap(({ point, scenario }) =>
      Array.from({ length: n }, (_, r) =>
        taskFor(plan, point, r, scenario, transientWindowMs(scenario)),
      ),
    );
    const records = yield tasks;
    const out = new Map<number, { tasks: RunTask[]; records: RunRecord[] }>();
    tasks.forEach((task, i) => {
      const entry = out.get(task.point) ?? { tasks: [], records: [] };
      entry.tasks.push(task);
      entry.records.push(records[i] as RunRecord);
      out.set(task.point, entry);
    });
    return out;
  };
  const inFlight = (records: readonly RunRecord[]) => records.map((r) => r.inFlight ?? []);
  const done = yield* round(points.map((point) => ({ point, scenario: point.scenario })));
  const found = new Map(
    points.map((p) => {
      const windowMs = transientWindowMs(p.scenario);
      return [
        p.index,
        { windowMs, ...transientOf(inFlight(done.get(p.index)?.records ?? []), windowMs) },
      ];
    }),
  );
  const longer = points
    .filter((p) => (found.get(p.index)?.truncateMs ?? 0) > 0)
    .map((point) => ({
      point,
      scenario: {
        ...point.scenario,
        warmup: point.scenario.warmup + Math.ceil(found.get(point.index)?.truncateMs ?? 0),
      },
    }));
  const again =
    longer.length > 0
      ? yield* round(longer)
      : new Map<number, { tasks: RunTask[]; records: RunRecord[] }>();
  const out = new Map<number, PointRound>();
  for (const point of points) {
    const f = found.get(point.index) as { windowMs: number; truncateMs: number; settled: boolean };
    const rerun = again.get(point.index);
    const scenario = longer.find((l) => l.point === point)?.scenario ?? point.scenario;
    const runs = rerun ?? done.get(point.index) ?? { tasks: [], records: [] };
    out.set(point.index, {
      scenario,
      tasks: runs.tasks,
      // The windows served MSER-5; the records keep the metrics only.
      records: runs.records.map(({ inFlight: _inFlight, ...record }) => record),
      transient: {
        windowMs: f.windowMs,
        warmupMs: scenario.warmup,
        scenarioWarmupMs: point.scenario.warmup,
        truncateMs: f.truncateMs,
        settled: f.settled,
        applied: rerun !== undefined,
        truncateAfterMs:
          rerun === undefined
            ? null
            : transientOf(inFlight(rerun.records), transientWindowMs(scenario)).truncateMs,
      },
    });
  }
  return out;
}

/**
 * Checks, before anything runs, that every run of a shard passes the work
 * limits a run checks for itself (operations, events, memory: see
 * `checkWorkLimits`), so a sweep is refused at once rather than a run failing on
 * a worker thread; throws an {@link ExperimentError} naming each point refused.
 *
 * @remarks Since 0.2.0
 */
export function checkRunLimits(plan: ExperimentPlan, shard: Shard = WHOLE): void {
  const issues: ScenarioIssue[] = [];
  for (const point of plan.points) {
    if (point.index % shard.count !== shard.index) continue;
    try {
      checkWorkLimits(estimateWork(point.scenario));
    } catch (error) {
      if (!(error instanceof WorkLimitError)) throw error;
      const where = Object.entries(point.parameters)
        .map(([p, v]) => `${p} = ${JSON.stringify(v)}`)
        .join(", ");
      issues.push({
        path: Object.keys(point.parameters).length > 0 ? "parameters" : "scenario",
        code: "too_big",
        message: `point ${point.index}${where === "" ? "" : ` (${where})`} would be refused: ${error.message}`,
      });
    }
  }
  if (issues.length > 0) throw new ExperimentError(issues);
}

/**
 * Runs one task: the point's scenario on the task's seed, and the chosen
 * figures of its report (null where the report has none).
 *
 * @remarks Since 0.2.0
 */
export function executeRun(task: RunTask): RunRecord {
  const windows = task.windowMs === undefined ? {} : { timeSeries: { windowMs: task.windowMs } };
  const run = runScenarioDetailed(task.scenario, { seed: task.seed, ...windows });
  const record = {
    replication: task.replication,
    seed: task.seed,
    values: task.metrics.map((m) => metricValue(run.report, m)),
    ...(task.windowMs === undefined ? {} : { inFlight: run.report.verdict.inFlightByWindow }),
  };
  if (!task.histograms) return record;
  const h = run.latencyHistograms;
  const histograms: Record<PooledLatency, PortableHistogram> = {
    "latency.read": histogramToPortable(h.read),
    "latency.write": histogramToPortable(h.write),
    "latency.all": histogramToPortable(h.all),
  };
  return { ...record, histograms };
}

/**
 * A partial result from the records of a shard's runs (in any order).
 *
 * @remarks Since 0.2.0
 */
export function assemblePartial(
  plan: ExperimentPlan,
  shard: Shard,
  tasks: readonly RunTask[],
  records: readonly RunRecord[],
  transient?: ReadonlyMap<number, TransientCheck>,
): PartialResult {
  const byPoint = new Map<number, RunRecord[]>();
  tasks.forEach((task, i) => {
    const list = byPoint.get(task.point) ?? [];
    list.push(records[i] as RunRecord);
    byPoint.set(task.point, list);
  });
  const points: PointRuns[] = plan.points
    .filter((p) => byPoint.has(p.index))
    .map((p) => ({
      index: p.index,
      parameters: p.parameters,
      ...(transient?.has(p.index) ? { transient: transient.get(p.index) as TransientCheck } : {}),
      runs: [...(byPoint.get(p.index) ?? [])].sort((a, b) => a.replication - b.replication),
    }));
  return {
    kind: "dbsim-experiment-partial",
    dbsimVersion: VERSION,
    experimentHash: experimentHash(plan),
    shard: { index: shard.index, count: shard.count },
    pointCount: plan.points.length,
    experiment: plan.experiment,
    points,
  };
}

/**
 * Runs one shard of an experiment in this thread and returns its partial result.
 * Throws an {@link ExperimentError} listing every problem of a bad experiment.
 *
 * @remarks Since 0.2.0
 */
export function runExperimentPartial(
  input: unknown,
  options: RunExperimentOptions = {},
): PartialResult {
  return runPlanPartial(resolveExperiment(input), options);
}

/**
 * Runs one shard of a validated experiment plan in this thread.
 *
 * @remarks Since 0.2.0
 */
export function runPlanPartial(
  plan: ExperimentPlan,
  options: RunExperimentOptions = {},
): PartialResult {
  const shard = options.shard ?? WHOLE;
  checkShard(shard);
  checkRunLimits(plan, shard);
  const rounds = experimentRounds(plan, shard);
  let planned = 0;
  let done = 0;
  let step = rounds.next();
  while (!step.done) {
    const tasks = step.value;
    planned += tasks.length;
    step = rounds.next(
      tasks.map((task) => {
        const record = executeRun(task);
        options.onProgress?.(++done, planned);
        return record;
      }),
    );
  }
  return step.value;
}

/**
 * Runs a whole experiment in this thread: every point, every replication, and
 * the summaries (mean, standard deviation, Student-t 95 % interval per metric and
 * point; paired and unpaired comparisons with the baseline point). Throws an
 * {@link ExperimentError} listing every problem of a bad experiment.
 *
 * @example
 * ```ts
 * const result = runExperiment({
 *   scenario: "read-heavy",
 *   parameters: { "workload.rate": [600, 1200] },
 *   replications: 3,
 *   metrics: ["latency.read.p99"],
 * });
 * ```
 *
 * @remarks Since 0.2.0
 */
export function runExperiment(
  input: unknown,
  options: Omit<RunExperimentOptions, "shard"> = {},
): ExperimentResult {
  return finalizeResult([runExperimentPartial(input, options)]);
}

function checkShard(shard: Shard): void {
  if (!Number.isSafeInteger(shard.count) || shard.count < 1) {
    throw new RangeError(`shard count: expected an integer ≥ 1; got ${shard.count}`);
  }
  if (!Number.isSafeInteger(shard.index) || shard.index < 0 || shard.index >= shard.count) {
    throw new RangeError(
      `shard index: expected an integer from 0 to ${shard.count - 1}; got ${shard.index}`,
    );
  }
}
