// Gunther's Universal Scalability Law, X(N) = λN / (1 + σ(N−1) + κN(N−1))
// (N. J. Gunther, Guerrilla Capacity Planning, Springer 2007, ch. 4 and 5), and
// its closed-form start: with C(N) = X(N)/X(1), N/C(N) − 1 = σ(N−1) + κN(N−1) is
// linear in σ and κ (ibid. §5.6, the "deviation from linearity" regression).

/**
 * The USL's three parameters.
 *
 * @remarks Since 0.2.0
 */
export interface UslParameters {
  /** Throughput of one client (per second). */
  readonly lambda: number;
  /** Contention σ. */
  readonly sigma: number;
  /** Coherency κ. */
  readonly kappa: number;
}

/**
 * Throughput the USL predicts at `n` clients.
 *
 * @remarks Since 0.2.0
 */
export function uslThroughput(n: number, p: UslParameters): number {
  return (p.lambda * n) / (1 + p.sigma * (n - 1) + p.kappa * n * (n - 1));
}

/**
 * The USL's peak: N* = √((1−σ)/κ) (Gunther 2007, eq. 4.33), or none when κ = 0.
 *
 * @remarks Since 0.2.0
 */
export function uslPeakConcurrency(p: UslParameters): number {
  return p.kappa > 0 ? Math.sqrt(Math.max(0, 1 - p.sigma) / p.kappa) : Number.POSITIVE_INFINITY;
}

/**
 * σ and κ by least squares on N/C(N) − 1 = σx + κy (x = N−1, y = N(N−1)), with
 * λ the throughput at the fewest clients divided by them; negatives clamp to 0.
 */
export function uslLinearStart(points: readonly { n: number; x: number }[]): UslParameters {
  const first = points.reduce((a, b) => (b.n < a.n ? b : a));
  const lambda = first.x / first.n;
  let sxx = 0;
  let sxy = 0;
  let syy = 0;
  let sxz = 0;
  let syz = 0;
  for (const { n, x } of points) {
    const a = n - 1;
    const b = n * (n - 1);
    const z = (lambda * n) / x - 1;
    sxx += a * a;
    sxy += a * b;
    syy += b * b;
    sxz += a * z;
    syz += b * z;
  }
  const det = sxx * syy - sxy * sxy;
  if (det <= 0) return { lambda, sigma: 0, kappa: 0 };
  const sigma = (syy * sxz - sxy * syz) / det;
  const kappa = (sxx * syz - sxy * sxz) / det;
  return { lambda, sigma: Math.max(0, sigma), kappa: Math.max(0, kappa) };
}
