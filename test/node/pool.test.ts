// dbsim/node: runs on worker threads give the bytes one thread gives, whatever
// the number of workers (each run is a pure function of its scenario and seed,
// and its record is kept at the run's place, not in the order runs finish).
import { describe, expect, it } from "vitest";
import { formatExperimentJson, runExperiment } from "../../src/index.js";
import {
  ExperimentWorkers,
  runExperimentOnWorkers,
  runPartialOnWorkers,
} from "../../src/node/index.js";

const EXPERIMENT = {
  scenario: "read-heavy",
  parameters: {
    duration: ["500ms"],
    warmup: ["200ms"],
    "workload.keys.count": [10_000],
    // Runs of unequal length finish out of order on two workers.
    "workload.rate": [1500, 200, 900],
  },
  replications: 2,
  metrics: ["latency.all.p99", "throughput.completedPerSec"],
};

describe("experiments on worker threads", () => {
  it("1 and 2 workers give the result of one thread, byte for byte", async () => {
    const inThread = formatExperimentJson(runExperiment(EXPERIMENT));
    const one = formatExperimentJson(await runExperimentOnWorkers(EXPERIMENT, { workers: 1 }));
    const two = formatExperimentJson(await runExperimentOnWorkers(EXPERIMENT, { workers: 2 }));
    expect(one).toBe(inThread);
    expect(two).toBe(inThread);
  }, 30_000);

  it("threads kept between experiments: a shard holds its points only, then the whole gives one thread's bytes", async () => {
    const pool = new ExperimentWorkers({ workers: 2 });
    try {
      const partial = await runPartialOnWorkers(EXPERIMENT, {
        pool,
        shard: { index: 1, count: 2 },
      });
      expect(partial.points.map((p) => p.index)).toEqual([1]);
      const again = formatExperimentJson(await runExperimentOnWorkers(EXPERIMENT, { pool }));
      expect(again).toBe(formatExperimentJson(runExperiment(EXPERIMENT)));
    } finally {
      await pool.destroy();
    }
    await expect(runExperimentOnWorkers(EXPERIMENT, { pool })).rejects.toThrow(
      /pool: these ExperimentWorkers were destroyed/,
    );
  }, 30_000);

  it("refuses a worker count that is not a positive integer", async () => {
    await expect(runExperimentOnWorkers(EXPERIMENT, { workers: 0 })).rejects.toThrow(
      /workers: expected an integer from 1 to 1024; got 0/,
    );
  });

  it("refuses both a worker count and a pool", async () => {
    const pool = { size: 2 } as ExperimentWorkers;
    await expect(runExperimentOnWorkers(EXPERIMENT, { workers: 3, pool })).rejects.toThrow(
      "workers: give either workers (3) or pool (2 threads), not both",
    );
  });
});
