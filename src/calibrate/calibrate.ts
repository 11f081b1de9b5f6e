// calibrate(measurements): fits a model to closed-loop measurements, rates the
// fit (R², residuals, peak), predicts held-out concurrency levels and writes the
// scenario sections that make dbsim reproduce the fit.
import { type ClosedLoopModel, closedLoopThroughput } from "./closed-loop.js";
import { fitClosedLoop, fitUsl } from "./fit.js";
import { checkPageReads, fitClosedLoopWithReads } from "./fit-page-reads.js";
import type { Point, ResidualKind } from "./least-squares.js";
import type { Measurement } from "./measurement.js";
import { type CalibratedSections, scenarioSections } from "./sections.js";
import { type ServiceTimeShape, serviceTimeShape } from "./service-time.js";
import { type UslParameters, uslThroughput } from "./usl.js";

/**
 * What to fit and how.
 *
 * @remarks Since 0.2.0
 */
export interface CalibrateOptions {
  /** "mechanisms" (the default): CPU per transaction and client time, then σ, κ; "usl": λ, σ, κ only. */
  readonly model?: "mechanisms" | "usl";
  /** The database's cores (default 8, dbsim's default). */
  readonly cores?: number;
  /** Concurrency levels left out of the fit and predicted instead. */
  readonly holdout?: readonly number[];
  /** Statements per transaction (default 1, as pgbench -S): divides the CPU per transaction. */
  readonly statementsPerTransaction?: number;
  /**
   * What the fit minimises (default "relative"): relative errors weigh every
   * level alike; "absolute" errors are what R's `nls` and the `usl` package
   * minimise, to compare with coefficients published from them.
   *
   * @remarks Since 0.2.0
   */
  readonly residuals?: ResidualKind;
  /**
   * The statement time's distribution in the sections (default "exponential"):
   * "lognormal" takes its shape from `latencySamplesMs`, or else from the mean and
   * p99 measured at the fewest clients, and keeps the fitted mean.
   *
   * @remarks Since 0.2.0
   */
  readonly serviceTime?: "exponential" | "lognormal";
  /**
   * Transaction latencies (ms), e.g. from {@link parsePgbenchLog}, for a lognormal service time.
   *
   * @remarks Since 0.2.0
   */
  readonly latencySamplesMs?: readonly number[];
}

/**
 * One concurrency level: the mean of its repeats, their spread, and the model's figure.
 *
 * @remarks Since 0.2.0
 */
export interface CalibrationLevel {
  /** Clients. */
  readonly concurrency: number;
  /** Repeats measured at this level. */
  readonly repeats: number;
  /** Mean measured throughput (per second). */
  readonly measured: number;
  /** (max − min) / mean of the repeats, in percent (0 for one repeat). */
  readonly spreadPercent: number;
  /**
   * Page reads per transaction of these runs, when measured (runs of one
   * concurrency then form one level per value).
   *
   * @remarks Since 0.2.0
   */
  readonly pageReads?: number;
  /** The fitted model's throughput (per second). */
  readonly predicted: number;
  /** (predicted − measured) / measured, in percent. */
  readonly errorPercent: number;
}

/**
 * A calibration's result.
 *
 * @remarks Since 0.2.0
 */
export interface Calibration {
  /** Which model was fitted. */
  readonly model: "mechanisms" | "usl";
  /** The closed-loop parameters (for "usl", λ's cycle given wholly to the server with one core's worth per client). */
  readonly parameters: ClosedLoopModel;
  /** The USL parameters, when model is "usl". */
  readonly usl?: UslParameters;
  /** 1 − SS_res / SS_tot over the fitted runs' throughputs. */
  readonly rSquared: number;
  /** The fitted levels. */
  readonly fitted: readonly CalibrationLevel[];
  /** The held-out levels, predicted. */
  readonly heldOut: readonly CalibrationLevel[];
  /** The concurrency past which one more client adds under a millionth of the predicted throughput (searched up to 4096), and that throughput. */
  readonly peak: { readonly concurrency: number; readonly throughput: number };
  /** The scenario's `database` and `workload` fields that reproduce the fit. */
  readonly sections: CalibratedSections;
  /**
   * The measured latency's lognormal and the shape given to the statement time,
   * when `serviceTime` is "lognormal".
   *
   * @remarks Since 0.2.0
   */
  readonly serviceTime?: ServiceTimeShape;
}

const PEAK_SEARCH_LIMIT = 4096;

/** The fitted runs' mean page reads per transaction (undefined when not measured). */
function meanPageReads(points: readonly Point[]): number | undefined {
  if (points.some((p) => p.pageReads === undefined)) return undefined;
  return points.reduce((a, p) => a + (p.pageReads ?? 0), 0) / points.length;
}
const PEAK_GAIN = 1e-6;

/** Predicted throughput at n clients and r page reads per transaction. */
type Predict = (n: number, pageReads?: number) => number;

function levels(points: readonly Point[], predict: Predict): CalibrationLevel[] {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const key = `${p.pageReads ?? ""}|${p.n}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.values()]
    .sort(
      (a, b) => (a[0]?.pageReads ?? 0) - (b[0]?.pageReads ?? 0) || (a[0]?.n ?? 0) - (b[0]?.n ?? 0),
    )
    .map((group) => {
      const { n, pageReads } = group[0] as Point;
      const xs = group.map((p) => p.x);
      const measured = xs.reduce((a, b) => a + b, 0) / xs.length;
      const predicted = predict(n, pageReads);
      return {
        concurrency: n,
        repeats: xs.length,
        measured,
        spreadPercent: ((Math.max(...xs) - Math.min(...xs)) / measured) * 100,
        ...(pageReads === undefined ? {} : { pageReads }),
        predicted,
        errorPercent: ((predicted - measured) / measured) * 100,
      };
    });
}

function rSquared(points: readonly Point[], predict: Predict): number {
  const mean = points.reduce((a, p) => a + p.x, 0) / points.length;
  let residual = 0;
  let total = 0;
  for (const p of points) {
    residual += (p.x - predict(p.n, p.pageReads)) ** 2;
    total += (p.x - mean) ** 2;
  }
  return total > 0 ? 1 - residual / total : 1;
}

/**
 * The first concurrency beyond which one more client adds less than a millionth
 * of the throughput (or takes some away): the peak of a curve that turns down,
 * the knee of one that levels off. Both models' curves rise then fall or level
 * off, so the first such step is the peak.
 */
function peakOf(predict: (n: number) => number): { concurrency: number; throughput: number } {
  let best = { concurrency: 1, throughput: predict(1) };
  for (let n = 2; n <= PEAK_SEARCH_LIMIT; n++) {
    const throughput = predict(n);
    if (throughput <= best.throughput * (1 + PEAK_GAIN)) break;
    best = { concurrency: n, throughput };
  }
  return best;
}

function checkInput(measurements: readonly Measurement[], options: CalibrateOptions): void {
  measurements.forEach((m, i) => {
    if (!Number.isInteger(m.concurrency) || m.concurrency < 1) {
      throw new RangeError(
        `measurements[${i}].concurrency: expected an integer ≥ 1, got ${m.concurrency}.`,
      );
    }
    if (!(m.throughput > 0) || !Number.isFinite(m.throughput)) {
      throw new RangeError(
        `measurements[${i}].throughput: expected a positive number, got ${m.throughput}.`,
      );
    }
  });
  const cores = options.cores ?? 8;
  if (!Number.isInteger(cores) || cores < 1) {
    throw new RangeError(`options.cores: expected an integer ≥ 1, got ${cores}.`);
  }
}

/**
 * Fits dbsim's server to closed-loop measurements (throughput against
 * concurrency), at least three distinct fitted concurrency levels.
 *
 * @param measurements - the runs, repeats allowed (from {@link parseMeasurements} or your own)
 * @param options - the model, the cores, the levels to hold out
 * @throws RangeError naming the bad field and value, or too few levels left to fit
 * @remarks Since 0.2.0
 */
export function calibrate(
  measurements: readonly Measurement[],
  options: CalibrateOptions = {},
): Calibration {
  checkInput(measurements, options);
  const holdout = new Set(options.holdout ?? []);
  const all: Point[] = measurements.map((m) => ({
    n: m.concurrency,
    x: m.throughput,
    ...(m.pageReadsPerTransaction === undefined ? {} : { pageReads: m.pageReadsPerTransaction }),
  }));
  const fitPoints = all.filter((p) => !holdout.has(p.n));
  const distinct = new Set(fitPoints.map((p) => p.n)).size;
  if (distinct < 3) {
    throw new RangeError(
      `measurements: expected at least 3 concurrency levels outside the hold-out, got ${distinct} (${[...new Set(fitPoints.map((p) => p.n))].join(", ") || "none"}).`,
    );
  }
  const cores = options.cores ?? 8;
  const model = options.model ?? "mechanisms";
  let parameters: ClosedLoopModel;
  let usl: UslParameters | undefined;
  let predict: Predict;
  if (model === "usl") {
    usl = fitUsl(fitPoints, options.residuals);
    const fittedUsl = usl;
    predict = (n) => uslThroughput(n, fittedUsl);
    // The USL is a closed loop with no client time in which every client has its
    // own core: demand 1000/λ ms, and cores (the schema's most) beyond the peak.
    parameters = {
      cores: PEAK_SEARCH_LIMIT,
      demandMs: 1000 / usl.lambda,
      clientMs: 0,
      sigma: usl.sigma,
      kappa: usl.kappa,
    };
  } else {
    const withReads = checkPageReads(measurements);
    parameters = withReads
      ? fitClosedLoopWithReads(fitPoints, cores, options.residuals)
      : fitClosedLoop(fitPoints, cores, options.residuals);
    const fittedModel = parameters;
    predict = (n, pageReads) => closedLoopThroughput(n, fittedModel, pageReads ?? 0);
  }
  const heldOutPoints = all.filter((p) => holdout.has(p.n));
  const shape =
    options.serviceTime === "lognormal"
      ? serviceTimeShape(measurements, options.latencySamplesMs)
      : undefined;
  return {
    model,
    parameters,
    ...(usl === undefined ? {} : { usl }),
    rSquared: rSquared(fitPoints, predict),
    fitted: levels(fitPoints, predict),
    heldOut: levels(heldOutPoints, predict),
    peak: peakOf((n) => predict(n, meanPageReads(fitPoints))),
    sections: scenarioSections(parameters, options.statementsPerTransaction ?? 1, shape?.sigma),
    ...(shape === undefined ? {} : { serviceTime: shape }),
  };
}
