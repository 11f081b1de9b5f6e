// The CLI's side of the limits (issue 8, items 7, 8, 10d): a scenario refused by
// its estimate, a livelock and a bad --max-events exit 2 with one clean message
// and no stack trace; --force runs what the estimate refuses; --max-events
// bounds the run; a run that stops early says so on stderr; the progress line
// gives the time left.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createProgress, progressLine } from "../../src/cli/progress.js";
import { ReportSchema } from "../../src/scenario/index.js";
import { type CliResult, runCli } from "./harness.js";

const STACK_LINE = "    at ";
let dir = "";

function cli(argv: string[]): Promise<CliResult> {
  return runCli(argv, dir);
}

function scenarioFile(name: string, content: unknown): string {
  writeFileSync(join(dir, name), JSON.stringify(content));
  return name;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dbsim-limits-"));
  scenarioFile("long.json", { name: "long", duration: "1000h", workload: { rate: 1000 } });
  scenarioFile("samples.json", {
    name: "samples",
    duration: "1s",
    warmup: 0,
    workload: { rate: 100 },
    replication: { replicas: 1, lagSampleInterval: 1e-9 },
  });
  scenarioFile("stuck.json", {
    name: "stuck",
    duration: "1s",
    warmup: 0,
    workload: { clients: 50, thinkTime: 0 },
    database: { maxConnections: 10 },
    client: { connections: "per-request", connectRoundTrips: 0 },
  });
  scenarioFile("tiny.json", { name: "tiny", duration: "1s", warmup: 0, workload: { rate: 200 } });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("dbsim run and the limits", () => {
  it("refuses a 1000 h scenario before running it: exit 2, the estimate, the way round it, no stack", async () => {
    const r = await cli(["run", "long.json", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(
      "error: refused to run: the run would issue about 3.6e+9 operations",
    );
    expect(r.stderr).toContain("--force");
    expect(r.stderr).not.toContain(STACK_LINE);
    expect(r.stderr).not.toContain("internal error");
  });

  it("--force runs what the estimate refuses; --max-events bounds it and stderr says why it stopped", async () => {
    const refused = await cli(["run", "samples.json", "--format", "json"]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("(maxEvents)");
    const r = await cli([
      "run",
      "samples.json",
      "--format",
      "json",
      "--force",
      "--max-events",
      "10000",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.stoppedBy).toBe("eventLimit");
    expect(report.events).toBe(10_000);
    expect(r.stderr).toContain("warning: the run hit its event limit (10,000 events)");
  });

  it("--max-events with a table report prints the stop in the table", async () => {
    const r = await cli(["run", "tiny.json", "--max-events", "1e2"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain("warning: the run hit its event limit (100 events)");
  });

  it("with variants, every plan that stopped early is named on stderr (json)", async () => {
    const r = await cli(["run", "many-clients", "--max-events", "1000", "--format", "json"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning: "base": the run hit its event limit (1,000 events)');
    expect(r.stderr).toContain('warning: "pgbouncer transaction": the run hit its event limit');
  });

  it("a bad --max-events value exits 2 naming the option", async () => {
    for (const bad of ["0", "-5", "1.5", "lots"]) {
      const r = await cli(["run", "tiny.json", "--max-events", bad]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain("--max-events");
      expect(r.stderr).not.toContain(STACK_LINE);
    }
  });

  it("a livelock exits 2 with the component that retries, not 'internal error'", async () => {
    const r = await cli(["run", "stuck.json", "--format", "json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: the run cannot go on: Livelock in the database");
    expect(r.stderr).not.toContain(STACK_LINE);
    expect(r.stderr).not.toContain("internal error");
  });
});

describe("progress with the time left", () => {
  it("after a second, the line gives the time elapsed and the time left at the pace so far", () => {
    expect(progressLine("running x", 0.25, 500)).toBe("running x: 25%");
    // 10 s for a quarter: 30 s for the three quarters left.
    expect(progressLine("running x", 0.25, 10_000)).toBe(
      "running x: 25% (10 s elapsed, about 30 s left)",
    );
    expect(progressLine("running x", 0, 2_000)).toBe(
      "running x: 0% (2 s elapsed, estimating time left)",
    );
    // 30 min for 10 %: 4.5 h left.
    expect(progressLine("running x", 0.1, 1_800_000)).toBe(
      "running x: 10% (30 min elapsed, about 4.5 h left)",
    );
  });

  it("the line is drawn from the first update after the delay and redrawn when its text changes", () => {
    let err = "";
    let t = 0;
    const p = createProgress(
      {
        stderr: (s) => {
          err += s;
        },
        isTTY: true,
      },
      "x",
      250,
      () => t,
    );
    t = 300;
    p.update?.(0);
    t = 1500;
    p.update?.(0.5);
    p.update?.(0.5); // same text: not redrawn
    expect(err).toBe("\rx: 0%\rx: 50% (2 s elapsed, about 2 s left)");
  });
});
