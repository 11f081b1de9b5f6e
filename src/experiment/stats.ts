// Output analysis for experiments: the textbook estimators, written out so each
// cites its formula (Law, Simulation Modeling and Analysis, 5th ed. 2015, ch. 9
// and 10). Pure functions over plain arrays; no randomness, no dependencies.
import { studentTQuantile } from "../metrics/student-t.js";

export { studentTCentral, studentTQuantile } from "../metrics/student-t.js";

/**
 * A confidence interval of a mean.
 *
 * @remarks Since 0.2.0
 */
export interface Interval {
  /** The point estimate (the sample mean, or the mean difference). */
  readonly mean: number;
  /** Half the interval's width: t · standard error. */
  readonly halfWidth: number;
  /** mean − halfWidth. */
  readonly low: number;
  /** mean + halfWidth. */
  readonly high: number;
  /** Degrees of freedom of the t quantile used. */
  readonly df: number;
}

/**
 * The figures of one metric over a set of replications.
 *
 * @remarks Since 0.2.0
 */
export interface SampleSummary {
  /** Number of values. */
  readonly n: number;
  /** Arithmetic mean (0 when n = 0). */
  readonly mean: number;
  /** Sample standard deviation (n − 1 in the denominator); null when n < 2. */
  readonly sd: number | null;
  /** Student-t 95 % interval of the mean; null when n < 2. */
  readonly ci95: Interval | null;
}

/** Mean of the values (0 for none). */
export function mean(values: readonly number[]): number {
  let sum = 0;
  for (const v of values) sum += v;
  return values.length === 0 ? 0 : sum / values.length;
}

/**
 * The sample variance s² = Σ(xᵢ − x̄)² / (n − 1), two-pass (Law 2015, eq. 4.4);
 * NaN below two values.
 *
 * @remarks Since 0.2.0
 */
export function sampleVariance(values: readonly number[]): number {
  const n = values.length;
  if (n < 2) return Number.NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return ss / (n - 1);
}

/**
 * The Student-t interval of the mean of independent, identically distributed
 * values: x̄ ± t_{n−1, 1−α/2} · s/√n (Law 2015, eq. 4.12), or null below two values.
 *
 * @remarks Since 0.2.0
 */
export function tInterval(values: readonly number[], level = 0.95): Interval | null {
  const n = values.length;
  if (n < 2) return null;
  const m = mean(values);
  const half = studentTQuantile(level, n - 1) * Math.sqrt(sampleVariance(values) / n);
  return { mean: m, halfWidth: half, low: m - half, high: m + half, df: n - 1 };
}

/**
 * Mean, standard deviation and 95 % interval of replications' values.
 *
 * @remarks Since 0.2.0
 */
export function summarizeSample(values: readonly number[]): SampleSummary {
  const n = values.length;
  return {
    n,
    mean: mean(values),
    sd: n < 2 ? null : Math.sqrt(sampleVariance(values)),
    ci95: tInterval(values),
  };
}

/**
 * The method of batch means for one long run (Law 2015, §9.5.3): the series is
 * cut into `batches` consecutive batches of equal size (the first `n mod batches`
 * observations are dropped, on the warm-up side), and the batch means are
 * treated as independent: x̄ ± t_{k−1} · s_batch/√k. Valid when batches are long
 * enough for their means to be nearly uncorrelated; 10 to 30 batches is usual.
 *
 * @remarks Since 0.2.0
 */
export function batchMeansInterval(
  series: readonly number[],
  batches = 20,
  level = 0.95,
): Interval | null {
  if (!Number.isInteger(batches) || batches < 2) {
    throw new RangeError(`batches: expected an integer ≥ 2; got ${batches}`);
  }
  const size = Math.floor(series.length / batches);
  if (size < 1) return null;
  const skip = series.length - size * batches;
  const means: number[] = [];
  for (let b = 0; b < batches; b++) {
    means.push(mean(series.slice(skip + b * size, skip + (b + 1) * size)));
  }
  return tInterval(means, level);
}

/**
 * A paired comparison of two plans run on the same seeds (common random
 * numbers): the interval of the mean of the differences aᵢ − bᵢ, with n − 1
 * degrees of freedom (Law 2015, §10.2.1, the paired-t interval), and beside it
 * the unpaired Welch interval of the same difference of means (Law 2015, §10.2.2;
 * Welch's degrees of freedom rounded down, which widens the interval slightly).
 * Positive correlation between the pairs, which common random numbers aim for,
 * makes the paired interval the narrower.
 *
 * @remarks Since 0.2.0
 */
export interface PairedComparison {
  /** Interval of the mean difference a − b from the pairs; null below two pairs. */
  readonly paired: Interval | null;
  /** Welch's interval of mean(a) − mean(b), ignoring the pairing; null below two values each. */
  readonly unpaired: Interval | null;
}

/**
 * Paired and unpaired 95 % intervals of mean(a) − mean(b); `a[i]` and `b[i]` are
 * runs on the same seed.
 *
 * @remarks Since 0.2.0
 */
export function pairedComparison(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): PairedComparison {
  if (a.length !== b.length) {
    throw new RangeError(
      `paired comparison: expected as many values in a as in b; got ${a.length} and ${b.length}`,
    );
  }
  const differences = a.map((x, i) => x - (b[i] as number));
  return { paired: tInterval(differences, level), unpaired: welchInterval(a, b, level) };
}

/** Welch's interval of mean(a) − mean(b) (Law 2015, eq. 10.2–10.3). */
export function welchInterval(
  a: readonly number[],
  b: readonly number[],
  level = 0.95,
): Interval | null {
  if (a.length < 2 || b.length < 2) return null;
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const diff = mean(a) - mean(b);
  const se2 = va + vb;
  // Both variances 0: the difference is known exactly.
  const df =
    se2 === 0
      ? a.length + b.length - 2
      : se2 ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const half = studentTQuantile(level, Math.max(1, df)) * Math.sqrt(se2);
  return {
    mean: diff,
    halfWidth: half,
    low: diff - half,
    high: diff + half,
    df: Math.max(1, Math.floor(df)),
  };
}

/**
 * The warm-up MSER-5 suggests for a time series.
 *
 * @remarks Since 0.2.0
 */
export interface WarmupSuggestion {
  /** Observations to discard from the start (a multiple of 5). */
  readonly truncate: number;
  /** The MSER statistic at that truncation. */
  readonly statistic: number;
  /**
   * False when the minimum fell at the limit of the search (half the series):
   * the run is too short to have settled, and the suggestion is not to be trusted
   * (Franklin & White 2008).
   */
  readonly settled: boolean;
}

/**
 * MSER-5 (White 1997, "An effective truncation heuristic for bias reduction in
 * simulation output", Simulation 69(6); the 5-observation batching of White,
 * Cobb & Spratt 2000): average the series in batches of 5 (Z₁ … Z_m), and pick
 * the d that minimises MSER(d) = Σ_{j>d} (Z_j − Z̄_d)² / (m − d)², searching
 * d < m/2 only, as Franklin & White (2008, "Stationarity tests and MSER-5",
 * Proc. Winter Simulation Conference) advise; discard 5d observations. Null
 * for a series shorter than 10 observations.
 *
 * @remarks Since 0.2.0
 */
export function mser5(series: readonly number[]): WarmupSuggestion | null {
  const m = Math.floor(series.length / 5);
  if (m < 2) return null;
  const z: number[] = [];
  for (let j = 0; j < m; j++) z.push(mean(series.slice(5 * j, 5 * j + 5)));
  // Suffix sums make every MSER(d) O(1): Σ(Z − Z̄)² = Σ Z² − (Σ Z)²/(m − d).
  const sum = new Float64Array(m + 1);
  const squares = new Float64Array(m + 1);
  for (let j = m - 1; j >= 0; j--) {
    sum[j] = (sum[j + 1] as number) + (z[j] as number);
    squares[j] = (squares[j + 1] as number) + (z[j] as number) ** 2;
  }
  const limit = Math.ceil(m / 2);
  let best = 0;
  let bestValue = Number.POSITIVE_INFINITY;
  for (let d = 0; d < limit; d++) {
    const k = m - d;
    const ss = Math.max(0, (squares[d] as number) - (sum[d] as number) ** 2 / k);
    const value = ss / (k * k);
    if (value < bestValue) {
      bestValue = value;
      best = d;
    }
  }
  return { truncate: 5 * best, statistic: bestValue, settled: best < limit - 1 };
}
