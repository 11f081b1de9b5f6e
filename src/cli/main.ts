// The `dbsim` command. All of its logic lives in `main`, which takes the
// arguments and the I/O it may use and returns the exit code, so tests run it
// in-process and bin.ts is a thin wrapper around the real process.
//
// Exit codes: 0 ok; 2 bad input (unknown command or option, unreadable file,
// malformed JSON, invalid scenario, bad option value, a scenario refused by its
// work estimate or stopped by a livelock), printed without a stack trace; 1 an
// internal error (a bug: please report it).
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import { version } from "../../package.json";
import type { History } from "../consistency/history.js";
import { LivelockError } from "../kernel/index.js";
import {
  BUILTIN_SCENARIOS,
  builtinScenarioNames,
  DEFAULT_SCENARIO,
  diagram,
  formatIssue,
  type Report,
  type RunScenarioOptions,
  runScenarioDetailed,
  ScenarioError,
  type ScenarioVariant,
  scenarioJsonSchema,
  WorkLimitError,
} from "../scenario/index.js";
import { addCheckCommand } from "./check.js";
import { formatComparison, formatPlansJson, type PlanReport } from "./compare.js";
import { describeFsError, UsageError } from "./errors.js";
import {
  CSV_HELP,
  formatCsv,
  formatList,
  formatPlansCsv,
  formatSummary,
  formatTable,
} from "./format.js";
import { checkWritable, writeHistoryFile } from "./history-writer.js";
import { loadScenarioSource, resolvePath, resolvePlans, selectPlan } from "./load.js";
import { createProgress } from "./progress.js";
import { addSweepCommands } from "./sweep.js";

/**
 * What the CLI may touch: its output streams, whether stderr is a terminal, the
 * file system (through two functions) and the working directory. `bin.ts`
 * passes the real process; tests pass captures and temp files.
 *
 * @remarks Since 0.1.0
 */
export interface CliIO {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Writes text to standard error. */
  stderr(text: string): void;
  /** Whether standard error is a terminal: progress is shown only then. */
  readonly isTTY: boolean;
  /** Reads a UTF-8 text file by absolute path. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 text file by absolute path. */
  writeFile(path: string, data: string): Promise<void>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
  /** Environment variables; `DBSIM_DEBUG=1` adds stack traces to internal errors. */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** The report formats of `dbsim run`. */
const FORMATS = ["table", "json", "csv"] as const;
type Format = (typeof FORMATS)[number];

interface RunOptions {
  readonly seed?: number;
  readonly duration?: string;
  readonly format: Format;
  readonly out?: string;
  readonly variant?: string;
  readonly history?: string;
  readonly maxEvents?: number;
  readonly force?: boolean;
}

/** The run options every plan gets from the command line. */
function runLimits(options: RunOptions): RunScenarioOptions {
  return {
    ...(options.maxEvents === undefined ? {} : { maxEvents: options.maxEvents }),
    ...(options.force === true ? { force: true } : {}),
  };
}

function parseMaxEvents(value: string): number {
  const n = Number(value.replace(/_/g, ""));
  if (!/^\s*[\d_]+(e\d+)?\s*$/i.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(
      "Expected a whole number of events ≥ 1, such as 1000000 or 1e6.",
    );
  }
  return n;
}

function parseSeed(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n)) {
    throw new InvalidArgumentError("Expected a non-negative integer (at most 2^53 - 1).");
  }
  return n;
}

/** Runs every plan with one progress line across all of them. */
function runPlans(
  plans: readonly ScenarioVariant[],
  io: CliIO,
  limits: RunScenarioOptions,
): PlanReport[] {
  const name = plans[0]?.scenario.name ?? "scenario";
  const progress = createProgress(io, `running ${name} (${plans.length} plans)`);
  const update = progress.update;
  try {
    return plans.map((plan, i) => {
      const onProgress = (f: number): void => update?.((i + f) / plans.length);
      const options = update === undefined ? limits : { ...limits, onProgress };
      return {
        name: plan.name,
        ...(plan.description === undefined ? {} : { description: plan.description }),
        report: runScenarioDetailed(plan.scenario, options).report,
      };
    });
  } finally {
    progress.clear();
  }
}

function renderPlans(format: Format, plans: readonly PlanReport[]): string {
  switch (format) {
    case "json":
      return formatPlansJson(plans);
    case "csv":
      return formatPlansCsv(plans);
    case "table":
      return formatComparison(plans);
  }
}

function render(format: Format, report: Report): string {
  switch (format) {
    case "json":
      return `${JSON.stringify(report, null, 2)}\n`;
    case "csv":
      return formatCsv(report);
    case "table":
      return formatTable(report);
  }
}

const RUN_HELP = `
The scenario is a path to a JSON file or a built-in name (see dbsim list); without
one, the built-in "${DEFAULT_SCENARIO}" runs. The seed and a summary of the resolved
scenario are printed first: to stdout for the table format, to stderr for json and
csv, so that stdout stays machine-readable. On a terminal, a long run shows its
progress on stderr.

A scenario with "variants" runs the base plan and every variant with the same seed
and prints them side by side: a comparison table, or for json
{ "variants": [{ "name", "description", "report" }] }, or for csv the rows of every
plan with a first "plan" column. --variant NAME runs one plan ("base" or a
variant's name) and prints its full report.

Before it runs, a scenario's operations, events and memory are estimated; one
that would not finish or fit (more than 2e8 operations, 2e9 events or 4 GiB)
is refused with the estimate, and --force runs it anyway. A run with more than
2e6 operations in flight stops as "overloaded" rather than exhaust memory.

${CSV_HELP}

Examples:
  dbsim run
  dbsim run my-scenario.json --seed 7 --duration 30s
  dbsim run write-heavy --format json --out report.json
  dbsim run read-your-writes --variant "RYW by LSN"`;

const PROGRAM_HELP = `
Exit codes: 0 ok; 2 bad input (the message names the file, path and value), a
scenario refused by its work estimate, or a run whose clock stood still;
1 internal error (please report it with the scenario and seed).
Set DBSIM_DEBUG=1 to see the stack trace of an internal error.`;

function buildProgram(io: CliIO, setExitCode: (code: number) => void): Command {
  const program = new Command();
  program
    .name("dbsim")
    .description(
      "Deterministic discrete-event simulation of database scaling architectures.\n" +
        "Same scenario and seed, same report.",
    )
    .version(version, "-V, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .helpCommand("help [command]", "show help for a command")
    // Settings set before .command() are inherited by the subcommands.
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout(text),
      writeErr: (text) => io.stderr(text),
      outputError: (text, write) => write(text),
      getOutHelpWidth: () => 80,
      getErrHelpWidth: () => 80,
      getOutHasColors: () => false,
      getErrHasColors: () => false,
    })
    .showHelpAfterError("(add --help for usage)")
    .addHelpText("after", PROGRAM_HELP);

  program
    .command("run")
    .description("run a scenario and print its report")
    .argument("[scenario]", "a scenario JSON file or a built-in name")
    .addOption(
      new Option("--seed <n>", "master seed (overrides the scenario's)").argParser(parseSeed),
    )
    .option(
      "--duration <d>",
      'measured duration, overriding the scenario\'s: "30s", "500ms", "2m" or ms',
    )
    .addOption(new Option("--format <format>", "report format").choices(FORMATS).default("table"))
    .option("--out <file>", "write the report to this file instead of stdout")
    .option("--variant <name>", 'run one plan of a scenario with variants: "base" or a variant')
    .option(
      "--history <file>",
      "record every operation and write the history as JSON lines (one plan only)",
    )
    .addOption(
      new Option(
        "--max-events <n>",
        "stop the run after this many kernel events (default 2e9); the report says so",
      ).argParser(parseMaxEvents),
    )
    .option(
      "--force",
      "run even when the estimate of operations, events or memory passes the limits",
    )
    .addHelpText("after", RUN_HELP)
    .action(async (scenarioArg: string | undefined, options: RunOptions) => {
      const source = await loadScenarioSource(scenarioArg, io);
      const plans = resolvePlans(source, { seed: options.seed, duration: options.duration });
      // Before the run, so a mistyped folder costs a second, not the whole run.
      if (options.out !== undefined) {
        await checkWritable("--out", options.out, resolvePath(io, options.out));
      }
      if (options.history !== undefined) {
        await checkWritable("--history", options.history, resolvePath(io, options.history));
      }
      const info = options.format === "table" ? io.stdout : io.stderr;
      let text: string;
      if (plans.length === 1 || options.variant !== undefined) {
        const plan =
          options.variant === undefined ? plans[0] : selectPlan(plans, options.variant, source);
        if (plan === undefined) throw new Error("a scenario resolves to at least one plan");
        const scenario = plan.scenario;
        info(`${formatSummary(scenario, plans.length > 1 ? { plan: plan.name } : {})}\n`);
        const progress = createProgress(io, `running ${scenario.name}`);
        let report: Report;
        let history: History | null = null;
        try {
          const run = runScenarioDetailed(scenario, {
            ...runLimits(options),
            onProgress: progress.update,
            ...(options.history === undefined ? {} : { history: true }),
          });
          report = run.report;
          history = run.history;
        } finally {
          progress.clear();
        }
        text = render(options.format, report);
        if (report.stopDetail !== undefined && (options.format !== "table" || options.out)) {
          io.stderr(`warning: ${report.stopDetail}\n`);
        }
        if (options.history !== undefined && history !== null) {
          try {
            await writeHistoryFile(resolvePath(io, options.history), history);
          } catch (error) {
            throw new UsageError([
              `error: cannot write ${options.history}: ${describeFsError(error)}`,
            ]);
          }
          io.stderr(`history written to ${options.history}\n`);
        }
      } else {
        if (options.history !== undefined) {
          throw new UsageError([
            "error: --history records one plan: add --variant NAME to pick it",
          ]);
        }
        const base = plans[0]?.scenario;
        if (base === undefined) throw new Error("a scenario resolves to at least one plan");
        info(`${formatSummary(base, { plans: plans.map((p) => p.name) })}\n`);
        const reports = runPlans(plans, io, runLimits(options));
        text = renderPlans(options.format, reports);
        if (options.format !== "table" || options.out) {
          for (const { name, report } of reports) {
            if (report.stopDetail !== undefined)
              io.stderr(`warning: "${name}": ${report.stopDetail}\n`);
          }
        }
      }
      if (options.out === undefined) {
        io.stdout(text);
        return;
      }
      try {
        await io.writeFile(resolvePath(io, options.out), text);
      } catch (error) {
        throw new UsageError([`error: cannot write ${options.out}: ${describeFsError(error)}`]);
      }
      io.stderr(`report written to ${options.out}\n`);
    });

  program
    .command("validate")
    .description('check a scenario file; prints "ok: <name>" or every problem')
    .argument("<file>", "a scenario JSON file (or a built-in name)")
    .action(async (file: string) => {
      const plans = resolvePlans(await loadScenarioSource(file, io));
      const name = plans[0]?.scenario.name ?? "";
      const n = plans.length - 1;
      io.stdout(
        n === 0 ? `ok: ${name}\n` : `ok: ${name} (base + ${n} variant${n === 1 ? "" : "s"})\n`,
      );
    });

  program
    .command("schema")
    .description('print the JSON Schema of scenario files (point a file\'s "$schema" at it)')
    .action(() => {
      io.stdout(`${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`);
    });

  program
    .command("diagram")
    .description("print a scenario's topology as a Mermaid flowchart")
    .argument("[scenario]", `a scenario JSON file or a built-in name (default ${DEFAULT_SCENARIO})`)
    .option("--variant <name>", 'the plan to draw: "base" (the default) or a variant')
    .action(async (scenarioArg: string | undefined, options: { readonly variant?: string }) => {
      const source = await loadScenarioSource(scenarioArg, io);
      const plans = resolvePlans(source);
      const plan = selectPlan(plans, options.variant ?? "base", source);
      io.stdout(diagram(plan.scenario));
    });

  program
    .command("list")
    .description("list the built-in scenarios")
    .action(() => {
      io.stdout(
        formatList(builtinScenarioNames().map((n) => [n, BUILTIN_SCENARIOS[n]?.description ?? ""])),
      );
    });

  addCheckCommand(program, io, setExitCode);
  addSweepCommands(program, io);
  return program;
}

function reportInternalError(error: unknown, io: CliIO): number {
  const message = error instanceof Error ? error.message : String(error);
  io.stderr(`internal error: ${message}\n`);
  io.stderr("please report this with the scenario and seed\n");
  if (io.env?.DBSIM_DEBUG === "1" && error instanceof Error && error.stack !== undefined) {
    io.stderr(`${error.stack}\n`);
  }
  return 1;
}

/**
 * Runs the `dbsim` command line.
 *
 * @param argv - the arguments after the program name (`process.argv.slice(2)`)
 * @param io - where output goes and how files are read and written
 * @returns the exit code: 0 ok, 2 bad input, 1 internal error (or, for `dbsim check`,
 *   a broken guarantee)
 *
 * @example
 * ```ts
 * const code = await main(["run", "write-heavy", "--format", "json"], io);
 * ```
 *
 * @remarks Since 0.1.0
 */
export async function main(argv: readonly string[], io: CliIO): Promise<number> {
  try {
    let exitCode = 0;
    await buildProgram(io, (code) => {
      exitCode = code;
    }).parseAsync([...argv], { from: "user" });
    return exitCode;
  } catch (error) {
    try {
      if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
      if (error instanceof UsageError) {
        io.stderr(`${error.lines.join("\n")}\n`);
        return 2;
      }
      if (error instanceof WorkLimitError) {
        io.stderr(`error: refused to run: ${error.message}\n`);
        return 2;
      }
      if (error instanceof LivelockError) {
        io.stderr(`error: the run cannot go on: ${error.message}\n`);
        return 2;
      }
      if (error instanceof ScenarioError) {
        io.stderr(
          `error: not a valid scenario\n${error.issues.map((i) => `  ${formatIssue(i)}\n`).join("")}`,
        );
        return 2;
      }
      return reportInternalError(error, io);
    } catch {
      return 1;
    }
  }
}
