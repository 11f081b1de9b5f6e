// The hand-out order of runs on worker threads: longest first (Graham's LPT rule,
// src/node/schedule.ts), each thread taking the next run when it is free, every
// record at its task's position whatever the order. The threads here are fakes
// (no worker starts): test/node/pool.test.ts runs real ones.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  planRuns,
  type RunRecord,
  type RunTask,
  resolveExperiment,
} from "../../src/experiment/index.js";
import { longestFirst } from "../../src/node/schedule.js";
import { RunThreads, type ThreadPool } from "../../src/node/threads.js";

const experiment = (rates: readonly number[], replications: number) => ({
  scenario: "read-heavy",
  parameters: { duration: ["200ms"], warmup: ["0ms"], "workload.rate": [...rates] },
  replications,
  metrics: ["throughput.completedPerSec"],
});

describe("longest first", () => {
  it("hands out the costliest point's runs first, equal costs in grid order", () => {
    // Same plan but the rate: a run's operations are rate × time, so its events
    // grow with the rate (estimate.ts counts events per operation).
    const tasks = planRuns(resolveExperiment(experiment([1500, 200, 900], 2)));
    // Positions: 0, 1 at 1500/s; 2, 3 at 200/s; 4, 5 at 900/s.
    expect(longestFirst(tasks)).toEqual([0, 1, 4, 5, 2, 3]);
  });

  test.prop([fc.uniqueArray(fc.integer({ min: 1, max: 5000 }), { minLength: 1, maxLength: 6 })], {
    numRuns: 10,
  })("is a permutation in non-increasing rate", (rates) => {
    const tasks = planRuns(resolveExperiment(experiment(rates, 1)));
    const order = longestFirst(tasks);
    expect([...order].sort((a, b) => a - b)).toEqual(tasks.map((_, i) => i));
    expect(order.map((i) => rates[i] as number)).toEqual([...rates].sort((a, b) => b - a));
  });
});

/** Pools whose threads answer each task with its replication number after `delays[point]` ms. */
function fakePools(delays: readonly number[]) {
  const started: number[] = [];
  const handedOut: number[] = [];
  const start = (threads: number): ThreadPool => {
    started.push(threads);
    return {
      run: (task: RunTask) =>
        new Promise<RunRecord>((resolve) => {
          handedOut.push(task.point);
          setTimeout(
            () => resolve({ replication: task.replication, seed: task.seed, values: [task.point] }),
            delays[task.point],
          );
        }),
      destroy: async () => {},
    };
  };
  return { start, started, handedOut };
}

describe("worker threads of an experiment", () => {
  it("start one thread at once and grow to the number asked, never shrinking", async () => {
    const fake = fakePools([]);
    const threads = new RunThreads(fake.start);
    expect(threads.size).toBe(1);
    threads.grow(3);
    threads.grow(2);
    expect(threads.size).toBe(3);
    expect(fake.started).toEqual([1, 2]);
    await threads.destroy();
  });

  it("hand out runs in the order given, a free thread taking the next; records at their positions", async () => {
    const tasks = planRuns(resolveExperiment(experiment([300, 100, 200, 400], 1)));
    // Point 0 is slow: the other thread runs points 2, 1 and 3 meanwhile.
    const fake = fakePools([40, 1, 1, 1]);
    const threads = new RunThreads(fake.start);
    threads.grow(2);
    const finished: number[] = [];
    const records = await threads.run(tasks, [0, 2, 1, 3], (i) => finished.push(i));
    expect(fake.handedOut).toEqual([0, 2, 1, 3]);
    expect(finished).toEqual([2, 1, 3, 0]);
    expect(records.map((r) => r.values[0])).toEqual([0, 1, 2, 3]);
  });
});
