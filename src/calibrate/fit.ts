// The two fits: the USL alone (λ, σ, κ), and the mechanism fit — the server's
// CPU per transaction and the client's time per transaction on a closed loop of
// dbsim's server (closed-loop.ts) with σ = κ = 0 first, then σ and κ on what
// those leave unexplained with the mechanism parameters held, then all four
// refined together from that start.
import { type ClosedLoopModel, closedLoopThroughput } from "./closed-loop.js";
import { fitRelative, type Point } from "./least-squares.js";
import { type UslParameters, uslLinearStart, uslThroughput } from "./usl.js";

// Typical sizes of σ and κ in published fits (Gunther 2007, ch. 5–6: σ of a few
// per cent, κ of 1e-4 to 1e-3): the solver's units.
const SIGMA_SCALE = 1e-2;
const KAPPA_SCALE = 1e-4;

/**
 * Gunther's USL fitted to throughput against concurrency.
 *
 * @remarks Since 0.2.0
 */
export function fitUsl(points: readonly Point[]): UslParameters {
  const start = uslLinearStart(points);
  const [lambda = start.lambda, sigma = 0, kappa = 0] = fitRelative(
    points,
    [
      { start: 1, min: 1e-6, max: 1e6 },
      { start: start.sigma, min: 0, max: 1, scale: SIGMA_SCALE },
      { start: start.kappa, min: 0, max: 1, scale: KAPPA_SCALE },
    ],
    (p, n) =>
      uslThroughput(n, { lambda: start.lambda * (p[0] ?? 1), sigma: p[1] ?? 0, kappa: p[2] ?? 0 }),
  );
  return { lambda: start.lambda * lambda, sigma, kappa };
}

/**
 * The closed-loop model fitted in two stages; `cores` is given, not fitted.
 *
 * @remarks Since 0.2.0
 */
export function fitClosedLoop(points: readonly Point[], cores: number): ClosedLoopModel {
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
  );
  const held = base(mechanism);
  const [sigma = 0, kappa = 0] = fitRelative(
    points,
    [
      { start: 1e-3, min: 0, max: 1, scale: SIGMA_SCALE },
      { start: 1e-5, min: 0, max: 1, scale: KAPPA_SCALE },
    ],
    (p, n) => closedLoopThroughput(n, { ...held, sigma: p[0] ?? 0, kappa: p[1] ?? 0 }),
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
  );
  return joint(all);
}
