// Golden-section search (Kiefer 1953; Press et al., Numerical Recipes, 3rd ed.,
// §10.2): the minimum of a function of one parameter on a bracket, with no
// derivative. A simulated objective is deterministic under common random numbers
// but only piecewise smooth in its parameter (a small change reorders events), so
// finite-difference gradients are unreliable and a bracketing search is the
// robust choice for the write path's one-parameter stages.

/** The golden ratio's conjugate, (√5 − 1)/2. */
const INVERSE_PHI = (Math.sqrt(5) - 1) / 2;

/**
 * The argument in [low, high] where `f` is least, after `iterations` steps (the
 * bracket shrinks by 0.618 each step), with the function evaluations made.
 *
 * @remarks Since 0.2.0
 */
export function goldenSection(
  f: (x: number) => number,
  low: number,
  high: number,
  iterations: number,
): { readonly x: number; readonly value: number; readonly evaluations: number } {
  let a = low;
  let b = high;
  let c = b - INVERSE_PHI * (b - a);
  let d = a + INVERSE_PHI * (b - a);
  let fc = f(c);
  let fd = f(d);
  for (let i = 0; i < iterations; i++) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - INVERSE_PHI * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + INVERSE_PHI * (b - a);
      fd = f(d);
    }
  }
  return fc <= fd
    ? { x: c, value: fc, evaluations: iterations + 2 }
    : { x: d, value: fd, evaluations: iterations + 2 };
}
