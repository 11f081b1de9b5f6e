// `dbsim check`: the session-guarantee checkers over a history file, run in-process
// through main() with an in-memory file system. Exit 0 when every guarantee holds, 1
// when one is broken, 2 for a file that cannot be read or a malformed line (named by
// line, field, value and what was expected).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { type CliIO, main } from "../../src/cli/main.js";
import { History, type HistoryOp, runScenarioDetailed } from "../../src/index.js";

function memoryIO(files: Record<string, string>) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (text) => out.push(text),
    stderr: (text) => err.push(text),
    isTTY: false,
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: ${path}`), { code: "ENOENT" });
      }
      return text;
    },
    writeFile: async () => {},
    cwd: "/data",
  };
  return { io, stdout: () => out.join(""), stderr: () => err.join("") };
}

async function check(text: string, ...args: string[]) {
  const t = memoryIO({ "/data/h.jsonl": text });
  const code = await main(["check", "h.jsonl", ...args], t.io);
  return { code, stdout: t.stdout(), stderr: t.stderr() };
}

function op(fields: Partial<HistoryOp> & Pick<HistoryOp, "id" | "kind">): HistoryOp {
  return {
    session: 1,
    key: 1,
    invokeMs: 0,
    completeMs: 1,
    ok: true,
    version: 0,
    lsn: 0,
    versionLsn: 0,
    commitMs: Number.NaN,
    node: "n",
    ...fields,
  };
}

const lines = (ops: HistoryOp[]): string => History.from(ops).toJSONLines();

describe("dbsim check", () => {
  it("exits 0 and says so when every guarantee holds", async () => {
    const text = lines([
      op({ id: 1, kind: "write", version: 1, lsn: 1, versionLsn: 1, commitMs: 0.5 }),
      op({ id: 2, kind: "read", invokeMs: 2, completeMs: 3, version: 1, lsn: 1, versionLsn: 1 }),
    ]);
    const result = await check(text);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      "h.jsonl: 2 operations (1 reads, 1 writes, 0 failed) in 1 sessions",
    );
    expect(result.stdout).toMatch(/monotonic-reads \(any key\) +0\n/);
    expect(result.stdout).toContain("ok: every guarantee holds");
  });

  it("exits 1 on a session that reads key 1 at a newer snapshot, then key 2 at an older one", async () => {
    // Terry et al. 1994: the second read's server lacks the write (LSN 7) the first observed.
    const text = lines([
      op({ id: 1, kind: "read", key: 1, version: 2, lsn: 8, versionLsn: 7, node: "replica-1" }),
      op({ id: 2, kind: "read", key: 2, invokeMs: 2, completeMs: 3, lsn: 4, node: "replica-2" }),
    ]);
    const result = await check(text);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/monotonic-reads \(any key\) +1\n/);
    expect(result.stdout).toMatch(/monotonic-reads \(per key\) +0\n/);
    expect(result.stdout).toContain("which lacks the write at LSN 7");
    expect(result.stdout).toContain("violations found");
  });

  it("exits 0 on the same two reads made on two clusters: their logs are not comparable", async () => {
    // Each shard numbers its own writes: LSN 7 of cluster 1 says nothing of cluster 0.
    const text = lines([
      op({ id: 1, kind: "read", key: 1, version: 2, lsn: 8, versionLsn: 7, cluster: 1 }),
      op({ id: 2, kind: "read", key: 2, invokeMs: 2, completeMs: 3, lsn: 4, cluster: 0 }),
    ]);
    const result = await check(text);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/monotonic-reads \(any key\) +0\n/);
  });

  it("checks a black-box history with no positions per key only, and says how many reads", async () => {
    const text =
      '{"id":1,"session":1,"kind":"read","key":1,"invokeMs":0,"completeMs":1,"ok":true,"version":3,"node":"db"}\n' +
      '{"id":2,"session":1,"kind":"read","key":1,"invokeMs":2,"completeMs":3,"ok":true,"version":2,"node":"db"}\n';
    const result = await check(text);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/monotonic-reads \(per key\) +1\n/);
    expect(result.stdout).toContain(
      "2 reads carry no snapshot position (lsn): monotonic reads checked them per key only",
    );
  });

  it("exits 2 naming the line, field, value and what was expected", async () => {
    const good = lines([op({ id: 1, kind: "read" })]);
    const bad = await check(`${good}${good.replace('"kind":"read"', '"kind":"scan"')}`);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe(
      'error: h.jsonl: Line 2, field "kind": expected "read" or "write", got "scan"\n',
    );
    const json = await check(`${good}{"id":2,\n`);
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/^error: h\.jsonl: Line 2: not valid JSON/);
    const missing = await check('{"id":2}\n');
    expect(missing.stderr).toBe(
      'error: h.jsonl: Line 1, field "session": missing: expected an integer in [0, 4294967295]\n',
    );
    expect(json.stdout).toBe("");
  });

  it("exits 2 for a file that cannot be read or holds more than --limit operations", async () => {
    const t = memoryIO({});
    expect(await main(["check", "nope.jsonl"], t.io)).toBe(2);
    expect(t.stderr()).toBe("error: cannot read nope.jsonl: no such file or directory\n");
    const two = lines([op({ id: 1, kind: "read" }), op({ id: 2, kind: "read" })]);
    const limited = await check(two, "--limit", "1");
    expect(limited.code).toBe(2);
    expect(limited.stderr).toContain(
      "History limit of 1 operations reached; raise it with --limit",
    );
  });

  it("prints the checkers' results as JSON, unknown numbers as null", async () => {
    const text =
      '{"id":1,"session":1,"kind":"read","key":1,"invokeMs":0,"completeMs":1,"ok":true,"version":3,"node":"db"}\n' +
      '{"id":2,"session":1,"kind":"read","key":1,"invokeMs":2,"completeMs":3,"ok":true,"version":2,"node":"db"}\n';
    const result = await check(text, "--format", "json");
    const parsed = JSON.parse(result.stdout);
    expect(parsed.ok).toBe(false);
    expect(parsed.monotonicReadsPerKey.count).toBe(1);
    expect(parsed.monotonicReads.unchecked).toBe(2);
    expect(parsed.monotonicReads.violations[0].op.lsn).toBeNull();
  });

  it("reads what a run records and finds what the run's monitor counted", async () => {
    // No warm-up, so the monitor counts every operation the history holds.
    const run = runScenarioDetailed(
      {
        seed: 3,
        duration: "1s",
        warmup: "0s",
        workload: {
          rate: 2000,
          readRatio: 0.8,
          readOwnWrites: 0.5,
          sessions: 100,
          keys: { count: 1000 },
        },
        database: { cores: 8 },
        replication: { replicas: 2, network: { kind: "lognormal", median: 2, p99: 100 } },
        routing: { via: "app" },
      },
      { history: true },
    );
    const result = await check(run.history?.toJSONLines() ?? "", "--format", "json");
    const parsed = JSON.parse(result.stdout);
    const violations = run.report.consistency?.violations;
    expect(violations?.monotonicReads).toBeGreaterThan(violations?.monotonicReadsPerKey ?? 0);
    expect(parsed.monotonicReads.count).toBe(violations?.monotonicReads);
    expect(parsed.monotonicReadsPerKey.count).toBe(violations?.monotonicReadsPerKey);
    expect(parsed.readYourWrites.count).toBe(violations?.readYourWrites);
    expect(result.code).toBe(parsed.ok ? 0 : 1);
  });
});

describe("docs/consistency.md", () => {
  const doc = readFileSync(
    fileURLToPath(new URL("../../docs/consistency.md", import.meta.url)),
    "utf8",
  );

  it("its example history breaks monotonic reads over all keys once, as it says", async () => {
    const block = /```json\n([\s\S]*?)```/.exec(doc)?.[1] ?? "";
    const result = await check(block, "--format", "json");
    const parsed = JSON.parse(result.stdout);
    expect(result.code).toBe(1);
    expect(parsed.monotonicReads.count).toBe(1);
    expect(parsed.monotonicReads.violations[0].op.id).toBe(2);
    expect(parsed.monotonicReads.violations[0].witness.id).toBe(1);
    expect(parsed.monotonicReadsPerKey.count).toBe(0);
    expect(parsed.readYourWrites.count + parsed.monotonicWrites.count).toBe(0);
  });

  it("shows the error a malformed line really gets", async () => {
    const shown = /```text\n(error: .*)\n```/.exec(doc)?.[1] ?? "";
    const good =
      '{"id":1,"session":1,"kind":"read","key":1,"invokeMs":0,"completeMs":1,"ok":true,"version":0,"node":"n"}\n';
    const t = memoryIO({ "/data/ops.jsonl": `${good}${good.replace('"read"', '"scan"')}` });
    expect(await main(["check", "ops.jsonl"], t.io)).toBe(2);
    expect(t.stderr()).toBe(`${shown}\n`);
  });
});
