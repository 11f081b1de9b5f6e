// `dbsim run`: its options, and the action split into its steps — check where
// the output goes, run one plan (with its history) or every plan side by side,
// then write the report.
import { type Command, InvalidArgumentError, Option } from "commander";
import { runReportHtml } from "../experiment/index.js";
import {
  DEFAULT_SCENARIO,
  DurationSchema,
  type Report,
  type RunScenarioOptions,
  runScenarioDetailed,
  type ScenarioRun,
  type ScenarioVariant,
} from "../scenario/index.js";
import { formatComparison, formatPlansJson, type PlanReport } from "./compare.js";
import { describeFsError, UsageError } from "./errors.js";
import { estimateLines } from "./estimate-lines.js";
import { CSV_HELP, formatCsv, formatPlansCsv, formatSummary, formatTable } from "./format.js";
import { checkWritable, writeHistoryFile } from "./history-writer.js";
import { htmlPlanOf } from "./html-output.js";
import { loadScenarioSource, resolvePath, resolvePlans, selectPlan } from "./load.js";
import type { CliIO } from "./main.js";
import { createProgress } from "./progress.js";

/** The report formats of `dbsim run`. */
const FORMATS = ["table", "json", "csv", "html"] as const;
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
  readonly estimate?: boolean;
  readonly timeSeries?: number;
}

/** The run options every plan gets from the command line. */
function runLimits(options: RunOptions): RunScenarioOptions {
  return {
    ...(options.timeSeries === undefined ? {} : { timeSeries: { windowMs: options.timeSeries } }),
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

function parseWindow(value: string): number {
  const parsed = DurationSchema.safeParse(/^\s*[\d.]+\s*$/.test(value) ? Number(value) : value);
  if (!parsed.success || !(parsed.data > 0)) {
    throw new InvalidArgumentError(
      'Expected a window length > 0: "1s", "500ms" or a number of ms.',
    );
  }
  return parsed.data;
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
): (PlanReport & { readonly run: ScenarioRun })[] {
  const name = plans[0]?.scenario.name ?? "scenario";
  const progress = createProgress(io, `running ${name} (${plans.length} plans)`);
  const update = progress.update;
  try {
    return plans.map((plan, i) => {
      const onProgress = (f: number): void => update?.((i + f) / plans.length);
      const options = update === undefined ? limits : { ...limits, onProgress };
      const run = runScenarioDetailed(plan.scenario, options);
      return {
        name: plan.name,
        ...(plan.description === undefined ? {} : { description: plan.description }),
        report: run.report,
        run,
      };
    });
  } finally {
    progress.clear();
  }
}

function renderPlans(
  format: Format,
  plans: readonly (PlanReport & { readonly run: ScenarioRun })[],
): string {
  switch (format) {
    case "html":
      return runReportHtml(plans.map((p) => htmlPlanOf(p.name, p.description, p.run)));
    case "json":
      return formatPlansJson(plans);
    case "csv":
      return formatPlansCsv(plans);
    case "table":
      return formatComparison(plans);
  }
}

function render(format: Exclude<Format, "html">, report: Report): string {
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
csv and html, so that stdout stays machine-readable. The html format is one
self-contained file (no script, nothing fetched): figures, latency CDFs, series
over time and the topology, for every plan. On a terminal, a long run shows its
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

--estimate adds, for each plan, the exact steady state of the product-form
network the plan reduces to (exact Mean Value Analysis for closed clients,
Erlang C for open arrivals): throughput, mean latency and utilization beside the
simulated ones. Plans with replication, pgbouncer, ProxySQL, routing policies,
timed events or a pool that makes requests wait get the reasons instead: the
estimate does not guess. It goes where the summary goes (stdout for the table,
stderr otherwise), after the run.

${CSV_HELP}

Examples:
  dbsim run
  dbsim run my-scenario.json --seed 7 --duration 30s
  dbsim run write-heavy --format json --out report.json
  dbsim run read-your-writes --format html --out report.html
  dbsim run read-your-writes --variant "RYW by LSN"`;

/**
 * Adds `dbsim run` to the program.
 *
 * @internal
 */
export function addRunCommand(program: Command, io: CliIO): void {
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
    .addOption(
      new Option(
        "--time-series <window>",
        'add per-window figures to the report (throughput, errors, latency, CPU per node, waiting, replica lag): "1s", "500ms" or ms',
      ).argParser(parseWindow),
    )
    .option(
      "--estimate",
      "also print the exact product-form estimate (MVA) beside the simulated figures, or why it does not apply",
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
      const text =
        plans.length === 1 || options.variant !== undefined
          ? await runOnePlan(plans, source, options, io)
          : runEveryPlan(plans, options, io);
      await writeReport(text, options, io);
    });
}

/** One plan: its full report, and its history when asked for. */
async function runOnePlan(
  plans: readonly ScenarioVariant[],
  source: Parameters<typeof selectPlan>[2],
  options: RunOptions,
  io: CliIO,
): Promise<string> {
  const plan =
    options.variant === undefined ? plans[0] : selectPlan(plans, options.variant, source);
  if (plan === undefined) throw new Error("a scenario resolves to at least one plan");
  const scenario = plan.scenario;
  const info = options.format === "table" ? io.stdout : io.stderr;
  info(`${formatSummary(scenario, plans.length > 1 ? { plan: plan.name } : {})}\n`);
  const progress = createProgress(io, `running ${scenario.name}`);
  let run: ScenarioRun;
  try {
    run = runScenarioDetailed(scenario, {
      ...runLimits(options),
      onProgress: progress.update,
      ...(options.history === undefined ? {} : { history: true }),
    });
  } finally {
    progress.clear();
  }
  const { report, history } = run;
  const text =
    options.format === "html"
      ? runReportHtml([htmlPlanOf(plan.name, plan.description, run)])
      : render(options.format, report);
  if (report.stopDetail !== undefined && (options.format !== "table" || options.out)) {
    io.stderr(`warning: ${report.stopDetail}\n`);
  }
  if (options.estimate === true) {
    return besideReport(text, `\n${estimateLines(null, scenario, report)}`, options, io);
  }
  if (options.history !== undefined && history !== null) {
    try {
      await writeHistoryFile(resolvePath(io, options.history), history);
    } catch (error) {
      throw new UsageError([`error: cannot write ${options.history}: ${describeFsError(error)}`]);
    }
    io.stderr(`history written to ${options.history}\n`);
  }
  return text;
}

/** Every plan with the same seed, side by side. */
function runEveryPlan(plans: readonly ScenarioVariant[], options: RunOptions, io: CliIO): string {
  if (options.history !== undefined) {
    throw new UsageError(["error: --history records one plan: add --variant NAME to pick it"]);
  }
  const base = plans[0]?.scenario;
  if (base === undefined) throw new Error("a scenario resolves to at least one plan");
  const info = options.format === "table" ? io.stdout : io.stderr;
  info(`${formatSummary(base, { plans: plans.map((p) => p.name) })}\n`);
  const reports = runPlans(plans, io, runLimits(options));
  if (options.format !== "table" || options.out) {
    for (const { name, report } of reports) {
      if (report.stopDetail !== undefined) io.stderr(`warning: "${name}": ${report.stopDetail}\n`);
    }
  }
  const text = renderPlans(options.format, reports);
  if (options.estimate !== true) return text;
  const block = reports.map(
    ({ name, run }) => `\n${estimateLines(name, run.scenario, run.report)}`,
  );
  return besideReport(text, block.join(""), options, io);
}

/** The table printed to stdout gets `extra` after it; any other output keeps its bytes and `extra` goes to stderr. */
function besideReport(text: string, extra: string, options: RunOptions, io: CliIO): string {
  if (options.format === "table" && options.out === undefined) return text + extra;
  io.stderr(extra);
  return text;
}

/** The report to stdout, or to `--out`. */
async function writeReport(text: string, options: RunOptions, io: CliIO): Promise<void> {
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
}
