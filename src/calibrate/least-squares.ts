// Non-linear least squares on relative errors, by ml-levenberg-marquardt
// (mljs/levenberg-marquardt, MIT). Every residual is predicted/measured − 1, so a
// run at 16 clients weighs no more than one at 1 client for its larger figure.
import { levenbergMarquardt } from "ml-levenberg-marquardt";

/** A measured point: clients and throughput per second. */
export interface Point {
  readonly n: number;
  readonly x: number;
}

/** Bounds and start of each parameter. */
export interface Bounded {
  readonly start: number;
  readonly min: number;
  readonly max: number;
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
  const result = levenbergMarquardt(
    { x: points.map((_, i) => i), y: points.map(() => 1) },
    (p) => (i) => {
      const point = points[i] as Point;
      return model(p, point.n) / point.x;
    },
    {
      initialValues: parameters.map((b) => b.start),
      minValues: parameters.map((b) => b.min),
      maxValues: parameters.map((b) => b.max),
      gradientDifference: 1e-7,
      centralDifference: true,
      damping: 1e-3,
      maxIterations: 50,
      errorTolerance: 1e-20,
    },
  );
  return result.parameterValues;
}
