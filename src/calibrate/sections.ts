// The scenario fields that make dbsim reproduce a fitted closed loop: the
// database's cores, σ, κ and statement CPU with the mechanisms off (a statement
// is its CPU work alone, which is what the closed-loop formula computes), and a
// client whose whole per-transaction time is think time (round trip 0) and whose
// pool never makes a client wait (poolSize ≥ clients, set by the caller).

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
  readonly readTime: { readonly kind: "constant"; readonly value: number };
  readonly writeTime: { readonly kind: "constant"; readonly value: number };
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
  /** Workload fields: `thinkTime` (ms per transaction on the client side); set `clients` yourself. */
  readonly workload: { readonly thinkTime: number };
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
): CalibratedSections {
  const statementMs = round(parameters.demandMs / statementsPerTransaction);
  return {
    database: {
      engine: "postgresql",
      cores: parameters.cores,
      sigma: round(parameters.sigma),
      kappa: round(parameters.kappa),
      mechanisms: "none",
      readTime: { kind: "constant", value: statementMs },
      writeTime: { kind: "constant", value: statementMs },
    },
    workload: { thinkTime: round(parameters.clientMs) },
    client: { roundTrip: 0 },
  };
}
