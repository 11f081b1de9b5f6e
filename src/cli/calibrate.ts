// `dbsim calibrate <file...>`: reads pgbench, sysbench or CSV measurements, fits
// dbsim's server to them (src/calibrate/), prints the fit and the scenario
// sections as JSON, and optionally writes those sections to a file.
import { type Command, InvalidArgumentError, Option } from "commander";
import {
  type Calibration,
  calibrate,
  calibrateWritePath,
  formatCalibration,
  formatWritePathCalibration,
  type Measurement,
  type MeasurementFormat,
  MeasurementFormatError,
  parseMeasurements,
  parsePgbenchLog,
} from "../calibrate/index.js";
import { describeFsError, UsageError } from "./errors.js";
import { resolvePath } from "./load.js";

/**
 * What `dbsim calibrate` needs of the CLI's I/O.
 *
 * @remarks Since 0.2.0
 */
export interface CalibrateIO {
  /** Writes text to standard output. */
  stdout(text: string): void;
  /** Reads a UTF-8 text file by absolute path. */
  readFile(path: string): Promise<string>;
  /** Writes a UTF-8 text file by absolute path. */
  writeFile(path: string, data: string): Promise<void>;
  /** The directory relative paths are resolved against. */
  readonly cwd: string;
}

interface CalibrateCliOptions {
  readonly input: MeasurementFormat | "auto";
  readonly model: "mechanisms" | "usl" | "write";
  readonly asyncCommit: readonly string[];
  readonly runTransactions: number;
  readonly cores: number;
  readonly holdout: readonly number[];
  readonly statements: number;
  readonly residuals: "relative" | "absolute";
  readonly serviceTime: "exponential" | "lognormal";
  readonly latencyLog?: string;
  readonly json: boolean;
  readonly output?: string;
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < 1) {
    throw new InvalidArgumentError(`Expected an integer ≥ 1, got ${JSON.stringify(value)}.`);
  }
  return n;
}

function collect(value: string, previous: readonly string[]): string[] {
  return [...previous, value];
}

function levelList(value: string): number[] {
  return value.split(",").map((part) => positiveInteger(part));
}

const CALIBRATE_HELP = `
Each file holds pgbench's or sysbench's own output (several runs concatenated,
repeats allowed), or a CSV with the header concurrency,throughput,mean,p99
(and page_reads per transaction, for runs at several data sizes).
The mechanism model is dbsim's server under a closed loop: CPU per transaction
on --cores cores and the client's time per transaction are fitted first, then
USL σ and κ to what they leave; --model usl fits Gunther's λ, σ, κ alone.
--latency-log (pgbench --log) makes the statement time a lognormal of the
logged latency's shape, with the fitted mean.
--model write fits the log flush and the row-lock hold by simulating dbsim's
server: give pgbench's TPC-B-like and simple-update (-N) runs, with
synchronous_commit on (files) and off (--async-commit files).
docs/calibration.md has a worked example.

Examples:
  dbsim calibrate pgbench-select.txt --cores 2
  dbsim calibrate runs.csv --model usl --holdout 8,16
  dbsim calibrate r1.txt r2.txt r3.txt --cores 2 --output database.json
  dbsim calibrate r1.txt --cores 2 --latency-log pgbench_log.4992
  dbsim calibrate tpcb-on.txt simple-on.txt --async-commit tpcb-off.txt \
    --async-commit simple-off.txt --model write --cores 2 --holdout 4`;

async function readMeasurements(
  files: readonly string[],
  input: CalibrateCliOptions["input"],
  io: CalibrateIO,
): Promise<Measurement[]> {
  const all: Measurement[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = await io.readFile(resolvePath(io, file));
    } catch (error) {
      throw new UsageError([`error: cannot read ${file}: ${describeFsError(error)}`]);
    }
    try {
      all.push(...parseMeasurements(text, file, input === "auto" ? undefined : input));
    } catch (error) {
      if (error instanceof MeasurementFormatError)
        throw new UsageError([`error: ${error.message}`]);
      throw error;
    }
  }
  return all;
}

async function readLatencyLog(file: string, io: CalibrateIO): Promise<number[]> {
  let text: string;
  try {
    text = await io.readFile(resolvePath(io, file));
  } catch (error) {
    throw new UsageError([`error: cannot read ${file}: ${describeFsError(error)}`]);
  }
  try {
    return parsePgbenchLog(text, file);
  } catch (error) {
    if (error instanceof MeasurementFormatError) throw new UsageError([`error: ${error.message}`]);
    throw error;
  }
}

/** The write path's fit, its text and sections; a refusal is a usage error. */
function fitWritePath(
  measurements: readonly Measurement[],
  options: CalibrateCliOptions,
): { text: string; json: unknown; sections: unknown } {
  try {
    const fit = calibrateWritePath(measurements, {
      cores: options.cores,
      holdout: options.holdout,
      residuals: options.residuals,
      transactionsPerRun: options.runTransactions,
      ...(options.statements > 1 ? { statementsPerTransaction: options.statements } : {}),
    });
    return { text: formatWritePathCalibration(fit), json: fit, sections: fit.sections };
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError([`error: ${error.message}`]);
    throw error;
  }
}

function fitMeasurements(
  measurements: readonly Measurement[],
  options: CalibrateCliOptions & { readonly model: "mechanisms" | "usl" },
  latencySamplesMs: readonly number[] | undefined,
): Calibration {
  try {
    return calibrate(measurements, {
      model: options.model,
      cores: options.cores,
      holdout: options.holdout,
      statementsPerTransaction: options.statements,
      residuals: options.residuals,
      serviceTime: latencySamplesMs === undefined ? options.serviceTime : "lognormal",
      ...(latencySamplesMs === undefined ? {} : { latencySamplesMs }),
    });
  } catch (error) {
    if (error instanceof RangeError) throw new UsageError([`error: ${error.message}`]);
    throw error;
  }
}

/**
 * Adds `dbsim calibrate <file...>` to the program.
 *
 * @remarks Since 0.2.0
 */
export function addCalibrateCommand(program: Command, io: CalibrateIO): void {
  program
    .command("calibrate")
    .description("fit dbsim's server to measured throughput at several concurrency levels")
    .argument("<file...>", "pgbench or sysbench output, or a CSV")
    .addOption(
      new Option("--input <format>", "the files' format")
        .choices(["auto", "pgbench", "sysbench", "csv"])
        .default("auto"),
    )
    .addOption(
      new Option("--model <model>", "what to fit")
        .choices(["mechanisms", "usl", "write"])
        .default("mechanisms"),
    )
    .addOption(
      new Option("--cores <n>", "the database's cores").argParser(positiveInteger).default(8),
    )
    .addOption(
      new Option("--holdout <levels>", "concurrency levels to predict instead of fit, e.g. 8,16")
        .argParser(levelList)
        .default([]),
    )
    .addOption(
      new Option("--statements <n>", "statements per transaction (divides the CPU per transaction)")
        .argParser(positiveInteger)
        .default(1),
    )
    .addOption(
      new Option(
        "--residuals <kind>",
        "minimise relative errors, or absolute ones (as R's usl package)",
      )
        .choices(["relative", "absolute"])
        .default("relative"),
    )
    .addOption(
      new Option(
        "--service-time <kind>",
        "statement time: exponential, or lognormal shaped by the latency at the fewest clients",
      )
        .choices(["exponential", "lognormal"])
        .default("exponential"),
    )
    .option(
      "--latency-log <file>",
      "pgbench --log per-transaction log: a lognormal statement time of its shape",
    )
    .option(
      "--async-commit <file>",
      "runs measured with synchronous_commit=off (repeatable), for --model write",
      collect,
      [],
    )
    .addOption(
      new Option(
        "--run-transactions <n>",
        "--model write: transactions in each simulated run (fewer: a faster, noisier fit)",
      )
        .argParser(positiveInteger)
        .default(2000),
    )
    .option("--json", "print the whole calibration as JSON", false)
    .option("--output <file>", "write the scenario sections (JSON) to this file")
    .addHelpText("after", CALIBRATE_HELP)
    .action(async (files: string[], options: CalibrateCliOptions) => {
      const measurements = await readMeasurements(files, options.input, io);
      const offRuns = await readMeasurements(options.asyncCommit, options.input, io);
      let result: { text: string; json: unknown; sections: unknown };
      if (options.model === "write") {
        const runs = [
          ...measurements.map((m) => ({ ...m, synchronousCommit: m.synchronousCommit ?? "on" })),
          ...offRuns.map((m) => ({ ...m, synchronousCommit: "off" as const })),
        ];
        result = fitWritePath(runs, options);
      } else {
        if (offRuns.length > 0) {
          throw new UsageError([
            `error: --async-commit is for --model write (the ${options.model} model has no log flush to leave out)`,
          ]);
        }
        const samples =
          options.latencyLog === undefined
            ? undefined
            : await readLatencyLog(options.latencyLog, io);
        const calibration = fitMeasurements(
          measurements,
          { ...options, model: options.model },
          samples,
        );
        result = {
          text: formatCalibration(calibration),
          json: calibration,
          sections: calibration.sections,
        };
      }
      const sections = `${JSON.stringify(result.sections, null, 2)}\n`;
      if (options.json) io.stdout(`${JSON.stringify(result.json, null, 2)}\n`);
      else io.stdout(`${result.text}\n\nScenario sections:\n${sections}`);
      if (options.output !== undefined) {
        try {
          await io.writeFile(resolvePath(io, options.output), sections);
        } catch (error) {
          throw new UsageError([
            `error: cannot write ${options.output}: ${describeFsError(error)}`,
          ]);
        }
      }
    });
}
