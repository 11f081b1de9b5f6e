// `dbsim sweep` and `dbsim merge`, run in-process through main() with files in a
// temp dir: shards merged equal the one-process output; bad files exit 2 with
// the path, the value and what was expected.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CliResult, runCli } from "./harness.js";

let dir = "";
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dbsim-sweep-"));
  writeFileSync(
    join(dir, "scenario.json"),
    JSON.stringify({
      duration: "2s",
      warmup: "500ms",
      workload: { rate: 300, readRatio: 0.8, keys: { count: 1000 } },
      database: { cores: 4 },
    }),
  );
  writeFileSync(
    join(dir, "exp.json"),
    JSON.stringify({
      scenario: "scenario.json",
      parameters: { "database.cores": [2, 4, 8] },
      replications: 2,
      metrics: ["latency.all.p99", "throughput.completedPerSec"],
    }),
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(argv: string[]): Promise<CliResult> {
  return runCli(argv, dir);
}

describe("dbsim sweep and dbsim merge", () => {
  it("the CSV of merged shards (the index given as $INDEX/$COUNT) equals the one-process CSV", async () => {
    const whole = await run(["sweep", "exp.json", "--workers", "1", "--format", "csv"]);
    expect(whole.code).toBe(0);
    expect(whole.stdout.split("\n")[0]).toBe("point,database.cores,replicate,seed,metric,value");
    expect(whole.stdout.trim().split("\n")).toHaveLength(1 + 3 * 2 * 2);
    for (const index of ["0", "1"]) {
      const env = { JOB_COMPLETION_INDEX: index };
      const shard = await run([
        "sweep",
        "exp.json",
        "--workers",
        "1",
        "--shard",
        `${env.JOB_COMPLETION_INDEX}/2`,
        "--out",
        `part-${index}.json`,
      ]);
      expect(shard.code).toBe(0);
    }
    const merged = await run(["merge", "part-1.json", "part-0.json", "--format", "csv"]);
    expect(merged.code).toBe(0);
    expect(merged.stdout).toBe(whole.stdout);
  }, 30_000);

  it("a bad experiment file: exit 2, each problem with its path, value and expectation", async () => {
    writeFileSync(
      join(dir, "bad.json"),
      JSON.stringify({ scenario: "read-heavy", replications: -1, metrics: ["latency.all.p42"] }),
    );
    const r = await run(["sweep", "bad.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      "error: bad.json is not a valid experiment\n  replications: Too small: expected number to be >=1; got -1\n",
    );
    writeFileSync(
      join(dir, "bad2.json"),
      JSON.stringify({ scenario: "read-heavy", metrics: ["latency.all.p42"] }),
    );
    const r2 = await run(["sweep", "bad2.json"]);
    expect(r2.code).toBe(2);
    expect(r2.stderr).toMatch(
      /metrics\.0: the report has no "p42" under latency\.all; expected one of count, max, mean, p50/,
    );
  });

  it("dbsim --help lists sweep and merge; sweep --help gives the job-array recipe", async () => {
    const help = await run(["--help"]);
    expect(help.stdout).toMatch(/^ {2}sweep\b/m);
    expect(help.stdout).toMatch(/^ {2}merge\b/m);
    expect((await run(["sweep", "--help"])).stdout).toContain("--shard $JOB_COMPLETION_INDEX/4");
  });

  it("a malformed --shard: exit 2 with what is expected", async () => {
    const r = await run(["sweep", "exp.json", "--shard", "2/2"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Expected i\/n with 0 ≤ i < n .*got "2\/2"/);
  });

  it("merge refuses a missing shard and a file that is no partial result: exit 2", async () => {
    await run(["sweep", "exp.json", "--workers", "1", "--shard", "0/3", "--out", "p0.json"]);
    const missing = await run(["merge", "p0.json"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe("error: cannot merge: shard 1/3 is missing\n");
    const notPartial = await run(["merge", "exp.json"]);
    expect(notPartial.code).toBe(2);
    expect(notPartial.stderr).toMatch(/^error: cannot merge: exp\.json is not a partial result/);
    expect(JSON.parse(readFileSync(join(dir, "p0.json"), "utf8")).shard).toEqual({
      index: 0,
      count: 3,
    });
  });
});
