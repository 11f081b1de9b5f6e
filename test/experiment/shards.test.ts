// Shards and their merge: n partial results, merged, give the bytes one process
// gives — for several n, including more shards than points.
import { describe, expect, it } from "vitest";
import {
  formatExperimentCsv,
  formatExperimentJson,
  formatExperimentJsonLines,
  type MergeError,
  mergePartials,
  type PartialResult,
  parsePartial,
  planRuns,
  resolveExperiment,
  runExperiment,
  runExperimentPartial,
} from "../../src/index.js";

const EXPERIMENT = {
  scenario: "read-heavy",
  parameters: {
    duration: ["2s"],
    warmup: ["500ms"],
    // Fewer keys than the built-in's million: the Zipf table is built once per run.
    "workload.keys.count": [10_000],
    "workload.rate": [300, 600, 900, 1200, 1500],
  },
  replications: 2,
  seed: 5,
  metrics: [
    "latency.read.p99",
    "throughput.completedPerSec",
    "replication.replicas.0.replayLagMs.mean",
  ],
  baseline: 0,
};

/** A partial as `dbsim merge` reads it: written to JSON and parsed back. */
function throughFile(partial: PartialResult, name: string): PartialResult {
  return parsePartial(JSON.parse(JSON.stringify(partial)), name);
}

function shards(n: number, experiment: unknown = EXPERIMENT): PartialResult[] {
  return Array.from({ length: n }, (_, i) =>
    throughFile(runExperimentPartial(experiment, { shard: { index: i, count: n } }), `part${i}`),
  );
}

describe("dbsim merge of n shards equals one process, byte for byte", () => {
  const whole = runExperiment(EXPERIMENT);
  for (const n of [2, 3, 7]) {
    it(`n = ${n}${n > 5 ? " (more shards than points)" : ""}: JSON, CSV and JSON lines`, () => {
      // Merge in reverse order: the order of the files does not matter.
      const merged = mergePartials(shards(n).reverse());
      expect(formatExperimentJson(merged)).toBe(formatExperimentJson(whole));
      expect(formatExperimentCsv(merged)).toBe(formatExperimentCsv(whole));
      expect(formatExperimentJsonLines(merged)).toBe(formatExperimentJsonLines(whole));
    });
  }

  it("shard i of n plans the points p with p mod n = i: every point exactly once", () => {
    const plan = resolveExperiment(EXPERIMENT);
    for (const n of [1, 2, 3, 4, 5, 6]) {
      const held = Array.from({ length: n }, (_, i) =>
        planRuns(plan, { index: i, count: n }).map((task) => {
          expect(task.point % n).toBe(i);
          return task.point;
        }),
      ).flat();
      expect([...new Set(held)].sort()).toEqual([0, 1, 2, 3, 4]);
      expect(held).toHaveLength(5 * EXPERIMENT.replications);
    }
  });
});

describe("dbsim merge refuses partials that do not belong together", () => {
  const parts = shards(2);
  const refusal = (partials: PartialResult[]): string => {
    try {
      mergePartials(
        partials,
        partials.map((_, i) => `part${i}.json`),
      );
    } catch (error) {
      return (error as MergeError).message;
    }
    throw new Error("merged");
  };
  it("another experiment", () => {
    const other = shards(2, { ...EXPERIMENT, seed: 6 });
    expect(refusal([parts[0] as PartialResult, other[1] as PartialResult])).toMatch(
      /^part1\.json is of another experiment \(hash [0-9a-f]{16}\) than part0\.json/,
    );
  });
  it("another dbsim version", () => {
    const old = { ...(parts[1] as PartialResult), dbsimVersion: "0.0.1" };
    expect(refusal([parts[0] as PartialResult, old])).toMatch(
      /^part1\.json was made by dbsim 0\.0\.1; this is dbsim .*one version/,
    );
  });
  it("a missing shard, a shard twice, another cut", () => {
    expect(refusal([parts[0] as PartialResult])).toBe("shard 1/2 is missing");
    expect(refusal([parts[0] as PartialResult, parts[0] as PartialResult])).toBe(
      "shard 0/2 appears twice: part0.json and part1.json",
    );
    const third = shards(3)[2] as PartialResult;
    expect(refusal([parts[0] as PartialResult, third])).toMatch(
      /is shard 2\/3, but part0\.json is one of 2 shards/,
    );
  });
  it("a file that is not a partial result", () => {
    expect(() => parsePartial({ kind: "dbsim-experiment" }, "result.json")).toThrow(
      /^result\.json is not a partial result of dbsim sweep --shard at kind/,
    );
  });
});

describe("long formats", () => {
  it("CSV and JSON lines: one row per run × metric, the same values", () => {
    const result = runExperiment({
      ...EXPERIMENT,
      parameters: { ...EXPERIMENT.parameters, "workload.rate": [300, 600] },
    });
    const csv = formatExperimentCsv(result).trim().split("\n");
    const jsonl = formatExperimentJsonLines(result)
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    const rows = 2 * EXPERIMENT.replications * EXPERIMENT.metrics.length;
    expect(csv).toHaveLength(1 + rows);
    expect(jsonl).toHaveLength(rows);
    expect(csv[0]).toBe(
      "point,duration,warmup,workload.keys.count,workload.rate,replicate,seed,metric,value",
    );
    const last = jsonl[rows - 1];
    expect(csv[rows]).toBe(
      `1,2s,500ms,10000,600,1,${last.seed},${last.metric},${last.value ?? ""}`,
    );
    expect(last).toMatchObject({ point: 1, parameters: { "workload.rate": 600 }, replicate: 1 });
  });
});
