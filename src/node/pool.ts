// Runs an experiment's runs on worker threads with piscina (a well-kept pool:
// piscinajs/piscina). Each run is a pure function of its task and its record is
// stored at the task's position, so the result does not depend on the number of
// workers nor on which finished first.
import { availableParallelism } from "node:os";
// From the modules that define them, not experiment/index.ts: the declaration
// bundle (tsup's dts, shared with dbsim's other entries) warns of a cycle through
// a re-exporting index.
import { type ExperimentPlan, resolveExperiment } from "../experiment/parse.js";
import { type ExperimentResult, finalizeResult, type PartialResult } from "../experiment/result.js";
import { checkRunLimits, experimentRounds, type Shard, WHOLE } from "../experiment/run.js";
import { longestFirst } from "./schedule.js";
import { RunThreads } from "./threads.js";
import { checkWorkers, type ExperimentWorkers } from "./workers.js";

/**
 * Options of {@link runExperimentOnWorkers}.
 *
 * @remarks Since 0.2.0
 */
export interface WorkerOptions {
  /** Worker threads (default: the machine's available parallelism); not with `pool`. */
  readonly workers?: number;
  /** Threads kept between experiments, to run on instead of starting new ones. */
  readonly pool?: ExperimentWorkers;
  /** Run only this slice of the points. */
  readonly shard?: Shard;
  /** Called after each run with the runs done and the runs planned. */
  readonly onProgress?: (done: number, total: number) => void;
}

/**
 * Runs one shard of an experiment on worker threads and returns its partial
 * result — the same bytes as {@link runExperimentPartial} in one thread.
 *
 * @remarks Since 0.2.0
 */
export async function runPartialOnWorkers(
  input: unknown,
  options: WorkerOptions = {},
): Promise<PartialResult> {
  const shared = options.pool;
  if (shared !== undefined && options.workers !== undefined) {
    throw new RangeError(
      `workers: give either workers (${options.workers}) or pool (${shared.size} threads), not both`,
    );
  }
  const workers = checkWorkers(options.workers ?? shared?.size ?? availableParallelism());
  // Without a pool, the first thread starts now, while the experiment is parsed and planned (threads.ts).
  const threads = shared?.threads() ?? new RunThreads();
  try {
    const plan: ExperimentPlan = resolveExperiment(input);
    const shard = options.shard ?? WHOLE;
    const rounds = experimentRounds(plan, shard);
    let step = rounds.next();
    checkRunLimits(plan, shard);
    threads.grow(Math.min(workers, step.done ? 1 : step.value.length || 1));
    let done = 0;
    let planned = 0;
    // Each round runs whole before the next is decided: the rounds are those of one thread.
    while (!step.done) {
      const tasks = step.value;
      planned += tasks.length;
      // Handed out longest first (schedule.ts); each record is kept at its task's position.
      const records = await threads.run(tasks, longestFirst(tasks), () => {
        done++;
        options.onProgress?.(done, planned);
      });
      step = rounds.next(records);
    }
    return step.value;
  } finally {
    if (shared === undefined) await threads.destroy();
  }
}

/**
 * Runs a whole experiment on worker threads: the same result, byte for byte, as
 * `runExperiment` in one thread, for any number of workers.
 *
 * @example
 * ```ts
 * import { runExperimentOnWorkers } from "dbsim/node";
 * const result = await runExperimentOnWorkers(experiment, { workers: 4 });
 * ```
 *
 * @remarks Since 0.2.0
 */
export async function runExperimentOnWorkers(
  input: unknown,
  options: Omit<WorkerOptions, "shard"> = {},
): Promise<ExperimentResult> {
  return finalizeResult([await runPartialOnWorkers(input, options)]);
}
