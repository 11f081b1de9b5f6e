// Common random numbers: two plans run on the same seeds see the same arrivals
// and keys, so their difference varies less than two independent runs' would.
// The paired-t interval of the difference (Law, Simulation Modeling and
// Analysis, 5th ed., §10.2.1) is then narrower than the unpaired (Welch) one on
// the same runs; with independent seeds it has no such advantage.
import { describe, expect, it } from "vitest";
import { runExperiment } from "../../src/index.js";

function compare(commonRandomNumbers: boolean) {
  const result = runExperiment({
    scenario: "read-heavy",
    // Two plans: 8 or 6 cores on every node; the same workload.
    parameters: {
      duration: ["1s"],
      warmup: ["500ms"],
      "workload.keys.count": [10_000],
      "database.cores": [8, 6],
    },
    replications: 6,
    seed: 3,
    commonRandomNumbers,
    metrics: ["latency.read.mean"],
    baseline: 0,
  });
  const [comparison] = result.comparisons;
  if (comparison?.paired == null || comparison.unpaired == null) throw new Error("no comparison");
  return comparison;
}

describe("common random numbers", () => {
  it("the paired interval of the difference is narrower than the unpaired one on the same runs", () => {
    const c = compare(true);
    expect(c.paired?.halfWidth).toBeLessThan((c.unpaired?.halfWidth ?? 0) / 2);
  });
  it("with independent seeds the pairing gains nothing like it", () => {
    const c = compare(false);
    expect(c.paired?.halfWidth).toBeGreaterThan((c.unpaired?.halfWidth ?? 0) / 2);
  });
});
