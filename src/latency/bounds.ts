// The largest value each sampler in compile.ts can return, so validation can refuse
// parameters whose draws overflow (Infinity) or grow so large that the sums and
// products a run forms would. The bounds follow the samplers in kernel/random.ts,
// whose uniforms u are doubles in [0, 1), so 1 − u ≥ 2⁻⁵³ — for any source,
// including a user's.
//
// - exponential: −mean·ln(1 − u) ≤ mean·53·ln 2;
// - Pareto: scale / (1 − u)^(1/shape) ≤ scale·2^(53/shape);
// - normal (Marsaglia's polar method): z = u·√(−2 ln s / s) with s = u² + v² and
//   |u| ≤ √s, so |z| ≤ √(−2 ln s); the smallest non-zero s is 2⁻¹⁰⁶ (|u| ≥ 2⁻⁵³),
//   so |z| ≤ √(212 ln 2) ≈ 12.12;
// - lognormal: e^(mu + sigma·z).

/**
 * The most a single latency draw may be, in ms. Far above anything meaningful (a
 * run lasts at most 1e12 ms) and far below overflow (about 1.8e308): a draw
 * multiplied by the USL slowdown (at most about 1e12) and summed over billions of
 * events stays finite.
 *
 * @remarks Since 0.2.0
 */
export const MAX_DRAW_MS = 1e100;

/** ln of {@link MAX_DRAW_MS}. */
const LN_MAX_DRAW = Math.log(MAX_DRAW_MS);

/** The most −ln(1 − u) can be: 53·ln 2. */
const MAX_EXPONENTIAL_FACTOR = 53 * Math.LN2;

/** An upper bound on |z| from the polar method: √(212·ln 2) ≈ 12.12, rounded up. */
const MAX_STANDARD_NORMAL = 12.2;

/**
 * ln of the largest draw of a normal truncated at 0, N(mean, sd²).
 *
 * @internal
 */
export function lnMaxNormal(mean: number, sd: number): number {
  return Math.log(mean + MAX_STANDARD_NORMAL * sd);
}

/**
 * ln of the largest draw of a lognormal with parameters mu and sigma (of ln ms).
 *
 * @internal
 */
export function lnMaxLognormal(mu: number, sigma: number): number {
  return mu + MAX_STANDARD_NORMAL * sigma;
}

/**
 * ln of the largest draw of an exponential with this mean.
 *
 * @internal
 */
export function lnMaxExponential(mean: number): number {
  return Math.log(mean) + Math.log(MAX_EXPONENTIAL_FACTOR);
}

/**
 * ln of the largest draw of a Pareto (type I): ln(scale) + 53·ln 2 / shape.
 *
 * @internal
 */
export function lnMaxPareto(scale: number, shape: number): number {
  return Math.log(scale) + (53 * Math.LN2) / shape;
}

/**
 * Whether ln of a largest draw is within {@link MAX_DRAW_MS}. NaN (from an
 * overflow such as ∞ − ∞) counts as outside.
 *
 * @internal
 */
export function withinDrawLimit(lnMax: number): boolean {
  return lnMax <= LN_MAX_DRAW;
}

/**
 * A largest draw, given by its ln, as a message shows it: "1.2e+35 ms", or
 * "e^16000 ms (overflows to Infinity)" past the largest double.
 *
 * @internal
 */
export function showLnDraw(lnMax: number): string {
  const value = Math.exp(lnMax);
  if (Number.isFinite(value)) return `${value.toPrecision(3)} ms`;
  return Number.isFinite(lnMax)
    ? `e^${lnMax.toPrecision(5)} ms (overflows to Infinity)`
    : "Infinity ms";
}
