// dbsim sweep --precision: stderr says how many runs it took, which metric
// converged last and which points stopped at the maximum; bad values exit 2.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "./harness.js";

const EXPERIMENT = {
  scenario: "read-heavy",
  parameters: {
    duration: ["300ms"],
    warmup: ["100ms"],
    "workload.keys.count": [10_000],
    "workload.rate": [600, 300],
  },
  replications: 3,
  seed: 3,
  metrics: ["latency.read.p99", "throughput.completedPerSec"],
};

describe("dbsim sweep --precision", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "dbsim-precision-"));
    await writeFile(join(dir, "exp.json"), JSON.stringify(EXPERIMENT));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("reports the runs, the last metric to converge and the points that hit the maximum", async () => {
    const r = await runCli(
      ["sweep", "exp.json", "--workers", "1", "--precision", "5%", "--max-replications", "30"],
      dir,
    );
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.precision).toEqual({ relativeHalfWidth: 0.05, maxReplications: 30 });
    const counts = result.points.map((p: { runs: unknown[] }) => p.runs.length);
    expect(r.stderr).toContain(
      `precision ±5 %: ${result.points.filter((p: { precision: { converged: boolean } }) => p.precision.converged).length} of 2 points converged; ${Math.min(...counts)} to ${Math.max(...counts)} runs per point`,
    );
    for (const p of result.points) {
      if (!p.precision.converged)
        expect(r.stderr).toContain(`warning: point ${p.index} stopped at the maximum of 30 runs`);
    }
    expect(r.stderr).toMatch(
      /the last metric to converge: (latency\.read\.p99|throughput\.completedPerSec) \(point \d, \d+ runs\)/,
    );
    // MSER-5 ran before the rule: every point says what it found, and stderr names the lengthened ones.
    const lengthened = result.points.filter(
      (p: { transient: { applied: boolean } }) => p.transient.applied,
    );
    if (lengthened.length > 0) {
      expect(r.stderr).toContain(
        `MSER-5: the warm-up was too short at ${lengthened.length} of 2 points`,
      );
    } else expect(r.stderr).not.toContain("MSER-5");
  });

  it("bad values exit 2 with what was expected", async () => {
    const bad = await runCli(["sweep", "exp.json", "--precision", "150%"], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(
      'Expected a share of the mean between 0 and 1, such as 5% or 0.05; got "150%".',
    );
    const alone = await runCli(["sweep", "exp.json", "--max-replications", "10"], dir);
    expect(alone.code).toBe(2);
    expect(alone.stderr).toContain("--max-replications bounds --precision: give --precision too");
  });
});
