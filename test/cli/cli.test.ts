// The dbsim command, run in-process through main() with captured output and
// scenario files in a temp dir; plus one spawn of the built binary.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import pkg from "../../package.json";
import { CSV_HEADER } from "../../src/cli/format.js";
import { type CliIO, main } from "../../src/cli/main.js";
import { createProgress } from "../../src/cli/progress.js";
import { builtinScenarioNames, ReportSchema } from "../../src/scenario/index.js";

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

let dir = "";

interface Result {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function cli(argv: string[], overrides: Partial<CliIO> = {}): Promise<Result> {
  let stdout = "";
  let stderr = "";
  const io: CliIO = {
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
    isTTY: false,
    readFile: (path) => readFile(path, "utf8"),
    writeFile: (path, data) => writeFile(path, data, "utf8"),
    cwd: dir,
    env: {},
    ...overrides,
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
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
    expect(r.stderr).toMatch(/^database\s+postgresql, 4 cores, maxConnections 100$/m);
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
    expect(r.stdout).toMatch(/^ {2}read\s+\d+(\s+\d+\.\d{3}){7}$/m);
    expect(r.stdout).toMatch(/^ {2}all\s+\d+(\s+\d+\.\d{3}){7}$/m);
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
    expect((await cli(["validate", "many-clients"])).stdout).toBe("ok: many-clients\n");
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

  it("list names the built-ins with their descriptions, one per line", async () => {
    const r = await cli(["list"]);
    expect(r.code).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(builtinScenarioNames()).toEqual(["read-heavy", "write-heavy", "many-clients"]);
    expect(lines).toHaveLength(3);
    builtinScenarioNames().forEach((name, i) => {
      expect(lines[i]).toMatch(new RegExp(`^${name}\\s+\\S.{20,}`));
    });
  });

  it("--help and --version exit 0 on stdout", async () => {
    const help = await cli(["--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: dbsim");
    for (const command of ["run", "validate", "schema", "diagram", "list"]) {
      expect(help.stdout).toMatch(new RegExp(`^ {2}${command}\\b`, "m"));
    }
    const runHelp = await cli(["run", "--help"]);
    expect(runHelp.code).toBe(0);
    expect(runHelp.stdout).toContain("--format <format>");
    expect(runHelp.stdout).toContain(CSV_HEADER);
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
      "error: option '--format <format>' argument 'xml' is invalid. Allowed choices are table, json, csv.",
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
    expect: ["error: cannot write no-such-dir/report.json: no such file or directory"],
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
