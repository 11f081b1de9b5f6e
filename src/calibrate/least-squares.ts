// Non-linear least squares, by ml-levenberg-marquardt (mljs/levenberg-marquardt,
// MIT). By default every residual is predicted/measured − 1, so a run at 16
// clients weighs no more than one at 1 client for its larger figure; "absolute"
// residuals (predicted − measured) are what R's nls and nlsr's nlxb minimise, and
// so what published USL coefficients were fitted with.
import { levenbergMarquardt } from "ml-levenberg-marquardt";

/** A measured point: clients and throughput per second (and page reads per transaction, when measured). */
export interface Point {
  readonly n: number;
  readonly x: number;
  readonly pageReads?: number;
}

/**
 * What the fit minimises: Σ (predicted/measured − 1)² ("relative") or
 * Σ (predicted − measured)² ("absolute").
 *
 * @remarks Since 0.2.0
 */
export type ResidualKind = "relative" | "absolute";

/** Bounds and start of each parameter, and its typical size. */
export interface Bounded {
  readonly start: number;
  readonly min: number;
  readonly max: number;
  /**
   * The parameter's typical size (default 1): the solver works on value/scale.
   * ml-levenberg-marquardt keeps every step, better or worse, so parameters of
   * very different sizes (σ near 1e-2, κ near 1e-4) make it wander; scaled to
   * about 1 they converge.
   */
  readonly scale?: number;
}

/**
 * The parameters minimising Σ (model(p, n)/x − 1)² (or, for "absolute",
 * Σ (model(p, n) − x)²) from the start given, within the bounds. The solver is
 * deterministic (no time limit is set).
 */
export function fitRelative(
  points: readonly Point[],
  parameters: readonly Bounded[],
  model: (p: readonly number[], n: number, point: Point) => number,
  residuals: ResidualKind = "relative",
): number[] {
  // Absolute residuals are divided by one common figure, the mean throughput, so
  // the solver sees numbers near 1 whatever the unit; the minimiser is the same.
  const meanX = points.reduce((a, p) => a + p.x, 0) / points.length;
  const divisor = (point: Point) => (residuals === "relative" ? point.x : meanX);
  const scales = parameters.map((b) => b.scale ?? 1);
  const unscale = (q: readonly number[]) => q.map((v, k) => v * (scales[k] ?? 1));
  const result = levenbergMarquardt(
    { x: points.map((_, i) => i), y: points.map((point) => point.x / divisor(point)) },
    (q) => {
      const p = unscale(q);
      return (i) => {
        const point = points[i] as Point;
        // A model undefined at a trial point (a step past a bound) counts as no
        // throughput: a NaN in the Jacobian makes the solver throw instead.
        const value = model(p, point.n, point);
        return (Number.isFinite(value) ? value : 0) / divisor(point);
      };
    },
    {
      initialValues: parameters.map((b, k) => b.start / (scales[k] ?? 1)),
      minValues: parameters.map((b, k) => b.min / (scales[k] ?? 1)),
      maxValues: parameters.map((b, k) => b.max / (scales[k] ?? 1)),
      gradientDifference: 1e-7,
      centralDifference: true,
      damping: 1e-3,
      maxIterations: 50,
      errorTolerance: 1e-20,
    },
  );
  return unscale(result.parameterValues);
}

/** The sum of squared residuals a fit minimises, of a model's predictions. */
export function sumOfSquares(
  points: readonly Point[],
  predict: (n: number) => number,
  residuals: ResidualKind = "relative",
): number {
  let sum = 0;
  for (const point of points) {
    const predicted = predict(point.n);
    sum += (residuals === "relative" ? predicted / point.x - 1 : predicted - point.x) ** 2;
  }
  return sum;
}
