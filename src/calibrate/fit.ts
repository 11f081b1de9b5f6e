// The two fits: the USL alone (λ, σ, κ), and the mechanism fit — the server's
// CPU per transaction and the client's time per transaction on a closed loop of
// dbsim's server (closed-loop.ts) with σ = κ = 0 first, then σ and κ on what
// those leave unexplained with the mechanism parameters held, then all four
// refined together from that start.
import { type ClosedLoopModel, closedLoopThroughput } from "./closed-loop.js";
import {
  type Bounded,
  fitRelative,
  type Point,
  type ResidualKind,
  sumOfSquares,
} from "./least-squares.js";
import { type UslParameters, uslLinearStart, uslThroughput } from "./usl.js";

// Typical sizes of σ and κ in published fits (Gunther 2007, ch. 5–6: σ of a few
// per cent, κ of 1e-4 to 1e-3): the solver's units.
export const SIGMA_SCALE = 1e-2;
export const KAPPA_SCALE = 1e-4;

/**
 * Gunther's USL fitted to throughput against concurrency: the lowest sum of
 * squares of three fits — σ and κ free, κ held at 0, σ held at 0. A bounded
 * Levenberg–Marquardt step that pushes a parameter past its bound is clipped, so
 * when the optimum lies on a bound (κ = 0 for Gunther's ray-tracer data) the free
 * fit crawls along it and stops short; with that parameter held at the bound the
 * other two converge.
 *
 * @remarks Since 0.2.0
 */
export function fitUsl(
  points: readonly Point[],
  residuals: ResidualKind = "relative",
): UslParameters {
  const start = uslLinearStart(points);
  const candidates = [
    fitUslFace(points, start, residuals, true, true),
    fitUslFace(points, start, residuals, true, false),
    fitUslFace(points, start, residuals, false, true),
  ];
  const cost = (p: UslParameters) => sumOfSquares(points, (n) => uslThroughput(n, p), residuals);
  return candidates.reduce((best, next) => (cost(next) < cost(best) ? next : best));
}

/** The USL fitted with σ and/or κ free (a parameter not free is held at 0). */
function fitUslFace(
  points: readonly Point[],
  start: UslParameters,
  residuals: ResidualKind,
  sigmaFree: boolean,
  kappaFree: boolean,
): UslParameters {
  const bounds: Bounded[] = [{ start: 1, min: 1e-6, max: 1e6 }];
  if (sigmaFree) bounds.push({ start: start.sigma, min: 0, max: 1, scale: SIGMA_SCALE });
  if (kappaFree) bounds.push({ start: start.kappa, min: 0, max: 1, scale: KAPPA_SCALE });
  const unpack = (p: readonly number[]): UslParameters => ({
    lambda: start.lambda * (p[0] ?? 1),
    sigma: sigmaFree ? (p[1] ?? 0) : 0,
    kappa: kappaFree ? (p[sigmaFree ? 2 : 1] ?? 0) : 0,
  });
  return unpack(fitRelative(points, bounds, (p, n) => uslThroughput(n, unpack(p)), residuals));
}

/**
 * The closed-loop model fitted in two stages; `cores` is given, not fitted.
 * With `contention` false, σ and κ stay 0 and only D and Z are fitted (since 0.2.0).
 *
 * @remarks Since 0.2.0
 */
export function fitClosedLoop(
  points: readonly Point[],
  cores: number,
  residuals: ResidualKind = "relative",
  contention = true,
): ClosedLoopModel {
  const first = points.reduce((a, b) => (b.n < a.n ? b : a));
  // At one client a transaction's whole cycle is 1000/X(1) ms: split it into the
  // server's share and the client's, fitted as a total and a share.
  const cycleMs = (1000 * first.n) / first.x;
  const base = (p: readonly number[]): ClosedLoopModel => {
    const total = cycleMs * (p[0] ?? 1);
    const share = p[1] ?? 0.5;
    return { cores, demandMs: total * share, clientMs: total * (1 - share), sigma: 0, kappa: 0 };
  };
  const mechanism = fitRelative(
    points,
    [
      { start: 1, min: 0.01, max: 100 },
      { start: 0.5, min: 1e-6, max: 1 - 1e-6 },
    ],
    (p, n) => closedLoopThroughput(n, base(p)),
    residuals,
  );
  const held = base(mechanism);
  if (!contention) return held;
  const [sigma = 0, kappa = 0] = fitRelative(
    points,
    [
      { start: 1e-3, min: 0, max: 1, scale: SIGMA_SCALE },
      { start: 1e-5, min: 0, max: 1, scale: KAPPA_SCALE },
    ],
    (p, n) => closedLoopThroughput(n, { ...held, sigma: p[0] ?? 0, kappa: p[1] ?? 0 }),
    residuals,
  );
  // Last, all four together from there: with σ and κ at zero the first stage
  // puts contention into the CPU per transaction, which the joint step takes back.
  const joint = (p: readonly number[]): ClosedLoopModel => ({
    ...base(p),
    sigma: p[2] ?? 0,
    kappa: p[3] ?? 0,
  });
  const all = fitRelative(
    points,
    [
      { start: mechanism[0] ?? 1, min: 0.01, max: 100 },
      { start: mechanism[1] ?? 0.5, min: 1e-6, max: 1 - 1e-6 },
      { start: sigma, min: 0, max: 1, scale: SIGMA_SCALE },
      { start: kappa, min: 0, max: 1, scale: KAPPA_SCALE },
    ],
    (p, n) => closedLoopThroughput(n, joint(p)),
    residuals,
  );
  return joint(all);
}
