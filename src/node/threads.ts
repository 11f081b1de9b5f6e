// The worker threads of one experiment, started in two steps: one thread before
// the experiment is parsed and planned, so its start-up (a Node worker's bootstrap,
// then loading the library: about 0.1 s) overlaps the parent's work, and the
// others once the number of runs is known, so a sweep of few runs does not start
// threads it cannot use. Each thread takes one run at a time from a shared list,
// so a thread that finishes early takes the next run (no run is bound to a thread
// in advance).
import { Piscina } from "piscina";
import type { RunRecord } from "../experiment/result.js";
import type { RunTask } from "../experiment/run.js";

/**
 * The worker module: the built `node-worker.js` beside this file, or, when this
 * file runs as TypeScript (tests, tsx), `worker.ts` loaded through tsx.
 */
function workerModule(): { filename: string; execArgv: string[] } {
  const self = import.meta.url;
  if (self.endsWith(".ts")) {
    return { filename: new URL("./worker.ts", self).href, execArgv: ["--import", "tsx"] };
  }
  return { filename: new URL("./node-worker.js", self).href, execArgv: [] };
}

/** @internal What {@link RunThreads} needs of a pool of threads (piscina's `Piscina`). */
export interface ThreadPool {
  run(task: RunTask): Promise<RunRecord>;
  destroy(): Promise<void>;
}

function startPool(threads: number): ThreadPool {
  return new Piscina<RunTask, RunRecord>({
    ...workerModule(),
    minThreads: threads,
    maxThreads: threads,
    // One task per thread at a time: the threads pull runs from one list (run()).
    concurrentTasksPerWorker: 1,
  });
}

/** @internal Worker threads for the runs of experiments; {@link RunThreads.destroy} ends them. */
export class RunThreads {
  /** One entry per thread: the pool that owns it. */
  private readonly slots: ThreadPool[];
  private readonly pools: ThreadPool[];

  /** Starts the first thread at once; `start` starts a pool of n threads (tests pass a fake). */
  constructor(private readonly start: (threads: number) => ThreadPool = startPool) {
    const first = start(1);
    this.pools = [first];
    this.slots = [first];
  }

  /** The threads started so far. */
  get size(): number {
    return this.slots.length;
  }

  /** Starts threads up to `threads` in all (at least the first). */
  grow(threads: number): void {
    const more = threads - this.slots.length;
    if (more <= 0) return;
    const pool = this.start(more);
    this.pools.push(pool);
    for (let i = 0; i < more; i++) this.slots.push(pool);
  }

  /**
   * Runs `tasks` in the order `order` gives, each thread taking the next when it
   * is free; each record lands at its task's position. `onRecord` is called
   * with the task's position after each run.
   */
  async run(
    tasks: readonly RunTask[],
    order: readonly number[],
    onRecord: (position: number) => void,
  ): Promise<RunRecord[]> {
    const records: RunRecord[] = new Array(tasks.length);
    let next = 0;
    await Promise.all(
      this.slots.map(async (pool) => {
        while (next < order.length) {
          const i = order[next++] as number;
          records[i] = await pool.run(tasks[i] as RunTask);
          onRecord(i);
        }
      }),
    );
    return records;
  }

  /** Ends every thread. */
  async destroy(): Promise<void> {
    await Promise.all(this.pools.map((pool) => pool.destroy()));
  }
}
