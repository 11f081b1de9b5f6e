// The scenario fields that make dbsim reproduce a fitted closed loop: the
// database's cores, σ, κ and statement CPU with the mechanisms off (a statement
// is its CPU work alone, which is what the closed-loop formula computes), and a
// client whose whole per-transaction time is think time (round trip 0) and whose
// pool never makes a client wait (poolSize ≥ clients, set by the caller).
// Exponential, not constant, times: the closed form is the mean of a process that
// mixes; with constant service and think times a closed loop runs in lock step
// (every client at the server together, then all thinking while it idles) and
// gives up to 20 % less than the formula (12 clients on 2 cores, D = 0.2 ms,
// Z = 0.15 ms: 8888/s simulated against 10 000/s). Any mixing distribution with
// these means gives the same throughput (BCMP insensitivity), so a lognormal of
// the measured latency's shape (service-time.ts) may take their place.
import { type LognormalSpec, lognormalWithMean } from "./lognormal.js";

/**
 * An exponential distribution by its mean (ms), as the scenario spells it.
 *
 * @remarks Since 0.2.0
 */
export interface ExponentialSpec {
  readonly kind: "exponential";
  readonly mean: number;
}

/**
 * The `database` section a calibration writes.
 *
 * @remarks Since 0.2.0
 */
export interface CalibratedDatabase {
  readonly engine: "postgresql";
  readonly cores: number;
  readonly sigma: number;
  readonly kappa: number;
  readonly mechanisms: "none";
  /** Exponential, or a lognormal when the latency's shape was fitted. */
  readonly readTime: ExponentialSpec | LognormalSpec;
  /** As readTime. */
  readonly writeTime: ExponentialSpec | LognormalSpec;
}

/**
 * The scenario fields a calibration writes: `database`, and the workload's and
 * client's fields that carry the client-side time.
 *
 * @remarks Since 0.2.0
 */
export interface CalibratedSections {
  /** The `database` section. */
  readonly database: CalibratedDatabase;
  /** Workload fields: `thinkTime` (the client side of a transaction, ms); set `clients` yourself. */
  readonly workload: { readonly thinkTime: ExponentialSpec };
  /** Client fields: the round trip is inside the think time. */
  readonly client: { readonly roundTrip: 0 };
}

const DIGITS = 6;

function round(value: number): number {
  return Number(value.toPrecision(DIGITS));
}

/**
 * The sections for a fitted closed loop.
 *
 * @param parameters - cores, demand and client time per transaction (ms), σ, κ
 * @param statementsPerTransaction - divides the server's work per transaction into statements
 * @param serviceSigma - σ of ln(statement time): a lognormal of that shape and the
 *   statement's mean instead of an exponential (since 0.2.0)
 * @remarks Since 0.2.0
 */
export function scenarioSections(
  parameters: {
    readonly cores: number;
    readonly demandMs: number;
    readonly clientMs: number;
    readonly sigma: number;
    readonly kappa: number;
  },
  statementsPerTransaction: number,
  serviceSigma?: number,
): CalibratedSections {
  const meanMs = parameters.demandMs / statementsPerTransaction;
  const statementMs = round(meanMs);
  const fitted = serviceSigma === undefined ? undefined : lognormalWithMean(serviceSigma, meanMs);
  const statement: ExponentialSpec | LognormalSpec =
    fitted === undefined
      ? { kind: "exponential", mean: statementMs }
      : { kind: "lognormal", median: round(fitted.median), p99: round(fitted.p99) };
  return {
    database: {
      engine: "postgresql",
      cores: parameters.cores,
      sigma: round(parameters.sigma),
      kappa: round(parameters.kappa),
      mechanisms: "none",
      readTime: statement,
      writeTime: statement,
    },
    workload: { thinkTime: { kind: "exponential", mean: round(parameters.clientMs) } },
    client: { roundTrip: 0 },
  };
}
