// The write path as dbsim's own server runs it: a closed loop of clients, each
// sending write transactions of `statements` statements on one row, through the
// server's mechanisms (row locks held to commit, the commit's log flush with
// group commit). Group commit breaks the product form that closed-loop.ts
// solves, so this model is simulated: a short run at a fixed seed, the same seed
// at every trial (common random numbers), makes throughput a deterministic
// function of the parameters, so a solver can minimise it.
import { runScenario } from "../scenario/run.js";
import type { ScenarioInput } from "../scenario/schema.js";

/**
 * The write path's parameters, in dbsim's terms.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathModel {
  /** Server cores. */
  readonly cores: number;
  /** Core-ms of server CPU per transaction (split evenly over its statements). */
  readonly demandMs: number;
  /** Client time per transaction outside it: think time (ms). */
  readonly thinkMs: number;
  /** Round trip per statement (ms): the client's time inside the transaction, a writer's row lock held across it. */
  readonly roundTripMs: number;
  /** Statements per transaction, all on the transaction's row. */
  readonly statements: number;
  /** One log flush (ms); 0 stands for `synchronous_commit = off` (a commit does not wait for it). */
  readonly flushMs: number;
  /** USL σ. */
  readonly sigma: number;
  /** USL κ. */
  readonly kappa: number;
}

/**
 * One simulated level: its clients, the rows its transactions spread over
 * (0 = contention-free), the commit rule and the transactions to simulate.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathRun {
  /** Closed-loop clients. */
  readonly clients: number;
  /** Rows the transactions spread over uniformly; 0 = contention-free (100,000 rows). */
  readonly hotRows: number;
  /** "off": commits do not wait for a flush (fsyncTime 0). */
  readonly synchronousCommit: "on" | "off";
  /** Transactions the measured window should hold (its length is this over the expected throughput). */
  readonly transactions: number;
  /** Expected throughput (per second), to size the run: the measurement's. */
  readonly expectedPerSec: number;
}

/** Rows of a contention-free run: pgbench's accounts at scale 1, so two of 16 clients rarely meet. */
const SPREAD_ROWS = 100_000;
const SEED = 17;
const exponential = (mean: number) =>
  mean > 0 ? { kind: "exponential" as const, mean } : { kind: "constant" as const, value: 0 };

/**
 * The scenario that runs `model` at `level`.
 *
 * @remarks Since 0.2.0
 */
export function writePathScenario(model: WritePathModel, level: WritePathRun): ScenarioInput {
  const windowMs = (1000 * level.transactions) / level.expectedPerSec;
  const statementMs = model.demandMs / model.statements;
  return {
    seed: SEED,
    duration: Math.max(1, Math.round(windowMs)),
    warmup: Math.max(1, Math.round(windowMs / 5)),
    workload: {
      clients: level.clients,
      thinkTime: exponential(model.thinkMs),
      readRatio: 0,
      transactions: { share: 1, statements: model.statements, rows: "same" },
      keys: {
        count: level.hotRows > 0 ? level.hotRows : SPREAD_ROWS,
        popularity: { kind: "uniform" },
      },
    },
    database: {
      cores: model.cores,
      sigma: model.sigma,
      kappa: model.kappa,
      connectionSetupTime: 0,
      // Every page in memory and no read waits: the fit is of CPU, flush and locks.
      diskReadTime: 0,
      readTime: exponential(statementMs),
      writeTime: exponential(statementMs),
      fsyncTime: level.synchronousCommit === "off" ? 0 : exponential(model.flushMs),
      maxConnections: Math.max(100, level.clients + 1),
    },
    client: {
      roundTrip: exponential(model.roundTripMs),
      poolSize: level.clients,
      connectRoundTrips: 0,
    },
  };
}

/**
 * Simulated throughput (transactions per second) of `model` at `level`:
 * deterministic, the same seed at every call.
 *
 * @remarks Since 0.2.0
 */
export function simulateWritePath(model: WritePathModel, level: WritePathRun): number {
  return runScenario(writePathScenario(model, level)).throughput.completedPerSec;
}
