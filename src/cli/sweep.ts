// `dbsim sweep experiment.json` runs an experiment (on worker threads; with
// --shard i/n one slice of its points, written as a partial result) and
// `dbsim merge part*.json` combines partial results into the output one process
// gives, byte for byte. Bad files and mismatched partials exit 2 with a message
// that names the path, the value and what was expected.
import { availableParallelism } from "node:os";
import { dirname } from "node:path";
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  ExperimentError,
  type ExperimentResult,
  experimentReportHtml,
  finalizeResult,
  formatExperimentCsv,
  formatExperimentJson,
  formatExperimentJsonLines,
  MergeError,
  mergePartials,
  type PartialResult,
  parsePartial,
  resolveExperiment,
  runExperimentPartial,
  type Shard,
} from "../experiment/index.js";
import { runPartialOnWorkers } from "../node/pool.js";
import { formatIssue, topologyOf } from "../scenario/index.js";
import { describeFsError, UsageError } from "./errors.js";
import { resolvePath } from "./load.js";
import { createProgress, type ProgressIO } from "./progress.js";

/**
 * What `dbsim sweep` and `dbsim merge` need of the CLI's I/O.
 *
 * @remarks Since 0.2.0
 */
export interface SweepIO extends ProgressIO {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Reads a UTF-8 text file by absolute path. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 text file by absolute path. */
  writeFile(path: string, data: string): Promise<void>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

const FORMATS = ["json", "csv", "jsonl", "html"] as const;
type Format = (typeof FORMATS)[number];

interface SweepOptions {
  readonly precision?: number;
  readonly maxReplications?: number;
  readonly workers?: number;
  readonly shard?: Shard;
  readonly format: Format;
  readonly out?: string;
  readonly quiet?: boolean;
}

function parseWorkers(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 1024) {
    throw new InvalidArgumentError(
      `Expected an integer from 1 to 1024, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

function parsePrecision(value: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(%?)\s*$/.exec(value);
  const share = m === null ? Number.NaN : Number(m[1]) / (m[2] === "%" ? 100 : 1);
  if (!(share > 0 && share < 1)) {
    throw new InvalidArgumentError(
      `Expected a share of the mean between 0 and 1, such as 5% or 0.05; got ${JSON.stringify(value)}.`,
    );
  }
  return share;
}

function parseMaxReplications(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 2 || n > 10_000) {
    throw new InvalidArgumentError(
      `Expected an integer from 2 to 10000, got ${JSON.stringify(value)}.`,
    );
  }
  return n;
}

/** The experiment with --precision and --max-replications laid over its own `precision`. */
function withPrecision(input: unknown, options: SweepOptions): unknown {
  if (options.precision === undefined && options.maxReplications === undefined) return input;
  if (typeof input !== "object" || input === null || Array.isArray(input)) return input;
  const own = (input as { precision?: unknown }).precision;
  const base = typeof own === "object" && own !== null ? own : {};
  if (options.precision === undefined && !("relativeHalfWidth" in base)) {
    throw new UsageError(["error: --max-replications bounds --precision: give --precision too"]);
  }
  return {
    ...input,
    precision: {
      ...base,
      ...(options.precision === undefined ? {} : { relativeHalfWidth: options.precision }),
      ...(options.maxReplications === undefined
        ? {}
        : { maxReplications: options.maxReplications }),
    },
  };
}

/** What the precision rule did, for stderr: runs per point, the last metric to converge, the points that did not. */
function precisionLines(result: ExperimentResult): string {
  const target = result.precision;
  if (target === undefined) return "";
  const pct = (v: number): string => `${Number((v * 100).toPrecision(3))} %`;
  const counts = result.points.map((p) => p.runs.length);
  const converged = result.points.filter((p) => p.precision?.converged);
  const lines = [
    `precision ±${pct(target.relativeHalfWidth)}: ${converged.length} of ${result.points.length} points converged; ${Math.min(...counts)} to ${Math.max(...counts)} runs per point (${counts.reduce((a, b) => a + b, 0)} in all)`,
  ];
  const slowest = [...converged].sort(
    (a, b) => b.runs.length - a.runs.length || a.index - b.index,
  )[0];
  if (slowest?.precision?.lastToConverge) {
    lines.push(
      `  the last metric to converge: ${slowest.precision.lastToConverge} (point ${slowest.index}, ${slowest.runs.length} runs)`,
    );
  }
  const lengthened = result.points.filter((p) => p.transient?.applied);
  if (lengthened.length > 0) {
    const most = Math.max(...lengthened.map((p) => p.transient?.truncateMs ?? 0));
    lines.push(
      `  MSER-5: the warm-up was too short at ${lengthened.length} of ${result.points.length} points; their first round ran again with it lengthened (by up to ${Number(most.toPrecision(4))} ms): points[].transient`,
    );
  }
  for (const p of result.points) {
    if (p.precision === undefined || p.precision.converged) continue;
    const wide = p.precision.notConverged
      .map((m) => {
        const w = p.precision?.relativeHalfWidth[m];
        return `${m} at ±${w === null || w === undefined ? "∞" : pct(w)}`;
      })
      .join(", ");
    lines.push(
      `  warning: point ${p.index} stopped at the maximum of ${target.maxReplications} runs with ${wide} of its mean: raise --max-replications or loosen --precision`,
    );
  }
  return `${lines.join("\n")}\n`;
}

function parseShard(value: string): Shard {
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(value);
  const index = Number(m?.[1]);
  const count = Number(m?.[2]);
  if (m === null || !(count >= 1) || !(index < count) || !Number.isSafeInteger(count)) {
    throw new InvalidArgumentError(
      `Expected i/n with 0 ≤ i < n (the shard's index from 0, then the number of shards), got ${JSON.stringify(value)}.`,
    );
  }
  return { index, count };
}

async function readText(io: SweepIO, file: string): Promise<string> {
  try {
    return await io.readFile(resolvePath(io, file));
  } catch (error) {
    throw new UsageError([`error: cannot read ${file}: ${describeFsError(error)}`]);
  }
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new UsageError([`error: ${file} is not valid JSON: ${detail}`]);
  }
}

/** The experiment's JSON, with a scenario given as a `.json` path read from beside the file. */
async function loadExperiment(io: SweepIO, file: string): Promise<unknown> {
  const value = parseJson(await readText(io, file), file);
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const scenario = (value as Record<string, unknown>).scenario;
    if (typeof scenario === "string" && /\.json$/i.test(scenario)) {
      const path = resolvePath({ cwd: dirname(resolvePath(io, file)) }, scenario);
      return { ...value, scenario: parseJson(await readText(io, path), scenario) };
    }
  }
  return value;
}

async function emit(
  io: SweepIO,
  text: string,
  out: string | undefined,
  what: string,
): Promise<void> {
  if (out === undefined) {
    io.stdout(text);
    return;
  }
  try {
    await io.writeFile(resolvePath(io, out), text);
  } catch (error) {
    throw new UsageError([`error: cannot write ${out}: ${describeFsError(error)}`]);
  }
  io.stderr(`${what} written to ${out}\n`);
}

function render(result: ExperimentResult, format: Format, experiment: unknown): string {
  if (format === "csv") return formatExperimentCsv(result);
  if (format === "html") {
    // The first point's topology: what the grid starts from.
    const scenario = resolveExperiment(experiment).points[0]?.scenario;
    return experimentReportHtml(result, scenario ? { graph: topologyOf(scenario) } : {});
  }
  return format === "jsonl" ? formatExperimentJsonLines(result) : formatExperimentJson(result);
}

async function sweep(io: SweepIO, file: string, options: SweepOptions): Promise<void> {
  if (options.shard !== undefined && options.format !== "json") {
    throw new UsageError([
      "error: --shard writes a partial result, which is JSON; give --format to dbsim merge instead",
    ]);
  }
  const input = withPrecision(await loadExperiment(io, file), options);
  const progress = createProgress(options.quiet === true ? { ...io, isTTY: false } : io, "sweep");
  const onProgress =
    progress.update === undefined
      ? undefined
      : (done: number, total: number) => progress.update?.(done / total);
  const workers = options.workers ?? availableParallelism();
  const shard = options.shard;
  let partial: PartialResult;
  try {
    partial =
      workers === 1
        ? runExperimentPartial(input, {
            ...(shard ? { shard } : {}),
            ...(onProgress ? { onProgress } : {}),
          })
        : await runPartialOnWorkers(input, {
            workers,
            ...(shard ? { shard } : {}),
            ...(onProgress ? { onProgress } : {}),
          });
  } catch (error) {
    if (error instanceof ExperimentError) {
      throw new UsageError([
        `error: ${file} is not a valid experiment`,
        ...error.issues.map((i) => `  ${formatIssue(i)}`),
      ]);
    }
    throw error;
  } finally {
    progress.clear();
  }
  if (shard !== undefined) {
    await emit(
      io,
      `${JSON.stringify(partial)}\n`,
      options.out,
      `partial result ${shard.index}/${shard.count}`,
    );
    return;
  }
  const result = finalizeResult([partial]);
  await emit(io, render(result, options.format, input), options.out, "result");
  io.stderr(precisionLines(result));
}

async function merge(io: SweepIO, files: readonly string[], options: SweepOptions): Promise<void> {
  const partials: PartialResult[] = [];
  try {
    for (const file of files)
      partials.push(parsePartial(parseJson(await readText(io, file), file), file));
    await emit(
      io,
      render(mergePartials(partials, files), options.format, partials[0]?.experiment),
      options.out,
      "result",
    );
  } catch (error) {
    if (error instanceof MergeError)
      throw new UsageError([`error: cannot merge: ${error.message}`]);
    throw error;
  }
}

const SWEEP_HELP = `
The experiment file names a base scenario (a built-in name, a scenario object, or
a .json path relative to the experiment file), parameters to sweep (paths into the
scenario and their values), replications per point, metrics (paths into the
report) and a master seed. Run seeds derive from the master seed, the point and
the replication, so the output is the same for any --workers and any sharding.

Job arrays: run shard i of n on each machine, then merge:
  dbsim sweep exp.json --shard $JOB_COMPLETION_INDEX/4 --out part-$JOB_COMPLETION_INDEX.json
  dbsim merge part-*.json --format csv --out result.csv
With --precision 5%, each point runs its replications, then rounds of as many
more while any metric's 95 % interval is wider than ±5 % of its mean, up to
--max-replications (default 100); stderr says how many runs it took, which
metric converged last, and which points stopped at the maximum. The rounds are
decided per point in replication order, so the output is the same for any
--workers and any --shard. The experiment file's "precision" does the same.

docs/experiments.md has the statistics and the Kubernetes and Slurm recipes.`;

/**
 * Adds `dbsim sweep` and `dbsim merge` to the program.
 *
 * @remarks Since 0.2.0
 */
export function addSweepCommands(program: Command, io: SweepIO): void {
  program
    .command("sweep")
    .description("run an experiment: a sweep of a scenario with replications and statistics")
    .argument("<experiment>", "an experiment JSON file")
    .addOption(
      new Option("--workers <n>", "worker threads (default: the number of cores)").argParser(
        parseWorkers,
      ),
    )
    .addOption(
      new Option(
        "--shard <i/n>",
        "run the i-th of n slices of the points (i from 0) and write a partial result",
      ).argParser(parseShard),
    )
    .addOption(
      new Option(
        "--precision <share>",
        "add replications to each point until every metric's 95 % CI half-width is within this share of its mean (5% or 0.05)",
      ).argParser(parsePrecision),
    )
    .addOption(
      new Option(
        "--max-replications <n>",
        "with --precision: at most this many replications per point (default 100)",
      ).argParser(parseMaxReplications),
    )
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("json"))
    .option("--out <file>", "write the output to this file instead of stdout")
    .option("--quiet", "no progress line")
    .addHelpText("after", SWEEP_HELP)
    .action(async (file: string, options: SweepOptions) => sweep(io, file, options));

  program
    .command("merge")
    .description("merge the partial results of dbsim sweep --shard into the whole result")
    .argument("<partials...>", "the partial result files, one per shard")
    .addOption(new Option("--format <format>", "output format").choices(FORMATS).default("json"))
    .option("--out <file>", "write the output to this file instead of stdout")
    .action(async (files: string[], options: SweepOptions) => merge(io, files, options));
}
