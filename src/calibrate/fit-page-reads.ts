// The closed loop with page reads: runs that measured page reads per transaction
// (a PostgreSQL run's blks_read / xact_commit from pg_stat_database) at several
// data sizes separate a page read's wait from CPU. A read holds no core; with a
// disk that never queues (parallelism at least the clients) it is a delay, so a
// run with r reads per transaction has client time Z + r·m (closed-loop.ts).
// Runs at one data size cannot tell m from Z: the sets must differ in r.
import type { ClosedLoopModel } from "./closed-loop.js";
import { closedLoopThroughput } from "./closed-loop.js";
import { fitClosedLoop, KAPPA_SCALE, SIGMA_SCALE } from "./fit.js";
import { fitRelative, type Point, type ResidualKind } from "./least-squares.js";
import type { Measurement } from "./measurement.js";

/** Page reads that vary by less than this share of the largest cannot separate m from Z. */
const MIN_READ_SPREAD = 0.25;

/**
 * Whether the runs carry page reads per transaction: all of them (true), none
 * (false); some, or all at nearly one value, is an error.
 *
 * @throws RangeError naming the first run without, or the values seen
 * @remarks Since 0.2.0
 */
export function checkPageReads(measurements: readonly Measurement[]): boolean {
  const reads = measurements.map((m) => m.pageReadsPerTransaction);
  if (reads.every((r) => r === undefined)) return false;
  const missing = reads.indexOf(undefined);
  if (missing >= 0) {
    throw new RangeError(
      `measurements[${missing}].pageReadsPerTransaction: expected a number, as the other runs give one (all runs or none).`,
    );
  }
  const values = reads.map((r) => r ?? 0);
  const high = Math.max(...values);
  const low = Math.min(...values);
  if (!(high - low >= MIN_READ_SPREAD * high)) {
    throw new RangeError(
      `measurements: page reads per transaction from ${low} to ${high}; expected runs at data sizes whose reads differ by at least ${MIN_READ_SPREAD * 100} % of the largest, to tell a page read from client time.`,
    );
  }
  return true;
}

/**
 * D, Z, σ, κ and a page read's wait m, fitted jointly over runs of differing
 * page reads per transaction; starts from the fit that ignores the reads.
 *
 * @remarks Since 0.2.0
 */
export function fitClosedLoopWithReads(
  points: readonly Point[],
  cores: number,
  residuals: ResidualKind = "relative",
): ClosedLoopModel {
  const start = fitClosedLoop(points, cores, residuals);
  const meanReads = points.reduce((a, p) => a + (p.pageReads ?? 0), 0) / points.length;
  // Start by giving the reads a tenth of the client time.
  const readStart = meanReads > 0 ? (0.1 * start.clientMs) / meanReads : 0;
  const scale = Math.max(start.demandMs, 1e-6);
  // The solver's central differences step past the bounds (a time of −1e-9 ms
  // at 0): clamped here, or the closed form returns NaN and the solver's
  // Cholesky step throws "Matrix is not symmetric".
  const model = (p: readonly number[]): ClosedLoopModel => ({
    cores,
    demandMs: Math.max(1e-9, p[0] ?? start.demandMs),
    clientMs: Math.max(0, p[1] ?? start.clientMs),
    sigma: Math.max(0, p[2] ?? 0),
    kappa: Math.max(0, p[3] ?? 0),
    pageReadMs: Math.max(0, p[4] ?? 0),
  });
  const fitted = fitRelative(
    points,
    [
      { start: start.demandMs, min: 1e-6, max: 1e4, scale },
      { start: start.clientMs * 0.9, min: 0, max: 1e4, scale },
      { start: start.sigma, min: 0, max: 1, scale: SIGMA_SCALE },
      { start: start.kappa, min: 0, max: 1, scale: KAPPA_SCALE },
      { start: readStart, min: 0, max: 1e4, scale },
    ],
    (p, n, point) => closedLoopThroughput(n, model(p), point.pageReads ?? 0),
    residuals,
  );
  return model(fitted);
}
