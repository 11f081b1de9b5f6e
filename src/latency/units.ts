// Time-unit helpers. dbsim measures all simulated time in milliseconds, so every
// figure taken from the latency table (nanoseconds to tens of milliseconds) goes
// through these on its way in. Sub-millisecond units divide by an exact power of
// ten, which IEEE division rounds correctly: `ns(100)` is the same double as the
// literal `0.0001`, so table values compare exactly against their decimal form.

/**
 * Converts nanoseconds to milliseconds: `ns(500) === 0.0005`.
 *
 * @param x - a duration in nanoseconds
 * @returns the same duration in milliseconds
 * @remarks Since 0.1.0
 */
export function ns(x: number): number {
  return x / 1_000_000;
}

/**
 * Converts microseconds to milliseconds: `us(500) === 0.5`.
 *
 * @param x - a duration in microseconds
 * @returns the same duration in milliseconds
 * @remarks Since 0.1.0
 */
export function us(x: number): number {
  return x / 1_000;
}

/**
 * Milliseconds, the unit of simulated time; the identity, for symmetry with the
 * other helpers so a scenario can state every unit explicitly.
 *
 * @param x - a duration in milliseconds
 * @returns `x`
 * @remarks Since 0.1.0
 */
export function ms(x: number): number {
  return x;
}

/**
 * Converts seconds to milliseconds: `s(1.5) === 1500`.
 *
 * @param x - a duration in seconds
 * @returns the same duration in milliseconds
 * @remarks Since 0.1.0
 */
export function s(x: number): number {
  return x * 1_000;
}
