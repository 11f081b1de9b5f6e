// `dbsim check history.jsonl`: runs the session-guarantee checkers over a history
// recorded elsewhere (or by `dbsim run --history`), in the JSON-lines format of
// src/consistency/history.ts. Exit 0 when every guarantee holds, 1 when one is
// broken, 2 when the file cannot be read or a line is malformed (the message names
// the line, the field, the value and what was expected).
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type CheckAllResult,
  type CheckResult,
  checkAll,
  DEFAULT_HISTORY_LIMIT,
  History,
  HistoryFormatError,
} from "../consistency/index.js";
import { describeFsError, UsageError } from "./errors.js";
import { resolvePath } from "./load.js";

/**
 * What `dbsim check` needs of the CLI's I/O.
 *
 * @remarks Since 0.2.0
 */
export interface CheckIO {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Reads a UTF-8 text file by absolute path. */
  readFile(path: string): Promise<string>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

interface CheckOptions {
  readonly format: "table" | "json";
  readonly examples: number;
  readonly limit: number;
}

function parseCount(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`Expected an integer ≥ ${min}, got ${JSON.stringify(value)}.`);
    }
    return n;
  };
}

const CHECK_HELP = `
The file holds one operation per line, a JSON object such as
  {"id":7,"session":3,"kind":"read","key":42,"invokeMs":10.5,"completeMs":12,
   "ok":true,"version":2,"lsn":118,"versionLsn":97,"commitMs":null,"cluster":0,
   "node":"replica-1"}
id, session, kind ("read" or "write"), key, invokeMs, completeMs, ok, version and
node are required; lsn (a write's commit position, a read's snapshot: the serving
node's applied position), versionLsn (the commit position of the version read or
written) and commitMs may be null or left out when unknown; cluster (the shard it
ran on) may be left out for 0. dbsim run --history writes this format;
docs/consistency.md describes it in full.

Monotonic reads is checked two ways: over all keys (Terry et al. 1994: a later read
must be served by a state holding every write an earlier read of the session
observed), which needs log positions, and per key (a later read never returns an
older version of a key), which needs versions only and suits black-box systems.
Positions and versions are compared within a cluster only (each shard has its
own log), so a history of several clusters is judged as each cluster alone.

Exit codes: 0 every guarantee holds; 1 a guarantee is broken (or an internal error,
which prints "internal error"); 2 the file cannot be read or a line is malformed.

Examples:
  dbsim run read-your-writes --variant base --history ops.jsonl
  dbsim check ops.jsonl
  dbsim check ops.jsonl --format json --examples 20`;

/** Reads the file into a History; every failure is a UsageError (exit 2). */
async function loadHistory(file: string, limit: number, io: CheckIO): Promise<History> {
  let text: string;
  try {
    text = await io.readFile(resolvePath(io, file));
  } catch (error) {
    throw new UsageError([`error: cannot read ${file}: ${describeFsError(error)}`]);
  }
  try {
    return History.fromJSONLines(text, { limit });
  } catch (error) {
    if (error instanceof HistoryFormatError) {
      throw new UsageError([`error: ${file}: ${error.message}`]);
    }
    if (error instanceof RangeError) {
      throw new UsageError([
        `error: ${file}: ${error.message.replace(/; raise it.*$/, "")}; raise it with --limit`,
      ]);
    }
    throw error;
  }
}

const ROWS: readonly [string, (r: CheckAllResult) => CheckResult][] = [
  ["read-your-writes", (r) => r.readYourWrites],
  ["monotonic-reads (any key)", (r) => r.monotonicReads],
  ["monotonic-reads (per key)", (r) => r.monotonicReadsPerKey],
  ["monotonic-writes", (r) => r.monotonicWrites],
  ["writes-follow-reads", (r) => r.writesFollowReads],
];

function describeHistory(file: string, history: History): string {
  let reads = 0;
  let failed = 0;
  const sessions = new Set<number>();
  for (const op of history) {
    if (op.kind === "read") reads++;
    if (!op.ok) failed++;
    sessions.add(op.session);
  }
  return (
    `${file}: ${history.length} operations (${reads} reads, ${history.length - reads} ` +
    `writes, ${failed} failed) in ${sessions.size} sessions`
  );
}

function formatText(file: string, history: History, result: CheckAllResult): string {
  const width = Math.max(...ROWS.map(([name]) => name.length));
  const lines = [describeHistory(file, history), ""];
  lines.push(`${"guarantee".padEnd(width)}  violations`);
  for (const [name, pick] of ROWS) lines.push(`${name.padEnd(width)}  ${pick(result).count}`);
  const s = result.staleness;
  lines.push(
    "",
    `stale reads ${s.staleReads} of ${s.reads} (versions behind: mean ` +
      `${s.versionsBehind.mean.toFixed(3)}, max ${s.versionsBehind.max})`,
  );
  const unchecked = result.monotonicReads.unchecked ?? 0;
  if (unchecked > 0) {
    lines.push(
      `${unchecked} reads carry no snapshot position (lsn): monotonic reads checked them per key only`,
    );
  }
  for (const [name, pick] of ROWS) {
    const r = pick(result);
    if (r.violations.length === 0) continue;
    lines.push("", `${name}: first ${r.violations.length} of ${r.count}`);
    for (const v of r.violations) lines.push(`  ${v.message}`);
  }
  lines.push("", result.ok ? "ok: every guarantee holds" : "violations found");
  return `${lines.join("\n")}\n`;
}

/** JSON of the results, with unknown numbers (NaN) as null, as in the history format. */
function formatJson(result: CheckAllResult): string {
  return `${JSON.stringify(result, (_key, value) => (Number.isNaN(value) ? null : value), 2)}\n`;
}

/**
 * Adds `dbsim check <file>` to the program. `setExitCode(1)` is called when a
 * guarantee is broken.
 *
 * @param program - the `dbsim` program
 * @param io - where output goes and how the file is read
 * @param setExitCode - receives the exit code for a readable history
 * @remarks Since 0.2.0
 */
export function addCheckCommand(
  program: Command,
  io: CheckIO,
  setExitCode: (code: number) => void,
): void {
  program
    .command("check")
    .description(
      "check a recorded history (JSON lines) against the session guarantees; exit 1 on a violation",
    )
    .argument("<file>", "a history: one JSON object per operation and line")
    .addOption(
      new Option("--format <format>", "output format").choices(["table", "json"]).default("table"),
    )
    .addOption(
      new Option("--examples <n>", "violations shown per guarantee (all are counted)")
        .argParser(parseCount(0))
        .default(5),
    )
    .addOption(
      new Option("--limit <n>", "the most operations read")
        .argParser(parseCount(1))
        .default(DEFAULT_HISTORY_LIMIT),
    )
    .addHelpText("after", CHECK_HELP)
    .action(async (file: string, options: CheckOptions) => {
      const history = await loadHistory(file, options.limit, io);
      const result = checkAll(history, { maxExamples: options.examples });
      io.stdout(options.format === "json" ? formatJson(result) : formatText(file, history, result));
      setExitCode(result.ok ? 0 : 1);
    });
}
