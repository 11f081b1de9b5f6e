// `dbsim calibrate`: reads measurement files, prints the fit and the scenario
// sections, writes them with --output; bad input exits 2 naming the file.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { uslThroughput } from "../../src/calibrate/index.js";
import { runCli } from "./harness.js";

const dir = mkdtempSync(join(tmpdir(), "dbsim-calibrate-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const truth = { lambda: 1000, sigma: 0.05, kappa: 0.001 };
const csv = [
  "concurrency,throughput",
  ...[1, 2, 4, 8, 16, 32].map((n) => `${n},${uslThroughput(n, truth)}`),
].join("\n");
writeFileSync(join(dir, "runs.csv"), csv);

describe("dbsim calibrate", () => {
  it("fits the USL, predicts the held-out level and writes the sections", async () => {
    const result = await runCli(
      ["calibrate", "runs.csv", "--model", "usl", "--holdout", "8", "--output", "db.json"],
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("σ 0.05   κ 0.001");
    expect(result.stdout).toMatch(
      /Held-out levels[^\n]*\n[^\n]*\n\s+8\s+1\s+\S+\s+0\.0 %\s+\S+\s+[+-]0\.0 %/,
    );
    const written = JSON.parse(readFileSync(join(dir, "db.json"), "utf8"));
    expect(written.database).toMatchObject({ sigma: 0.05, kappa: 0.001, mechanisms: "none" });
    // One transaction of 1/λ s = 1 ms of one core's work, as the USL's X(1) = λ.
    expect(written.database.readTime).toEqual({ kind: "exponential", mean: 1 });
  });

  it("prints what docs/calibration.md shows for the real sysbench fixture", async () => {
    const fixtures = fileURLToPath(new URL("../fixtures/calibrate/", import.meta.url));
    const result = await runCli(
      ["calibrate", "sysbench-point-select.txt", "--cores", "2", "--holdout", "8"],
      fixtures,
    );
    const doc = readFileSync(new URL("../../docs/calibration.md", import.meta.url), "utf8");
    const shown = doc
      .split("$ dbsim calibrate sysbench-point-select.txt --cores 2 --holdout 8\n")[1]
      ?.split("\n```")[0];
    expect(shown).toBeDefined();
    expect(result.stdout.startsWith(`${shown}\n`)).toBe(true);
  });

  it("--latency-log: a lognormal statement time shaped by pgbench's per-transaction log", async () => {
    const fixtures = fileURLToPath(new URL("../fixtures/calibrate/", import.meta.url));
    const result = await runCli(
      [
        "calibrate",
        "sysbench-point-select.txt",
        "--cores",
        "2",
        "--latency-log",
        "pgbench-select-c1.log",
        "--json",
      ],
      fixtures,
    );
    expect(result.stderr).toBe("");
    const out = JSON.parse(result.stdout);
    // The log's 500th/501st and 990th/991st smallest times are 50, 50 and 4210,
    // 4214 µs: quantile 7 gives a median of 0.050 ms and a p99 of 4.21 + 0.01 · 0.004 ms.
    expect(out.serviceTime.measured.median).toBeCloseTo(0.05, 9);
    expect(out.serviceTime.measured.p99).toBeCloseTo(4.21004, 9);
    expect(out.sections.database.readTime.kind).toBe("lognormal");
  });

  it("--residuals absolute: the usl package's SPEC SDM91 fit, σ 0.0277285 and κ 0.0001044", async () => {
    // Gunther's SPEC SDM91 data as in the R package usl (data/specsdm91.rda); the
    // coefficients its nlxb fit prints (tests/usl-nlxb.Rout.save).
    const sdm = [
      "concurrency,throughput",
      "1,64.9",
      "18,995.9",
      "36,1652.4",
      "72,1853.2",
      "108,1828.9",
      "144,1775.0",
      "216,1702.2",
    ].join("\n");
    writeFileSync(join(dir, "specsdm91.csv"), sdm);
    const result = await runCli(
      ["calibrate", "specsdm91.csv", "--model", "usl", "--residuals", "absolute"],
      dir,
    );
    expect(result.stderr).toBe("");
    expect(result.stdout).toContain("σ 0.02773   κ 0.0001044");
  });

  it("exits 2 naming a missing file", async () => {
    const result = await runCli(["calibrate", "nope.txt"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("cannot read nope.txt");
  });

  it("exits 2 when the hold-out leaves too few levels", async () => {
    const result = await runCli(["calibrate", "runs.csv", "--holdout", "1,2,4,8"], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "expected at least 3 concurrency levels outside the hold-out, got 2 (16, 32)",
    );
  });
});
