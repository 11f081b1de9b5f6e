// XFetch, probabilistic early recomputation (Vattani, Chierichetti and
// Lowenstein, "Optimal Probabilistic Cache Stampede Prevention", VLDB 2015,
// Algorithm 1): a reader refreshes an entry before it expires when
// now − δ·β·ln(u) ≥ expiry, with δ the time the last recompute took, β ≥ 0
// (1 by default; larger refreshes earlier) and u uniform in (0, 1]. Since
// −ln(u) is exponential with mean 1, the refresh times spread out and, for a
// key read often, one reader refreshes shortly before the expiry.

/**
 * Whether a read at `now` of an entry expiring at `expiresAt` should refresh
 * it early. `u` must lie in (0, 1]: pass `1 − stream.next()`.
 *
 * @example
 * ```ts
 * xfetchShouldRefresh(990, 1000, 20, 1, 0.5); // 990 + 20·ln 2 ≈ 1003.9 ≥ 1000: true
 * ```
 *
 * @remarks Since 0.2.0
 */
export function xfetchShouldRefresh(
  now: number,
  expiresAt: number,
  deltaMs: number,
  beta: number,
  u: number,
): boolean {
  if (!(u > 0 && u <= 1)) throw new RangeError(`XFetch draw ${u}; expected a number in (0, 1]`);
  return now - deltaMs * beta * Math.log(u) >= expiresAt;
}
