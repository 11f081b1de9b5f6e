// Run length from the precision wanted (JMT's simulator stops the same way):
// replications are added to a point in rounds until every metric's 95 %
// interval half-width is within the wanted share of its mean, bounded by
// maxReplications. The rule is checked against Student-t intervals computed
// here (Law, "Simulation Modeling and Analysis", 2015, §9.4.1: x̄ ± t_{n−1, 0.975}·s/√n),
// and the result must not depend on workers or shards.
import { describe, expect, it } from "vitest";
import {
  formatExperimentJson,
  mergePartials,
  parseExperiment,
  parsePartial,
  runExperiment,
  runExperimentPartial,
  studentTQuantile,
} from "../../src/index.js";
import { runExperimentOnWorkers } from "../../src/node/index.js";

const EXPERIMENT = {
  scenario: "read-heavy",
  parameters: {
    duration: ["300ms"],
    warmup: ["100ms"],
    "workload.keys.count": [10_000],
    "workload.rate": [600, 1200, 300],
  },
  replications: 3,
  seed: 3,
  metrics: ["latency.read.p99", "throughput.completedPerSec"],
  precision: { relativeHalfWidth: 0.05, maxReplications: 24, batch: 3 },
};

/** Half-width over |mean| of the t interval of `xs`, written out (Law §9.4.1). */
function relativeHalfWidth(xs: readonly number[]): number {
  const n = xs.length;
  const mean = xs.reduce((s, x) => s + x, 0) / n;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (n - 1);
  return (studentTQuantile(0.95, n - 1) * Math.sqrt(variance / n)) / Math.abs(mean);
}

describe("--precision: replications until the intervals are narrow enough", () => {
  const result = runExperiment(EXPERIMENT);

  it("each point stops at the first round (3, 6, 9 … runs) where every metric is within ±5 %, or at 24", () => {
    for (const point of result.points) {
      const n = point.runs.length;
      expect(n % 3 === 0 || n === 24).toBe(true);
      const within = (k: number) =>
        [0, 1].every(
          (m) =>
            relativeHalfWidth(point.runs.slice(0, k).map((r) => r.values[m] as number)) <= 0.05,
        );
      if (point.precision?.converged) expect(within(n)).toBe(true);
      else expect(n).toBe(24);
      for (let k = 3; k < n; k += 3)
        expect(within(k), `point ${point.index} after ${k} runs`).toBe(false);
    }
    // The rule did something: the points did not all stop together.
    expect(new Set(result.points.map((p) => p.runs.length)).size).toBeGreaterThan(1);
  });

  it("says which metric converged last: the one widest at the round before the last", () => {
    for (const point of result.points) {
      const n = point.runs.length;
      if (!point.precision?.converged || n === 3) continue;
      const widths = [0, 1].map((m) =>
        relativeHalfWidth(point.runs.slice(0, n - 3).map((r) => r.values[m] as number)),
      );
      const widest = (widths[0] as number) >= (widths[1] as number) ? 0 : 1;
      expect(point.precision.lastToConverge).toBe(EXPERIMENT.metrics[widest]);
    }
  });

  it("bounded: a target out of reach stops every point at maxReplications and names the metrics", () => {
    const strict = runExperiment({
      ...EXPERIMENT,
      parameters: { ...EXPERIMENT.parameters, "workload.rate": [600] },
      precision: { relativeHalfWidth: 0.0001, maxReplications: 5 },
    });
    const point = strict.points[0];
    expect(point?.runs).toHaveLength(5);
    expect(point?.precision).toMatchObject({ converged: false, lastToConverge: null });
    expect(point?.precision?.notConverged).toEqual(EXPERIMENT.metrics);
  });

  it("the same bytes on 2 workers and from 2 shards merged", async () => {
    const one = formatExperimentJson(result);
    const two = formatExperimentJson(await runExperimentOnWorkers(EXPERIMENT, { workers: 2 }));
    expect(two).toBe(one);
    const parts = [0, 1].map((i) =>
      parsePartial(
        JSON.parse(
          JSON.stringify(runExperimentPartial(EXPERIMENT, { shard: { index: i, count: 2 } })),
        ),
      ),
    );
    expect(formatExperimentJson(mergePartials(parts))).toBe(one);
  }, 60_000);

  it("a maximum below the first round is an error naming the path", () => {
    const parsed = parseExperiment({
      ...EXPERIMENT,
      precision: { relativeHalfWidth: 0.05, maxReplications: 2 },
    });
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.issues).toContainEqual(
        expect.objectContaining({ path: "precision.maxReplications", code: "too_small" }),
      );
    }
  });
});
