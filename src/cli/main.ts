// The `dbsim` command. All of its logic lives in `main`, which takes the
// arguments and the I/O it may use and returns the exit code, so tests run it
// in-process and bin.ts is a thin wrapper around the real process.
//
// Exit codes: 0 ok; 2 bad input (unknown command or option, unreadable file,
// malformed JSON, invalid scenario, bad option value, a scenario refused by its
// work estimate or stopped by a livelock), printed without a stack trace; 1 an
// internal error (a bug: please report it).
import { Command, CommanderError } from "commander";
import { version } from "../../package.json";
import { LivelockError } from "../kernel/index.js";
import {
  BUILTIN_SCENARIOS,
  builtinScenarioNames,
  DEFAULT_SCENARIO,
  diagram,
  formatIssue,
  ScenarioError,
  scenarioJsonSchema,
  WorkLimitError,
} from "../scenario/index.js";
import { addAdviseCommand } from "./advise.js";
import { addCalibrateCommand } from "./calibrate.js";
import { addCheckCommand } from "./check.js";
import { UsageError } from "./errors.js";
import { formatList } from "./format.js";
import { loadScenarioSource, resolvePlans, selectPlan } from "./load.js";
import { addPlaygroundCommand } from "./playground.js";
import { addRunCommand } from "./run-command.js";
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

  addRunCommand(program, io);

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
  addCalibrateCommand(program, io);
  addSweepCommands(program, io);
  addPlaygroundCommand(program, io);
  addAdviseCommand(program, io);
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
