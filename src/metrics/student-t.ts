// Student's t distribution, for the confidence intervals of experiments and the
// verdict's trend test. Closed forms, no dependencies, deterministic.

/**
 * P(−t < T < t) for Student's t with ν degrees of freedom (integer ν ≥ 1), in
 * closed form: Abramowitz & Stegun, Handbook of Mathematical Functions (1964),
 * 26.7.3 (ν odd) and 26.7.4 (ν even), with θ = atan(t/√ν).
 *
 * @remarks Since 0.2.0
 */
export function studentTCentral(t: number, df: number): number {
  if (!Number.isInteger(df) || df < 1) {
    throw new RangeError(`degrees of freedom: expected an integer ≥ 1; got ${df}`);
  }
  const theta = Math.atan(Math.abs(t) / Math.sqrt(df));
  const c2 = Math.cos(theta) ** 2;
  let sum = 1;
  let term = 1;
  if (df % 2 === 0) {
    for (let k = 2; k <= df - 2; k += 2) {
      term *= (c2 * (k - 1)) / k;
      sum += term;
    }
    return Math.sin(theta) * sum;
  }
  if (df === 1) return (2 * theta) / Math.PI;
  for (let k = 2; k <= df - 3; k += 2) {
    term *= (c2 * k) / (k + 1);
    sum += term;
  }
  return (2 / Math.PI) * (theta + Math.sin(theta) * Math.cos(theta) * sum);
}

/**
 * The two-sided quantile of Student's t: the t with P(−t < T < t) = `level`
 * (0.95 gives the 0.975 quantile, 12.706 for ν = 1 and 1.960 as ν → ∞), by
 * bisection on {@link studentTCentral}, which is increasing in t. Past ν = 10⁴ the
 * normal quantile is used (the two differ by less than 2·10⁻⁴ there).
 *
 * @remarks Since 0.2.0
 */
export function studentTQuantile(level: number, df: number): number {
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`level: expected a number in (0, 1); got ${level}`);
  }
  const nu = Math.min(Math.floor(df), 10_000);
  let low = 0;
  let high = 1;
  while (studentTCentral(high, nu) < level) high *= 2;
  for (let i = 0; i < 200 && high - low > 1e-13 * high; i++) {
    const mid = (low + high) / 2;
    if (studentTCentral(mid, nu) < level) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
