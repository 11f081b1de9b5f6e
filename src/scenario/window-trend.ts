// What the verdict reads in a signal's window means: the trend of a straight
// line fitted by least squares, with the 95 % interval of its slope (the
// textbook t test of a regression slope: Montgomery, Peck & Vining,
// "Introduction to Linear Regression Analysis", 5th ed. 2012, §2.3), and the
// highest window against the signal's usual level, which a burst that drains
// again leaves standing while the line through it stays flat. Window means of a
// queue are correlated, so the interval is narrower than it should be: it only
// keeps noise from being called a trend, the growth threshold does the rest.
import { studentTQuantile } from "../metrics/index.js";

/**
 * A fitted trend: growth over the whole series and its 95 % half-width.
 *
 * @remarks Since 0.2.0
 */
export interface WindowTrend {
  /** Fitted slope times the series' total length: the growth the line says happened. */
  readonly growth: number;
  /** Half-width of the 95 % interval of {@link WindowTrend.growth}; 0 when not fitted. */
  readonly halfWidth: number;
}

/**
 * The least number of windows the verdict fits a line through or looks for a burst in.
 *
 * @remarks Since 0.2.0
 */
export const MIN_TREND_WINDOWS = 10;

/**
 * The trend of `means` by least squares against each window's middle, in units
 * of the first window (`spans`: each window's length; equal when omitted, the
 * last may be short). Nothing fitted (growth 0) below {@link MIN_TREND_WINDOWS}.
 *
 * @remarks Since 0.2.0
 */
export function windowTrend(means: readonly number[], spans?: readonly number[]): WindowTrend {
  const n = means.length;
  if (n < MIN_TREND_WINDOWS) return { growth: 0, halfWidth: 0 };
  const unit = spans?.[0] ?? 1;
  const x: number[] = [];
  let total = 0;
  for (let k = 0; k < n; k++) {
    const span = spans === undefined ? 1 : (spans[k] as number) / unit;
    x.push(total + span / 2);
    total += span;
  }
  let xMean = 0;
  let yMean = 0;
  for (let k = 0; k < n; k++) {
    xMean += x[k] as number;
    yMean += means[k] as number;
  }
  xMean /= n;
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  for (let k = 0; k < n; k++) {
    sxy += ((x[k] as number) - xMean) * ((means[k] as number) - yMean);
    sxx += ((x[k] as number) - xMean) ** 2;
  }
  const slope = sxy / sxx;
  let residuals = 0;
  for (let k = 0; k < n; k++) {
    residuals += ((means[k] as number) - yMean - slope * ((x[k] as number) - xMean)) ** 2;
  }
  const slopeError = Math.sqrt(residuals / (n - 2) / sxx);
  return {
    growth: slope * total,
    halfWidth: studentTQuantile(0.95, n - 2) * slopeError * total,
  };
}

/**
 * The highest window mean against the signal's usual level.
 *
 * @remarks Since 0.2.0
 */
export interface WindowPeak {
  /** Index of the first window with the highest mean. */
  readonly index: number;
  /** That mean. */
  readonly peak: number;
  /**
   * The usual level: the lower quartile of the window means, so a burst that
   * fills up to three quarters of the windows still stands out above it.
   */
  readonly usual: number;
}

/**
 * The peak of `means` and their lower quartile (the ⌊(n − 1)/4⌋-th smallest);
 * null below {@link MIN_TREND_WINDOWS}.
 *
 * @remarks Since 0.2.0
 */
export function windowPeak(means: readonly number[]): WindowPeak | null {
  if (means.length < MIN_TREND_WINDOWS) return null;
  let index = 0;
  means.forEach((v, k) => {
    if (v > (means[index] as number)) index = k;
  });
  const sorted = [...means].sort((a, b) => a - b);
  return {
    index,
    peak: means[index] as number,
    usual: sorted[Math.floor((means.length - 1) / 4)] as number,
  };
}
