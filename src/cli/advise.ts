// `dbsim advise [profile]`: score a workload profile's plan by simulating it,
// explain it and check the next steps; `--search` walks the progression and
// prints the cheapest plans meeting the SLOs. Bad profiles exit 2 with every
// problem's path; a search over its bounds is refused with its estimate.
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  AdvisorError,
  advise,
  BUILTIN_PROFILES,
  builtinProfile,
  formatAdvice,
  formatSearch,
  parseProfile,
  planScenario,
  profileJsonSchema,
  searchPlans,
} from "../advisor/index.js";
import { formatIssue } from "../scenario/index.js";
import { describeFsError, UsageError } from "./errors.js";
import { resolvePath } from "./load.js";

/** What `dbsim advise` needs of the CLI's I/O. */
interface AdviseIO {
  stdout(text: string): void;
  readFile(path: string): Promise<string>;
  readonly cwd: string;
}

interface AdviseOptions {
  readonly search?: boolean;
  readonly format: "text" | "json";
  readonly printScenario?: boolean;
  readonly schema?: boolean;
  readonly maxRuns?: number;
  readonly maxEvents?: number;
  readonly seed?: number;
}

function seedValue(value: string): number {
  const n = Number(value);
  if (!(Number.isSafeInteger(n) && n >= 0)) {
    throw new InvalidArgumentError(`expected an integer ≥ 0; got ${value}`);
  }
  return n;
}

function positiveNumber(value: string): number {
  const n = Number(value);
  if (!(n > 0 && Number.isFinite(n)))
    throw new InvalidArgumentError(`expected a number > 0; got ${value}`);
  return n;
}

async function loadProfile(arg: string, io: AdviseIO): Promise<unknown> {
  const builtin = builtinProfile(arg);
  if (builtin !== undefined) return structuredClone(builtin);
  let text: string;
  try {
    text = await io.readFile(resolvePath(io, arg));
  } catch (error) {
    throw new UsageError([
      `error: cannot read ${arg}: ${describeFsError(error)}`,
      `built-in profiles: ${Object.keys(BUILTIN_PROFILES).join(", ")}`,
    ]);
  }
  const parsed = parseProfile(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  if (!parsed.ok) {
    throw new UsageError([
      `error: ${arg}: not a valid profile`,
      ...parsed.issues.map((i) => `  ${formatIssue(i)}`),
    ]);
  }
  return parsed.profile;
}

function asUsage(error: unknown): never {
  if (error instanceof AdvisorError) {
    throw new UsageError([
      "error: cannot advise",
      ...error.issues.map((i) => `  ${formatIssue(i)}`),
    ]);
  }
  throw error;
}

async function runAdvise(arg: string, options: AdviseOptions, io: AdviseIO): Promise<void> {
  if (options.schema) {
    io.stdout(`${JSON.stringify(profileJsonSchema(), null, 2)}\n`);
    return;
  }
  const loaded = await loadProfile(arg, io);
  const input = options.seed === undefined ? loaded : { ...(loaded as object), seed: options.seed };
  try {
    const profile = parseProfile(input);
    if (!profile.ok) throw new AdvisorError(profile.issues);
    if (options.printScenario) {
      io.stdout(
        `${JSON.stringify(planScenario(profile.profile, profile.profile.plan), null, 2)}\n`,
      );
      return;
    }
    if (options.search) {
      const bounds = {
        ...(options.maxRuns !== undefined ? { maxRuns: options.maxRuns } : {}),
        ...(options.maxEvents !== undefined ? { maxEvents: options.maxEvents } : {}),
      };
      const result = searchPlans(profile.profile, bounds);
      io.stdout(
        options.format === "json" ? `${JSON.stringify(result, null, 2)}\n` : formatSearch(result),
      );
      return;
    }
    const advice = advise(profile.profile);
    io.stdout(
      options.format === "json" ? `${JSON.stringify(advice, null, 2)}\n` : formatAdvice(advice),
    );
  } catch (error) {
    asUsage(error);
  }
}

/**
 * Adds `dbsim advise` to the program.
 *
 * @remarks Since 0.2.0
 */
export function addAdviseCommand(program: Command, io: AdviseIO): void {
  program
    .command("advise")
    .description("score a workload profile's plan by simulating it, and check the next steps")
    .argument(
      "[profile]",
      `a profile JSON file or a built-in profile (${Object.keys(BUILTIN_PROFILES).join(", ")})`,
      "read-heavy",
    )
    .option("--search", "walk the progression and print the cheapest plans meeting the SLOs")
    .addOption(new Option("--format <format>", "output").choices(["text", "json"]).default("text"))
    .option("--seed <n>", "the master seed every run's seed derives from", seedValue)
    .option("--print-scenario", "print the scenario the profile's plan makes, and run nothing")
    .option("--schema", "print the JSON Schema of profile files, and run nothing")
    .option("--max-runs <n>", "--search: runs at most (default 60)", positiveNumber)
    .option(
      "--max-events <n>",
      "--search: estimated kernel events at most (default 3e8)",
      positiveNumber,
    )
    .action((arg: string, options: AdviseOptions) => runAdvise(arg, options, io));
}
