// The scenario fields that make dbsim run the fitted write path: the server with
// its mechanisms on, the statement CPU and the log flush as fitted, write
// transactions of the fitted statements on one row each, the client's round
// trip (inside the transaction) and think time (outside it). Exponential times,
// as sections.ts explains: a closed loop of constant times runs in lock step.
import type { ExponentialSpec } from "./sections.js";
import type { WritePathModel } from "./write-path-model.js";

/**
 * The sections a write-path calibration writes.
 *
 * @remarks Since 0.2.0
 */
export interface WritePathSections {
  /** The server with its mechanisms on, the fitted CPU, σ, κ and flush. */
  readonly database: {
    readonly engine: "postgresql";
    readonly cores: number;
    readonly sigma: number;
    readonly kappa: number;
    readonly mechanisms: "all";
    readonly readTime: ExponentialSpec;
    readonly writeTime: ExponentialSpec;
    /** The fitted log flush (absent when not fitted). */
    readonly fsyncTime?: ExponentialSpec;
  };
  /** The client time outside the transaction, and the transactions' shape; set `clients` and `keys` yourself. */
  readonly workload: {
    readonly thinkTime: ExponentialSpec;
    readonly transactions: {
      readonly share: 1;
      readonly statements: number;
      readonly rows: "same";
    };
  };
  /** The round trip per statement: the client's time inside the transaction. */
  readonly client: { readonly roundTrip: ExponentialSpec | 0 };
}

const round = (value: number) => Number(value.toPrecision(6));
const exponential = (mean: number): ExponentialSpec => ({ kind: "exponential", mean: round(mean) });

/**
 * The sections for a fitted write path.
 *
 * @remarks Since 0.2.0
 */
export function writePathSections(model: WritePathModel): WritePathSections {
  const statement = exponential(model.demandMs / model.statements);
  return {
    database: {
      engine: "postgresql",
      cores: model.cores,
      sigma: round(model.sigma),
      kappa: round(model.kappa),
      mechanisms: "all",
      readTime: statement,
      writeTime: statement,
      ...(model.flushMs > 0 ? { fsyncTime: exponential(model.flushMs) } : {}),
    },
    workload: {
      thinkTime: exponential(model.thinkMs),
      transactions: { share: 1, statements: model.statements, rows: "same" },
    },
    client: { roundTrip: model.roundTripMs > 0 ? exponential(model.roundTripMs) : 0 },
  };
}
