// The dbsim command, run in-process through main() with captured output and
// scenario files in a temp dir; plus one spawn of the built binary.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { VARIANT_HINT } from "../../src/cli/compare.js";
import { CSV_HEADER, PLANS_CSV_HEADER } from "../../src/cli/format.js";
import type { CliIO } from "../../src/cli/main.js";
import { createProgress } from "../../src/cli/progress.js";
import { builtinScenarioNames, ReportSchema } from "../../src/scenario/index.js";
import { runCli } from "./harness.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const STACK_LINE = "    at ";

const TINY = {
  name: "tiny",
  seed: 42,
  duration: "2s",
  warmup: "500ms",
  workload: { rate: 200, readRatio: 0.8 },
  database: { cores: 4 },
};

/** Two async replicas behind app routing; half the reads read the session's own last write. */
const REPLICATED = {
  name: "replicated",
  seed: 11,
  duration: "2s",
  warmup: "500ms",
  workload: { rate: 300, readRatio: 0.8, readOwnWrites: 0.5, sessions: 50 },
  database: { cores: 4 },
  replication: { replicas: 2, network: { kind: "lognormal", median: 2, p99: 20 } },
  routing: { via: "app" },
};

const PLANS = ["base", "RYW by LSN", "three semi-sync"] as const;

/** REPLICATED with two variants. */
const WITH_VARIANTS = {
  ...REPLICATED,
  name: "with-variants",
  variants: [
    {
      name: "RYW by LSN",
      description: "Reads wait for the replica to apply the session's last write.",
      patch: { routing: { consistency: { policy: "read-your-writes", by: "lsn" } } },
    },
    {
      name: "three semi-sync",
      patch: { replication: { replicas: 3, mode: "semi-sync" } },
    },
  ],
};

let dir = "";

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function cli(argv: string[], overrides: Partial<CliIO> = {}): Promise<Result> {
  return runCli(argv, dir, overrides);
}

function scenarioFile(name: string, content: unknown): string {
  writeFileSync(
    join(dir, name),
    typeof content === "string" ? content : JSON.stringify(content, null, 2),
  );
  return name;
}

/** Every number in a JSON value, with its path. */
function numbers(value: unknown, path = "$"): [string, number][] {
  if (typeof value === "number") return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (typeof value === "object" && value !== null) {
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  }
  return [];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "dbsim-cli-"));
  scenarioFile("tiny.json", TINY);
  scenarioFile("replicated.json", REPLICATED);
  scenarioFile("variants.json", WITH_VARIANTS);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("dbsim run", () => {
  it("prints a JSON report that passes ReportSchema, with the summary on stderr", async () => {
    const r = await cli(["run", "tiny.json", "--format", "json"]);
    expect(r.code).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.scenario).toBe("tiny");
    expect(report.seed).toBe(42);
    expect(report.durationMs).toBe(2000);
    expect(report.latency.all.count).toBeGreaterThan(0);
    const figures = numbers(report);
    expect(figures.length).toBeGreaterThan(30);
    for (const [path, x] of figures) expect(Number.isFinite(x), path).toBe(true);
    // The seed and the summary go to stderr, so stdout is only the JSON.
    expect(r.stderr).toMatch(/^seed\s+42\b/m);
    expect(r.stderr).toMatch(/^scenario\s+tiny$/m);
    expect(r.stderr).toMatch(/^workload\s+open arrivals \(Poisson\), 200 ops\/s$/m);
    expect(r.stderr).toMatch(/^read ratio\s+0\.8$/m);
    expect(r.stderr).toMatch(
      /^database\s+postgresql, 4 cores, maxConnections 100, mechanisms all$/m,
    );
    expect(r.stderr).toMatch(/^client\s+persistent connections/m);
    expect(r.stdout).not.toMatch(/^seed/m);
  });

  it("prints long-format CSV: the header, then section,name,metric,value rows", async () => {
    const r = await cli(["run", "tiny.json", "--format", "csv"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(CSV_HEADER);
    expect(lines.length).toBeGreaterThan(30);
    for (const line of lines) expect(line.split(",")).toHaveLength(4);
    expect(lines).toContain("run,,seed,42");
    expect(lines).toContain("run,,scenario,tiny");
    expect(lines).toContain("errors,,total,0");
    expect(lines.some((l) => /^latency,all,p99,\d/.test(l))).toBe(true);
    expect(lines.some((l) => /^latency,read,count,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^nodes,primary,utilization,[\d.e-]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^throughput,,completedPerSec,/.test(l))).toBe(true);
    expect(r.stderr).toMatch(/^seed\s+42\b/m);
  });

  it("prints a table with every section, and the summary on stdout", async () => {
    const r = await cli(["run", "tiny.json"]);
    expect(r.code).toBe(0);
    for (const section of ["Throughput", "Latency (ms)", "Errors", "Client", "Nodes"]) {
      expect(r.stdout).toMatch(new RegExp(`^${section.replace(/[()]/g, "\\$&")}$`, "m"));
    }
    expect(r.stdout).toMatch(/^\s+count\s+mean\s+p50\s+p90\s+p95\s+p99\s+p999\s+max$/m);
    // Four significant digits, at most three decimals (test/cli/format.test.ts).
    expect(r.stdout).toMatch(/^ {2}read\s+\d+(\s+\d+(\.\d{1,3})?){7}$/m);
    expect(r.stdout).toMatch(/^ {2}all\s+\d+(\s+\d+(\.\d{1,3})?){7}$/m);
    expect(r.stdout).toMatch(/^Verdict: ok — the plan carried its offered load$/m);
    expect(r.stdout).toMatch(/^seed\s+42\b/m);
    expect(r.stderr).toBe("");
  });

  it("writes the report to --out instead of stdout", async () => {
    const r = await cli(["run", "tiny.json", "--format", "json", "--out", "report.json"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("report written to report.json");
    const report = ReportSchema.parse(JSON.parse(readFileSync(join(dir, "report.json"), "utf8")));
    expect(report.scenario).toBe("tiny");
  });

  it("--seed overrides the scenario's seed; the same seed gives the same bytes", async () => {
    const a = await cli(["run", "tiny.json", "--format", "json", "--seed", "7"]);
    const b = await cli(["run", "tiny.json", "--format", "json", "--seed", "7"]);
    const c = await cli(["run", "tiny.json", "--format", "json"]);
    expect(a.code).toBe(0);
    expect(JSON.parse(a.stdout).seed).toBe(7);
    expect(a.stderr).toMatch(/^seed\s+7\b/m);
    expect(a.stdout).toBe(b.stdout);
    expect(JSON.parse(c.stdout).seed).toBe(42);
    expect(a.stdout).not.toBe(c.stdout);
  });

  it("--duration overrides the scenario's duration (with a unit, or ms)", async () => {
    const withUnit = await cli(["run", "tiny.json", "--format", "json", "--duration", "1s"]);
    expect(JSON.parse(withUnit.stdout).durationMs).toBe(1000);
    const inMs = await cli(["run", "tiny.json", "--format", "json", "--duration", "750"]);
    expect(JSON.parse(inMs.stdout).durationMs).toBe(750);
  });

  it("runs a built-in by name, and the default built-in with no argument", async () => {
    const named = await cli(["run", "write-heavy", "--format", "json", "--duration", "500ms"]);
    expect(named.code).toBe(0);
    expect(JSON.parse(named.stdout).scenario).toBe("write-heavy");
    const dflt = await cli(["run", "--format", "json", "--duration", "500ms"]);
    expect(dflt.code).toBe(0);
    expect(JSON.parse(dflt.stdout).scenario).toBe("read-heavy");
  });

  it("shows no progress line when stderr is not a terminal", async () => {
    const r = await cli(["run", "tiny.json", "--format", "json"]);
    expect(r.stderr).not.toContain("\r");
  });
});

describe("dbsim run with replication and routing", () => {
  it("prints the Replication, Routing and Consistency sections, and per-replica rows", async () => {
    const r = await cli(["run", "replicated.json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    // The summary mentions the replicas and the routing.
    expect(r.stdout).toMatch(/^replicas\s+2, async \(wal\)$/m);
    expect(r.stdout).toMatch(/^routing\s+via app, round-robin reads, consistency none$/m);
    for (const section of ["Nodes", "Replication", "Routing", "Consistency"]) {
      expect(r.stdout).toMatch(new RegExp(`^${section}$`, "m"));
    }
    expect(r.stdout).toMatch(/^ {2}name\s+role\s+cores\s+.*\breads\s+writes\b/m);
    expect(r.stdout).toMatch(/^ {2}primary\s+primary\s+4\s/m);
    expect(r.stdout).toMatch(/^ {2}replica-2\s+replica\s+4\s/m);
    expect(r.stdout).toMatch(/^ {2}log\s+wal$/m);
    expect(r.stdout).toMatch(/^ {2}mode\s+async$/m);
    expect(r.stdout).not.toContain("semi-sync timeouts");
    // One row per replica.
    for (const name of ["replica-1", "replica-2"]) {
      expect(r.stdout).toMatch(
        new RegExp(
          // LSN; replay lag mean, p99, max; oldest unapplied mean, max; bytes mean, max;
          // Seconds_Behind_Source max and NULL samples.
          `^ {2}${name}\\s+\\d+(\\s+\\d+(\\.\\d{1,3})?){5}\\s+\\d+\\.\\d\\s+\\d+\\s+\\d+\\s+\\d+$`,
          "m",
        ),
      );
    }
    expect(r.stdout).toContain("Seconds_Behind_Source");
    expect(r.stdout).toMatch(/^ {2}consistency policy\s+none$/m);
    expect(r.stdout).toMatch(/^ {2}reads to replicas\s+\d+ \(\d+\.\d%\)$/m);
    expect(r.stdout).toMatch(/^ {2}moved to primary by lag\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}LSN wait timeouts\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}replica read latency mean \(ms\)\s+\d+(\.\d{1,3})?$/m);
    expect(r.stdout).toMatch(/^ {2}read-your-writes violations\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}stale reads\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}versions behind max\s+\d+$/m);
    expect(r.stdout).toContain("counted over the measured window");
  });

  it("shows semi-sync timeouts and fallbacks in semi-sync mode", async () => {
    const semi = { ...REPLICATED, replication: { replicas: 2, mode: "semi-sync" } };
    const r = await cli(["run", scenarioFile("semi.json", semi)]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^replicas\s+2, semi-sync \(wal\), waits for 1 ack, timeout 10 s$/m);
    expect(r.stdout).toMatch(/^ {2}semi-sync timeouts\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}semi-sync fallbacks\s+\d+/m);
  });

  it("flattens replication, routing and consistency into CSV rows, replicas by name", async () => {
    const r = await cli(["run", "replicated.json", "--format", "csv"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(CSV_HEADER);
    for (const line of lines) expect(line.split(",")).toHaveLength(4);
    expect(lines).toContain("replication,,log,wal");
    expect(lines).toContain("replication,,mode,async");
    expect(lines).toContain("replication,semiSync,timeouts,0");
    expect(lines).toContain("routing,,via,app");
    expect(lines).toContain("nodes,replica-1,role,replica");
    for (const name of ["replica-1", "replica-2"]) {
      for (const metric of [
        "appliedLsn",
        "replayLagMs.p99",
        "oldestUnappliedAgeMs.max",
        "lagBytes.max",
        "secondsBehindSource.max",
        "secondsBehindSource.nullSamples",
      ]) {
        expect(lines.some((l) => l.startsWith(`replication,${name},${metric},`))).toBe(true);
      }
    }
    expect(lines.some((l) => /^replication,commitWaitMs,p99,[\d.e-]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^routing,movedToPrimary,byPolicy,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^routing,lsnWaits,meanWaitMs,[\d.e-]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^consistency,violations,readYourWrites,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^consistency,,staleReads,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("replication,replicas,"))).toBe(false);
  });
});

describe("dbsim run with variants", () => {
  it("prints a comparison table: one row per plan, base first, then descriptions and a hint", async () => {
    const r = await cli(["run", "variants.json"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^plans\s+base \+ 2: "RYW by LSN", "three semi-sync"$/m);
    expect(r.stdout).toContain("with-variants: seed 11, 2 s measured after 500 ms of warm-up");
    const rows = r.stdout
      .split("\n")
      .filter((l) => PLANS.some((name) => l.startsWith(`  ${name}  `) && /\d\.\d%\s/.test(l)));
    expect(rows).toHaveLength(3);
    PLANS.forEach((name, i) => {
      expect(rows[i]?.startsWith(`  ${name}  `)).toBe(true);
      // verdict, completed/s, read p50, read p99, write p99, errors, reads to primary, RYW, MR,
      // stale, max replica lag, busiest node and its utilization, the primary's mean lock
      // wait and commits per flush
      const cells =
        rows[i]
          ?.slice(2 + name.length)
          .trim()
          .split(/\s+/) ?? [];
      expect(cells).toHaveLength(15);
    });
    expect(r.stdout).toMatch(/^ {2}plan\s+verdict\s+\/s\s+p50\s+p99\s+p99\s+errors\s+primary/m);
    expect(r.stdout).toMatch(/^ {2}RYW by LSN\s+Reads wait for the replica/m);
    expect(r.stdout).toContain(VARIANT_HINT);
    expect(r.stdout).not.toContain("Latency (ms)");
  });

  it("prints { variants: [...] } in JSON: every plan's report, same seed, base first", async () => {
    const r = await cli(["run", "variants.json", "--format", "json", "--seed", "5"]);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      variants: { name: string; description?: string; report: unknown }[];
    };
    expect(Object.keys(doc)).toEqual(["variants"]);
    expect(doc.variants.map((v) => v.name)).toEqual([...PLANS]);
    expect(doc.variants[0]?.description).toBeUndefined();
    expect(doc.variants[1]?.description).toContain("Reads wait");
    const reports = doc.variants.map((v) => ReportSchema.parse(v.report));
    for (const report of reports) expect(report.seed).toBe(5);
    expect(reports[0]?.routing?.consistency).toBe("none");
    expect(reports[1]?.routing?.consistency).toBe("read-your-writes (lsn)");
    expect(reports[2]?.replication?.mode).toBe("semi-sync");
    expect(reports[2]?.replication?.replicas).toHaveLength(3);
    expect(r.stderr).toMatch(/^seed\s+5\b/m);
  });

  it("prefixes every CSV row with the plan", async () => {
    const r = await cli(["run", "variants.json", "--format", "csv"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe(PLANS_CSV_HEADER);
    for (const line of lines.slice(1)) {
      expect(PLANS.some((name) => line.startsWith(`${name},`))).toBe(true);
      expect(line.split(",")).toHaveLength(5);
    }
    for (const name of PLANS) {
      expect(lines).toContain(`${name},run,,seed,11`);
      expect(
        lines.some((l) => l.startsWith(`${name},replication,replica-1,replayLagMs.p99,`)),
      ).toBe(true);
    }
    expect(lines.some((l) => l.startsWith("three semi-sync,replication,replica-3,"))).toBe(true);
    expect(lines.some((l) => l.startsWith("base,replication,replica-3,"))).toBe(false);
  });

  it("--seed and --duration apply to every plan, even one whose patch sets them", async () => {
    const patched = {
      ...TINY,
      name: "patched",
      variants: [{ name: "long", patch: { duration: "1s", seed: 3 } }],
    };
    const file = scenarioFile("patched.json", patched);
    const seeds = async (argv: string[]): Promise<[number, number][]> => {
      const r = await cli(["run", file, "--format", "json", ...argv]);
      expect(r.code).toBe(0);
      const doc = JSON.parse(r.stdout) as { variants: { report: unknown }[] };
      return doc.variants.map((v) => {
        const report = ReportSchema.parse(v.report);
        return [report.seed, report.durationMs];
      });
    };
    expect(await seeds([])).toEqual([
      [42, 2000],
      [3, 1000],
    ]);
    expect(await seeds(["--seed", "9", "--duration", "500ms"])).toEqual([
      [9, 500],
      [9, 500],
    ]);
    // The comparison says where a plan's seed or window differs from the base's.
    const table = await cli(["run", file]);
    expect(table.stdout).toContain('note: "long" ran with seed 3');
    expect(table.stdout).toContain('note: "long" measured 1 s after 500 ms of warm-up');
  });

  it("--variant runs one plan and prints its full report, the same as in the comparison", async () => {
    const table = await cli(["run", "variants.json", "--variant", "RYW by LSN"]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^plan\s+RYW by LSN$/m);
    for (const section of ["Latency (ms)", "Nodes", "Replication", "Routing", "Consistency"]) {
      expect(table.stdout).toContain(`\n${section}\n`);
    }
    expect(table.stdout).toMatch(/^ {2}consistency policy\s+read-your-writes \(lsn\)$/m);
    expect(table.stdout).not.toContain(VARIANT_HINT);

    const all = JSON.parse((await cli(["run", "variants.json", "--format", "json"])).stdout) as {
      variants: { report: unknown }[];
    };
    for (const [i, name] of PLANS.entries()) {
      const one = await cli(["run", "variants.json", "--format", "json", "--variant", name]);
      expect(one.code).toBe(0);
      expect(ReportSchema.parse(JSON.parse(one.stdout))).toEqual(all.variants[i]?.report);
    }
  });

  it("--variant with an unknown name exits 2 and names the choices", async () => {
    const r = await cli(["run", "variants.json", "--variant", "RYW by lsn"]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain('error: --variant: unknown plan "RYW by lsn"');
    expect(r.stderr).toContain('"base", "RYW by LSN", "three semi-sync"');
    expect(r.stderr).not.toContain(STACK_LINE);
    const plain = await cli(["run", "tiny.json", "--variant", "fast"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("tiny.json has no variants");
    expect(plain.stderr).toContain('plans: "base"');
  });

  it("--variant base on a scenario without variants prints the usual report", async () => {
    const a = await cli(["run", "tiny.json", "--format", "json"]);
    const b = await cli(["run", "tiny.json", "--format", "json", "--variant", "base"]);
    expect(b.code).toBe(0);
    expect(b).toEqual(a);
  });

  it("validate checks the variants: ok with the count, or the patch path and exit 2", async () => {
    expect(await cli(["validate", "variants.json"])).toEqual({
      code: 0,
      stdout: "ok: with-variants (base + 2 variants)\n",
      stderr: "",
    });
    const bad = {
      ...REPLICATED,
      variants: [{ name: "no cores", patch: { database: { cores: 0 } } }],
    };
    const r = await cli(["validate", scenarioFile("bad-patch.json", bad)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("error: bad-patch.json is not a valid scenario (1 problem)");
    expect(r.stderr).toContain(
      'bad-patch.json: variants.0.patch.database.cores: Too small: expected number to be >0; got 0 (variant "no cores")',
    );
    expect(r.stderr).not.toContain(STACK_LINE);
    // run rejects it the same way, before running anything.
    const run = await cli(["run", "bad-patch.json"]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("variants.0.patch.database.cores");
  });

  it("diagram draws the base plan, or the plan named by --variant", async () => {
    const base = await cli(["diagram", "variants.json"]);
    expect(base.code).toBe(0);
    expect(base.stdout).toContain("replica-2");
    expect(base.stdout).not.toContain("replica-3");
    const three = await cli(["diagram", "variants.json", "--variant", "three semi-sync"]);
    expect(three.code).toBe(0);
    expect(three.stdout).toContain("replica-3");
    const unknown = await cli(["diagram", "variants.json", "--variant", "four"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('"base", "RYW by LSN", "three semi-sync"');
  });
});

/** Two replicas behind ProxySQL, with cached reads, locking reads and lag shunning. */
const PROXIED = {
  name: "proxied",
  seed: 5,
  duration: "2s",
  warmup: "500ms",
  workload: { rate: 300, readRatio: 0.8, lockingReads: 0.1, keys: { count: 100 } },
  database: { engine: "mysql", cores: 4 },
  replication: { replicas: 2 },
  proxy: {
    maxReplicationLag: 5,
    queryRules: [
      { ruleId: 1, match: { forUpdate: true }, destinationHostgroup: 10, apply: true },
      { ruleId: 2, match: { kind: "read" }, destinationHostgroup: 20, cacheTtl: "1s", apply: true },
    ],
  },
};

describe("dbsim run with ProxySQL", () => {
  it("prints the proxy in the summary and a Proxy section with hostgroups, rules and servers", async () => {
    const r = await cli(["run", scenarioFile("proxied.json", PROXIED)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(
      /^proxy\s+ProxySQL, 2 query rules, writer hostgroup 10, reader hostgroup 20, multiplexing on, query cache 256 MB, shuns replicas with Seconds_Behind_Source > 5 s \(checked every 10 s\)$/m,
    );
    expect(r.stdout).toMatch(/^Proxy \(ProxySQL\)$/m);
    expect(r.stdout).toMatch(/^ {2}frontend connections max\s+\d+$/m);
    expect(r.stdout).toMatch(/^ {2}query cache hits\s+\d+ \(hit ratio \d+\.\d%\)$/m);
    expect(r.stdout).toMatch(/^ {2}query cache stale hits\s+\d+/m);
    expect(r.stdout).toMatch(
      /^ {2}hostgroup_unavailable\s+0 no ONLINE server, 0 no backend connection$/m,
    );
    expect(r.stdout).toMatch(/^ {2}10\s+writer\s+\d+ \(\d+\.\d%\)$/m);
    expect(r.stdout).toMatch(/^ {2}20\s+reader\s+\d+ \(\d+\.\d%\)$/m);
    expect(r.stdout).toMatch(/^ {2}2\s+\d+$/m);
    for (const [hg, server] of [
      ["10", "primary"],
      ["20", "replica-1"],
      ["20", "replica-2"],
    ]) {
      expect(r.stdout).toMatch(new RegExp(`^ {2}${hg}\\s+${server}\\s+1\\s+ONLINE\\s+\\d+`, "m"));
    }
  });

  it("flattens the proxy into CSV rows: rules, hostgroups and servers by name", async () => {
    const r = await cli(["run", scenarioFile("proxied.json", PROXIED), "--format", "csv"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    for (const line of lines) expect(line.split(",")).toHaveLength(4);
    expect(lines.some((l) => /^proxy,rule 2,hits,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^proxy,hostgroup 20,queries,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^proxy,hostgroup 20\/replica-1,shunnedMs,\d+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^proxy,cache,hitRatio,[\d.e-]+$/.test(l))).toBe(true);
    expect(lines.some((l) => /^proxy,,frontendConnectionsMax,\d+$/.test(l))).toBe(true);
    expect(lines).toContain("errors,byKind,hostgroup_unavailable,0");
  });
});

describe("progress line", () => {
  it("draws a \\r percentage line on a TTY after the delay, and clears it", () => {
    let err = "";
    let t = 0;
    const io = {
      stderr: (s: string) => {
        err += s;
      },
      isTTY: true,
    };
    const p = createProgress(io, "running x", 100, () => t);
    p.update?.(0.1); // before the delay: nothing
    expect(err).toBe("");
    t = 200;
    p.update?.(0.5);
    p.update?.(0.505); // same percentage: not redrawn
    p.update?.(1);
    p.clear();
    expect(err).toBe(`\rrunning x: 50%\rrunning x: 100%\r${" ".repeat(15)}\r`);
  });

  it("is absent off a terminal", () => {
    let err = "";
    const stderr = (s: string): void => {
      err += s;
    };
    const p = createProgress({ stderr, isTTY: false }, "x", 0);
    expect(p.update).toBeUndefined();
    p.clear();
    expect(err).toBe("");
  });
});

describe("other commands", () => {
  it("validate prints ok: <name>", async () => {
    expect(await cli(["validate", "tiny.json"])).toEqual({
      code: 0,
      stdout: "ok: tiny\n",
      stderr: "",
    });
    expect((await cli(["validate", "write-heavy"])).stdout).toBe("ok: write-heavy\n");
    expect((await cli(["validate", "many-clients"])).stdout).toBe(
      "ok: many-clients (base + 1 variant)\n",
    );
  });

  it("schema prints the JSON Schema", async () => {
    const r = await cli(["schema"]);
    expect(r.code).toBe(0);
    const schema = JSON.parse(r.stdout) as { properties: Record<string, unknown> };
    expect(Object.keys(schema.properties)).toContain("workload");
    expect(Object.keys(schema.properties)).toContain("database");
  });

  it("diagram prints a Mermaid flowchart", async () => {
    const r = await cli(["diagram", "tiny.json"]);
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith("flowchart")).toBe(true);
    expect((await cli(["diagram"])).stdout.startsWith("flowchart")).toBe(true);
  });

  it("a scenario with a pool shows the pgbouncer section in the table", async () => {
    const r = await cli([
      "run",
      "many-clients",
      "--variant",
      "pgbouncer transaction",
      "--duration",
      "1s",
    ]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("Pool (pgbouncer, transaction mode)");
    expect(r.stdout).toMatch(/pgbouncer-primary\s+\d+/);
  });

  it("run --history writes every operation as JSON lines", async () => {
    const r = await cli(["run", "tiny.json", "--format", "json", "--history", "h.jsonl"]);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("history written to h.jsonl");
    const report = JSON.parse(r.stdout) as { latency: { all: { count: number } } };
    const lines = readFileSync(join(dir, "h.jsonl"), "utf8").trimEnd().split("\n");
    // Warm-up included: at least as many operations as the report measured.
    expect(lines.length).toBeGreaterThanOrEqual(report.latency.all.count);
    const first = JSON.parse(lines[0] ?? "{}") as Record<string, unknown>;
    expect(Object.keys(first)).toEqual(
      expect.arrayContaining(["id", "session", "kind", "key", "invokeMs", "completeMs", "version"]),
    );
  });

  it("list names the built-ins with their descriptions, wrapped", async () => {
    const r = await cli(["list"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    // Which built-ins exist is pinned once, in test/scenario/run.test.ts.
    // Descriptions wrap to 80 columns, continuation lines indented under the first.
    const first = lines.filter((l) => !l.startsWith(" "));
    expect(first).toHaveLength(builtinScenarioNames().length);
    builtinScenarioNames().forEach((name, i) => {
      expect(first[i]).toMatch(new RegExp(`^${name}\\s+\\S.{20,}`));
    });
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
  });

  it("--help and --version exit 0 on stdout", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: dbsim");
    for (const command of ["run", "validate", "schema", "diagram", "list", "playground"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    }
    const runHelp = await cli(["run", "--help"]);
    expect(runHelp.code).toBe(0);
    expect(runHelp.stdout).toContain("--format <format>");
    expect(runHelp.stdout).toContain(CSV_HEADER);
    expect(runHelp.stdout).toContain(PLANS_CSV_HEADER);
    expect(runHelp.stdout).toContain("--variant <name>");
    expect((await cli(["diagram", "--help"])).stdout).toContain("--variant <name>");
    expect((await cli(["help", "validate"])).stdout).toContain("Usage: dbsim validate");
    const version = await cli(["--version"]);
    expect(version).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: "" });
  });
});

interface BadCase {
  readonly name: string;
  readonly argv: string[];
  readonly file?: [string, unknown];
  /** Phrases stderr must contain, verbatim. */
  readonly expect: string[];
}

const rate = { rate: 200 };
const BAD_INPUT: BadCase[] = [
  {
    name: "unknown key",
    argv: ["run", "typo.json"],
    file: ["typo.json", { workload: rate, duraton: "2s" }],
    expect: ['typo.json: unknown key "duraton"'],
  },
  {
    name: "wrong type",
    argv: ["run", "type.json"],
    file: ["type.json", { workload: rate, database: { cores: "eight" } }],
    expect: ['type.json: database.cores: expected number, received string; got "eight"'],
  },
  {
    name: "negative rate",
    argv: ["run", "neg.json"],
    file: ["neg.json", { workload: { rate: -5 } }],
    expect: ["neg.json: workload.rate: Too small: expected number to be >=0; got -5"],
  },
  {
    name: "readRatio 1.5",
    argv: ["validate", "ratio.json"],
    file: ["ratio.json", { workload: { rate: 200, readRatio: 1.5 } }],
    expect: ["ratio.json: workload.readRatio: Too big: expected number to be <=1; got 1.5"],
  },
  {
    name: "zero cores",
    argv: ["run", "cores.json"],
    file: ["cores.json", { workload: rate, database: { cores: 0 } }],
    expect: ["cores.json: database.cores: Too small: expected number to be >0; got 0"],
  },
  {
    name: "both rate and clients",
    argv: ["run", "both.json"],
    file: ["both.json", { workload: { rate: 200, clients: 4 } }],
    expect: [
      "both.json: workload.clients: expected either `rate` (open arrivals) or `clients` (closed loop), not both",
    ],
  },
  {
    name: "no workload",
    argv: ["run", "empty.json"],
    file: ["empty.json", {}],
    expect: ["empty.json: workload: required: expected object; got nothing"],
  },
  {
    name: "a bad duration string in the file",
    argv: ["run", "dur.json"],
    file: ["dur.json", { workload: rate, duration: "2 weeks" }],
    expect: [
      'dur.json: duration: expected a duration such as 500, "500ms", "30s", "2m" or "1h"; got "2 weeks"',
    ],
  },
  {
    name: "a bad --duration",
    argv: ["run", "tiny.json", "--duration", "2weeks"],
    expect: [
      'error: --duration: expected a duration such as 500, "500ms", "30s", "2m" or "1h"; got "2weeks"',
    ],
  },
  {
    name: "a zero --duration",
    argv: ["run", "tiny.json", "--duration", "0"],
    expect: ["error: --duration: expected a duration > 0; got 0"],
  },
  {
    name: "not an object",
    argv: ["diagram", "array.json"],
    file: ["array.json", [1, 2]],
    expect: ["array.json: expected object, received array; got [1,2]"],
  },
  {
    name: "malformed JSON",
    argv: ["run", "broken.json"],
    file: ["broken.json", '{ "workload": { "rate": 200 }'],
    expect: ["error: broken.json: malformed JSON: "],
  },
  {
    name: "missing file",
    argv: ["run", "missing.json"],
    expect: ["error: cannot read missing.json: no such file or directory"],
  },
  {
    name: "a directory",
    argv: ["validate", "."],
    expect: ["error: cannot read .: is a directory"],
  },
  {
    name: "unknown built-in name",
    argv: ["run", "read-hevy"],
    expect: [
      'error: unknown scenario "read-hevy"',
      "built-in scenarios: read-heavy, write-heavy, many-clients",
    ],
  },
  {
    name: "bad --seed",
    argv: ["run", "tiny.json", "--seed", "abc"],
    expect: [
      "error: option '--seed <n>' argument 'abc' is invalid. Expected a non-negative integer",
    ],
  },
  {
    name: "negative --seed",
    argv: ["run", "tiny.json", "--seed", "-1"],
    expect: ["error: option '--seed <n>' argument '-1' is invalid"],
  },
  {
    name: "fractional --seed",
    argv: ["run", "tiny.json", "--seed", "1.5"],
    expect: ["error: option '--seed <n>' argument '1.5' is invalid"],
  },
  {
    name: "bad --format",
    argv: ["run", "tiny.json", "--format", "xml"],
    expect: [
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv, html.",
    ],
  },
  {
    name: "unknown option",
    argv: ["run", "tiny.json", "--bogus"],
    expect: ["error: unknown option '--bogus'"],
  },
  {
    name: "unknown command",
    argv: ["frobnicate"],
    expect: ["error: unknown command 'frobnicate'"],
  },
  {
    name: "missing argument",
    argv: ["validate"],
    expect: ["error: missing required argument 'file'"],
  },
  {
    name: "too many arguments",
    argv: ["run", "tiny.json", "tiny.json"],
    expect: ["error: too many arguments for 'run'"],
  },
  {
    name: "unwritable --out",
    argv: ["run", "tiny.json", "--format", "json", "--out", "no-such-dir/report.json"],
    // Checked before the run (test/cli/history.test.ts), so the message names the folder.
    expect: ["error: --out no-such-dir/report.json: cannot write there: no such folder"],
  },
];

describe("bad input exits 2 with the path and value, and no stack trace", () => {
  it.each(BAD_INPUT)("$name", async (c) => {
    if (c.file !== undefined) scenarioFile(c.file[0], c.file[1]);
    const r = await cli(c.argv);
    expect(r.code).toBe(2);
    for (const phrase of c.expect) expect(r.stderr).toContain(phrase);
    expect(r.stderr).not.toContain(STACK_LINE);
    expect(r.stderr).not.toContain("internal error");
    expect(r.stdout).not.toContain("Latency");
  });

  it("lists every problem of a scenario, each prefixed with the file name", async () => {
    scenarioFile("many.json", { workload: { rate: -1, readRatio: 2 }, database: { cores: 0 } });
    const r = await cli(["validate", "many.json"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error: many.json is not a valid scenario (3 problems)");
    expect(r.stderr.match(/^ {2}many\.json: /gm)).toHaveLength(3);
  });

  it("a bare `dbsim` shows the usage on stderr and exits 2", async () => {
    const r = await cli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("Usage: dbsim");
  });
});

describe("internal errors", () => {
  const boom: Partial<CliIO> = {
    stdout: () => {
      throw new Error("boom");
    },
  };

  it("exit 1 with a plea to report, without a stack trace", async () => {
    const r = await cli(["schema"], boom);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe("internal error: boom\nplease report this with the scenario and seed\n");
  });

  it("show the stack trace with DBSIM_DEBUG=1", async () => {
    const r = await cli(["schema"], { ...boom, env: { DBSIM_DEBUG: "1" } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("internal error: boom");
    expect(r.stderr).toContain(STACK_LINE);
  });
});

describe("the built binary", () => {
  const bin = join(ROOT, "dist", "cli.js");

  it.skipIf(!existsSync(bin))("runs: node dist/cli.js run --format json --duration 1s", () => {
    const r = spawnSync(process.execPath, [bin, "run", "--format", "json", "--duration", "1s"], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    expect(r.status, r.stderr).toBe(0);
    const report = ReportSchema.parse(JSON.parse(r.stdout));
    expect(report.scenario).toBe("read-heavy");
    expect(report.durationMs).toBe(1000);
    expect(r.stderr).toMatch(/^seed\s+\d+/m);
    expect(readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it.skipIf(!existsSync(bin))("exits 2 on bad input without a stack trace", () => {
    mkdirSync(dir, { recursive: true });
    const r = spawnSync(process.execPath, [bin, "validate", "missing.json"], {
      cwd: dir,
      encoding: "utf8",
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("error: cannot read missing.json: no such file or directory");
    expect(r.stderr).not.toContain(STACK_LINE);
  });
});
