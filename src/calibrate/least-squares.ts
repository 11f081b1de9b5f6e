// Non-linear least squares on relative errors, by ml-levenberg-marquardt
// (mljs/levenberg-marquardt, MIT). Every residual is predicted/measured − 1, so a
// run at 16 clients weighs no more than one at 1 client for its larger figure.
import { levenbergMarquardt } from "ml-levenberg-marquardt";

/** A measured point: clients and throughput per second. */
export interface Point {
  readonly n: number;
  readonly x: number;
}

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
 * The parameters minimising Σ (model(p, n)/x − 1)² from the start given, within
 * the bounds. The solver is deterministic (no time limit is set).
 */
export function fitRelative(
  points: readonly Point[],
  parameters: readonly Bounded[],
  model: (p: readonly number[], n: number) => number,
): number[] {
  const scales = parameters.map((b) => b.scale ?? 1);
  const unscale = (q: readonly number[]) => q.map((v, k) => v * (scales[k] ?? 1));
  const result = levenbergMarquardt(
    { x: points.map((_, i) => i), y: points.map(() => 1) },
    (q) => {
      const p = unscale(q);
      return (i) => {
        const point = points[i] as Point;
        return model(p, point.n) / point.x;
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
