// `dbsim calibrate --model write` on real pgbench output (PostgreSQL 15, fsync
// and synchronous_commit on, with the off runs given by --async-commit; see
// test/fixtures/calibrate/README.md): the log flush and the row-lock hold are
// fitted by simulating dbsim's server, the text is what docs/calibration.md
// shows, and the held-out client count is predicted within its repeats'
// spread + 15 % (the calibration issue's acceptance rule).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parsePgbench } from "../../src/calibrate/index.js";
import { runCli } from "./harness.js";

const fixtures = fileURLToPath(new URL("../fixtures/calibrate/", import.meta.url));
const COMMAND = [
  "calibrate",
  "pgbench-tpcb-sync-on.txt",
  "pgbench-simple-update-sync-on.txt",
  "--async-commit",
  "pgbench-tpcb-sync-off.txt",
  "--async-commit",
  "pgbench-simple-update-sync-off.txt",
  "--model",
  "write",
  "--cores",
  "2",
  "--holdout",
  "4",
  "--residuals",
  "absolute",
  "--run-transactions",
  "500",
];

/** One client's cycle (ms) in each repeat of a fixture: no commit ever shares a flush. */
function oneClientCyclesMs(file: string): number[] {
  const runs = parsePgbench(readFileSync(`${fixtures}${file}`, "utf8"), file);
  return runs.filter((r) => r.concurrency === 1).map((r) => 1000 / r.throughput);
}

describe("dbsim calibrate --model write", () => {
  it("fits the flush and the lock hold of real pgbench runs and predicts 4 clients within the spread + 15 %", async () => {
    const result = await runCli(COMMAND, fixtures);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const doc = readFileSync(new URL("../../docs/calibration.md", import.meta.url), "utf8");
    const shown = doc.split(`$ dbsim ${COMMAND.join(" ")}\n`)[1]?.split("\n```")[0];
    expect(shown).toBeDefined();
    expect(result.stdout.startsWith(`${shown}\n`)).toBe(true);

    // With one client nothing shares a flush, so synchronous_commit=on lengthens
    // the cycle by one flush: the fit must lie within what the one-client repeats
    // of -N on and off bracket (their cycles' differences, least to greatest).
    const on = oneClientCyclesMs("pgbench-simple-update-sync-on.txt");
    const off = oneClientCyclesMs("pgbench-simple-update-sync-off.txt");
    const flush = Number(/log flush (\S+) ms/.exec(result.stdout)?.[1]);
    expect(flush).toBeGreaterThanOrEqual(Math.min(...on) - Math.max(...off));
    expect(flush).toBeLessThanOrEqual(Math.max(...on) - Math.min(...off));
    expect(result.stdout).toMatch(/row-lock hold \S+ ms at light load/);

    const heldOut = result.stdout.split("Held-out levels")[1]?.split("\n\n")[0] ?? "";
    const rows = [
      ...heldOut.matchAll(/^\s+(on|off)\s+\S+\s+4\s+3\s+\S+\s+(\S+) %\s+\S+\s+(\S+) %$/gm),
    ];
    expect(rows).toHaveLength(4);
    for (const [line, , spread, error] of rows) {
      expect(Math.abs(Number(error)), line).toBeLessThanOrEqual(Number(spread) + 15);
    }
  });

  it("exits 2 saying what the runs lack: no synchronous_commit=off runs", async () => {
    const result = await runCli(
      COMMAND.filter((a, i) => a !== "--async-commit" && COMMAND[i - 1] !== "--async-commit"),
      fixtures,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      "the write path needs runs with synchronous_commit off and no shared row (pgbench -N) at 3 or more client counts, got 0",
    );
  });

  it("exits 2 for --async-commit without --model write", async () => {
    const result = await runCli(
      ["calibrate", "pgbench-select-r1.txt", "--async-commit", "pgbench-tpcb-sync-off.txt"],
      fixtures,
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--async-commit is for --model write");
  });
});
