// Worker threads kept between experiments. A thread's fixed cost — Node's worker
// bootstrap, loading the library (zod's schemas about half of it), then V8 compiling
// the hot code again in that thread's own isolate — is paid per thread, whatever
// the sweep's length; a program that runs several sweeps pays it once with these.
import { availableParallelism } from "node:os";
import { RunThreads } from "./threads.js";

/** @internal The count of worker threads, checked. */
export function checkWorkers(workers: number): number {
  if (!Number.isSafeInteger(workers) || workers < 1 || workers > 1024) {
    throw new RangeError(`workers: expected an integer from 1 to 1024; got ${workers}`);
  }
  return workers;
}

/**
 * Worker threads for experiments, started once and kept until
 * {@link ExperimentWorkers.destroy}: pass them as `pool` to
 * `runExperimentOnWorkers` or `runPartialOnWorkers`, as often as needed, and
 * the threads' start-up and JIT warm-up are paid once. Idle threads do not keep
 * the process alive. Results are the same bytes as with fresh threads.
 *
 * @example
 * ```ts
 * import { ExperimentWorkers, runExperimentOnWorkers } from "dbsim/node";
 * const pool = new ExperimentWorkers({ workers: 4 });
 * try {
 *   const a = await runExperimentOnWorkers(first, { pool });
 *   const b = await runExperimentOnWorkers(second, { pool });
 * } finally {
 *   await pool.destroy();
 * }
 * ```
 *
 * @remarks Since 0.2.0
 */
export class ExperimentWorkers {
  /** The number of threads. */
  readonly size: number;
  readonly #threads: RunThreads;
  #destroyed = false;

  /** Starts the threads (default: the machine's available parallelism). */
  constructor(options: { readonly workers?: number } = {}) {
    this.size = checkWorkers(options.workers ?? availableParallelism());
    this.#threads = new RunThreads();
    this.#threads.grow(this.size);
  }

  /** @internal The threads, for the runners in pool.ts; throws once destroyed. */
  threads(): RunThreads {
    if (this.#destroyed) throw new Error("pool: these ExperimentWorkers were destroyed");
    return this.#threads;
  }

  /** Ends the threads; the pool cannot be used afterwards. */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    await this.#threads.destroy();
  }
}
