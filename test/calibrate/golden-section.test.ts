// Golden-section search (Numerical Recipes, 3rd ed., §10.2): each step keeps
// the part of the bracket that holds the minimum of a unimodal function and
// shrinks it by (√5 − 1)/2, so after n steps the answer lies within
// (high − low)·0.618ⁿ of the true minimum, with n + 2 evaluations.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { goldenSection } from "../../src/calibrate/golden-section.js";

const SHRINK = (Math.sqrt(5) - 1) / 2;

test.prop([
  fc.double({ min: -100, max: 100, noNaN: true }),
  fc.double({ min: 0.01, max: 100, noNaN: true }),
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.integer({ min: 0, max: 30 }),
  fc.constantFrom("quadratic", "absolute", "asymmetric"),
])(
  "finds a unimodal function's minimum within (high − low)·0.618ⁿ after n steps",
  (low, width, at, steps, shape) => {
    const high = low + width;
    const minimum = low + at * width;
    const f = (x: number) =>
      shape === "quadratic"
        ? (x - minimum) ** 2
        : shape === "absolute"
          ? Math.abs(x - minimum)
          : x < minimum
            ? 5 * (minimum - x)
            : Math.sqrt(x - minimum);
    let calls = 0;
    const result = goldenSection(
      (x) => {
        calls++;
        return f(x);
      },
      low,
      high,
      steps,
    );
    expect(Math.abs(result.x - minimum)).toBeLessThanOrEqual(width * SHRINK ** steps * (1 + 1e-9));
    expect(result.value).toBe(f(result.x));
    expect(result.evaluations).toBe(steps + 2);
    expect(calls).toBe(steps + 2);
  },
);
