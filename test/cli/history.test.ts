// Files the CLI writes: --out and --history are checked before the run (a typo
// used to cost the whole run, then "cannot write"), and the history is streamed a
// chunk at a time in the one line format historyOpToJSONLine defines (it used to be built
// as one string: 856 MB at 10⁶ operations, "Invalid string length" at 3·10⁶).
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { checkWritable, writeHistoryFile } from "../../src/cli/history-writer.js";
import {
  History,
  type HistoryOp,
  historyOpToJSONLine,
  runScenarioDetailed,
} from "../../src/index.js";
import { type CliResult, runCli } from "./harness.js";

/** Thousands of operations: more than one 1 MB chunk of lines. */
const BUSY = {
  name: "busy",
  seed: 3,
  duration: "3s",
  warmup: "0ms",
  workload: { rate: 3000, readRatio: 0.8 },
  database: { cores: 8 },
};

let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dbsim-history-"));
  writeFileSync(join(dir, "busy.json"), JSON.stringify(BUSY));
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function cli(argv: string[]): Promise<CliResult> {
  return runCli(argv, dir);
}

describe("--out and --history are checked before the run", () => {
  it.each([
    ["--out", "no-such-dir/report.txt"],
    ["--history", "no-such-dir/h.jsonl"],
  ])(
    "%s into a missing folder exits 2 naming the path, before anything runs",
    async (option, path) => {
      const r = await cli(["run", "busy.json", option, path]);
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`error: ${option} ${path}: cannot write there: no such folder`);
      expect(r.stderr).toContain(join(dir, "no-such-dir"));
      // The summary is printed (to stdout for the table format) just before a run starts.
      expect(r.stdout).toBe("");
      expect(r.stderr).not.toContain("internal error");
    },
  );

  it("a path that is a folder, or inside a file, is refused", async () => {
    await expect(checkWritable("--out", ".", dir)).rejects.toThrow(/is a folder/);
    await expect(
      checkWritable("--out", "busy.json/x", join(dir, "busy.json", "x")),
    ).rejects.toThrow(/is not a folder/);
    await expect(checkWritable("--out", "ok.txt", join(dir, "ok.txt"))).resolves.toBeUndefined();
  });
});

describe("--history streams the history", () => {
  it("writes, a chunk at a time, exactly the library's lines, never one whole string", async () => {
    const whole = vi.spyOn(History.prototype, "toJSONLines");
    try {
      const r = await cli(["run", "busy.json", "--format", "json", "--history", "h.jsonl"]);
      expect(r.code).toBe(0);
      expect(whole).not.toHaveBeenCalled();
    } finally {
      whole.mockRestore();
    }
    const text = readFileSync(join(dir, "h.jsonl"), "utf8");
    const history = runScenarioDetailed(BUSY, { history: true }).history as History;
    expect(history.length).toBeGreaterThan(5000);
    expect(text.length).toBeGreaterThan(1 << 20);
    // Same bytes as the in-memory serialisation, and it reads back.
    expect(text).toBe(history.toJSONLines());
    expect(History.fromJSONLines(text).length).toBe(history.length);
  });

  it("has written the first chunk to disk before the last operation is produced", async () => {
    const path = join(dir, "streamed.jsonl");
    const op: HistoryOp = {
      id: 0,
      session: 1,
      kind: "write",
      key: 7,
      invokeMs: 0,
      completeMs: 2,
      ok: true,
      version: 1,
      lsn: 1,
      commitMs: 1.5,
      node: "primary",
    };
    const n = Math.ceil((3 << 20) / (historyOpToJSONLine(op).length + 1));
    let sizeBeforeLast = -1;
    function* ops(): Generator<HistoryOp> {
      for (let i = 0; i < n; i++) {
        if (i === n - 1) sizeBeforeLast = statSync(path).size;
        yield { ...op, id: i };
      }
    }
    expect(await writeHistoryFile(path, ops())).toBe(n);
    expect(sizeBeforeLast).toBeGreaterThanOrEqual(2 << 20);
    let bytes = 0;
    for (let i = 0; i < n; i++) bytes += historyOpToJSONLine({ ...op, id: i }).length + 1;
    expect(statSync(path).size).toBe(bytes);
  });
});

describe("dbsim validate and run agree (10a, 10b)", () => {
  it.each([
    [
      "a proxy check failing without replicas",
      { workload: { rate: 1 }, proxy: { readerHostgroup: 10 } },
      "proxy.readerHostgroup",
    ],
    [
      "a loop of latency rows",
      { workload: { rate: 1 }, latency: { ramRead: "ssdRandomRead", ssdRandomRead: "ramRead" } },
      "latency.ramRead",
    ],
    ["kappa 1e308", { workload: { rate: 1 }, database: { kappa: 1e308 } }, "database.kappa"],
  ])("%s: validate exits 2 naming the path, not an internal error", async (_, scenario, path) => {
    writeFileSync(join(dir, "bad.json"), JSON.stringify(scenario));
    const r = await cli(["validate", "bad.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`bad.json: ${path}: `);
    expect(r.stderr).not.toContain("internal error");
  });
});
