// calibrateWritePath(measurements): the log flush and the row-lock hold fitted
// by simulating dbsim's server (fit-write-path.ts), within a budget of simulated
// transactions estimated before any run; the fit's quality, the held-out levels'
// predictions and the scenario sections, as calibrate() gives them for reads.
import type { CalibrationLevel } from "./calibrate.js";
import {
  fitWritePath,
  groupLevels,
  lockHoldMs,
  SEARCH_STEPS,
  searchRuns,
  stagePoints,
  type WritePoint,
} from "./fit-write-path.js";
import type { ResidualKind } from "./least-squares.js";
import type { Measurement } from "./measurement.js";
import { simulateWritePath, type WritePathModel } from "./write-path-model.js";
import { type WritePathSections, writePathSections } from "./write-path-sections.js";

/**
 * What to fit and how.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathOptions {
  /** The database's cores (default 8). */
  readonly cores?: number;
  /** Client counts left out of the fit and predicted instead. */
  readonly holdout?: readonly number[];
  /**
   * Statements a transaction holds its row across, the first taking the lock
   * (default 3: pgbench's TPC-B-like script locks its branch row with its 5th
   * command and keeps it through the INSERT and the END that commits).
   */
  readonly statementsPerTransaction?: number;
  /** Relative (default) or absolute residuals, as calibrate(). */
  readonly residuals?: ResidualKind;
  /** Transactions in each simulated run's measured window (default 2,000), fewer if the budget needs. */
  readonly transactionsPerRun?: number;
  /** The most transactions the whole fit may simulate (default 600,000: a few CPU-seconds). */
  readonly budgetTransactions?: number;
}

/**
 * A write-path level: its commit rule and shared rows beside calibrate()'s figures.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathLevel extends CalibrationLevel {
  /** The runs' synchronous_commit. */
  readonly synchronousCommit: "on" | "off";
  /** Rows every transaction updated one of (0: none shared). */
  readonly hotRows: number;
}

/**
 * The write path's calibration.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathCalibration {
  readonly model: "write";
  /** The fitted parameters (flushMs 0 and roundTripMs 0 when not fitted). */
  readonly parameters: WritePathModel;
  /** The fitted log flush (ms), or null with `flushRefusal` saying why. */
  readonly flushMs: number | null;
  /** Why the flush was not fitted (null when it was). */
  readonly flushRefusal: string | null;
  /** A row's lock hold at light load (ms): CPU, round trips between statements, one flush; or null with `lockRefusal`. */
  readonly lockHoldMs: number | null;
  /** Why the lock hold was not fitted (null when it was). */
  readonly lockRefusal: string | null;
  /** 1 − SS_res / SS_tot over the fitted runs. */
  readonly rSquared: number;
  /** The fitted levels, each simulated with the fitted parameters. */
  readonly fitted: readonly WritePathLevel[];
  /** The held-out levels, predicted by simulation. */
  readonly heldOut: readonly WritePathLevel[];
  /** Transactions in each simulated run's measured window. */
  readonly transactionsPerRun: number;
  /** Simulated runs made, the predictions' included. */
  readonly simulations: number;
  /** The scenario's `database`, `workload` and `client` fields that reproduce the fit. */
  readonly sections: WritePathSections;
}

const MIN_TRANSACTIONS_PER_RUN = 400;

function writePoints(measurements: readonly Measurement[]): WritePoint[] {
  return measurements.map((m, i) => {
    if (m.hotRows === undefined || !(m.hotRows >= 0)) {
      throw new RangeError(
        `measurements[${i}].hotRows: expected the rows its transactions share (0 for none), got ${m.hotRows}: the write path needs pgbench's TPC-B-like or simple-update output, or a CSV hot_rows column.`,
      );
    }
    return {
      n: m.concurrency,
      x: m.throughput,
      synchronousCommit: m.synchronousCommit ?? "on",
      hotRows: m.hotRows,
    };
  });
}

/** Transactions per run that keep the fit within the budget, or an error. */
function budgetPerRun(
  fitPoints: readonly WritePoint[],
  all: readonly WritePoint[],
  options: WritePathOptions,
): number {
  const { flushRuns, lockRuns } = stagePoints(fitPoints);
  const runs = searchRuns(flushRuns) + searchRuns(lockRuns) + groupLevels(all, 1).length;
  const wanted = options.transactionsPerRun ?? 2000;
  const budget = options.budgetTransactions ?? 600_000;
  const perRun = Math.min(wanted, Math.floor(budget / runs));
  if (perRun < MIN_TRANSACTIONS_PER_RUN) {
    throw new RangeError(
      `measurements: the write-path fit would simulate ${runs} runs (${SEARCH_STEPS + 2} trials × each level of its flush and lock stages, and every level once), under ${MIN_TRANSACTIONS_PER_RUN} transactions each within a budget of ${budget}: give fewer levels or a larger budgetTransactions.`,
    );
  }
  return perRun;
}

function predictLevels(
  model: WritePathModel,
  points: readonly WritePoint[],
  transactions: number,
): WritePathLevel[] {
  return groupLevels(points, transactions)
    .map((group) => {
      const xs = group.points.map((p) => p.x);
      const measured = group.run.expectedPerSec;
      const predicted = simulateWritePath(model, group.run);
      return {
        concurrency: group.run.clients,
        repeats: xs.length,
        measured,
        spreadPercent: ((Math.max(...xs) - Math.min(...xs)) / measured) * 100,
        predicted,
        errorPercent: ((predicted - measured) / measured) * 100,
        synchronousCommit: group.run.synchronousCommit,
        hotRows: group.run.hotRows,
      };
    })
    .sort(
      (a, b) =>
        a.hotRows - b.hotRows ||
        a.synchronousCommit.localeCompare(b.synchronousCommit) ||
        a.concurrency - b.concurrency,
    );
}

function rSquared(levels: readonly WritePathLevel[], points: readonly WritePoint[]): number {
  const mean = points.reduce((a, p) => a + p.x, 0) / points.length;
  let residual = 0;
  let total = 0;
  for (const p of points) {
    const level = levels.find(
      (l) =>
        l.concurrency === p.n &&
        l.hotRows === p.hotRows &&
        l.synchronousCommit === p.synchronousCommit,
    ) as WritePathLevel;
    residual += (p.x - level.predicted) ** 2;
    total += (p.x - mean) ** 2;
  }
  return total > 0 ? 1 - residual / total : 1;
}

/**
 * Fits the log flush time and the row-lock hold of dbsim's server to write-heavy
 * closed-loop runs (pgbench's TPC-B-like and simple-update scripts, with
 * synchronous_commit on and off), by simulating the server at every trial.
 *
 * @throws RangeError naming what the runs lack, or a fit beyond the budget
 * @remarks Since 0.2.0
 */
export function calibrateWritePath(
  measurements: readonly Measurement[],
  options: WritePathOptions = {},
): WritePathCalibration {
  const cores = options.cores ?? 8;
  const statements = options.statementsPerTransaction ?? 3;
  if (!Number.isInteger(cores) || cores < 1) {
    throw new RangeError(`options.cores: expected an integer ≥ 1, got ${cores}.`);
  }
  // dbsim's transactions have at least 2 statements (the schema's "at least 2").
  if (!Number.isInteger(statements) || statements < 2) {
    throw new RangeError(
      `options.statementsPerTransaction: expected an integer ≥ 2 (the statements a transaction holds its row across), got ${statements}.`,
    );
  }
  const holdout = new Set(options.holdout ?? []);
  const all = writePoints(measurements);
  const fitPoints = all.filter((p) => !holdout.has(p.n));
  const transactions = budgetPerRun(fitPoints, all, options);
  const fit = fitWritePath(fitPoints, {
    cores,
    statements,
    transactions,
    residuals: options.residuals ?? "relative",
  });
  const fitted = predictLevels(fit.model, fitPoints, transactions);
  const heldOut = predictLevels(
    fit.model,
    all.filter((p) => holdout.has(p.n)),
    transactions,
  );
  return {
    model: "write",
    parameters: fit.model,
    flushMs: fit.flushRefusal === null ? fit.model.flushMs : null,
    flushRefusal: fit.flushRefusal,
    lockHoldMs: fit.lockRefusal === null ? lockHoldMs(fit.model) : null,
    lockRefusal: fit.lockRefusal,
    rSquared: rSquared(fitted, fitPoints),
    fitted,
    heldOut,
    transactionsPerRun: transactions,
    simulations: fit.simulations + fitted.length + heldOut.length,
    sections: writePathSections(fit.model),
  };
}
