// Field schemas and figure helpers shared by the scenario schema, the components
// and the report. This file sits below them all (it imports neither), so a
// component can declare its section and its report without importing schema.ts
// or report.ts, which compose the components.
import * as z from "zod";
import type { Histogram } from "../metrics/index.js";

export { DistributionSpecSchema } from "../latency/index.js";

// zod 4 numbers already reject NaN and ±Infinity.
/** @internal A number ≥ 0. */
export const nonNegative = () => z.number().nonnegative();
/** @internal An integer > 0. */
export const positiveInt = () => z.number().int().positive();
/** @internal A share in [0, 1]. */
export const share = () => z.number().min(0).max(1);
/** @internal A count: an integer ≥ 0 (report figures). */
export const count = () => z.number().int().nonnegative();

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * The longest duration a field takes, in ms: far longer than a run (warm-up plus
 * duration is at most 1e12 ms), so a timeout can still mean "never", yet small
 * enough that sums of durations stay finite.
 *
 * @remarks Since 0.2.0
 */
export const MAX_DURATION_MS = 1e15;

/**
 * A duration: a number of milliseconds, or a string with a unit
 * (`"500ms"`, `"30s"`, `"2m"`, `"1h"`).
 *
 * @remarks Since 0.1.0
 */
export const DurationSchema = z
  .union([
    nonNegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/, {
      message: 'expected a duration such as 500, "500ms", "30s", "2m" or "1h"',
    }),
  ])
  .transform((v, ctx) => {
    let ms = v as number;
    if (typeof v === "string") {
      const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(v) as RegExpExecArray;
      ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    }
    if (ms <= MAX_DURATION_MS) return ms;
    // A string of 400 digits matches the pattern yet resolves to Infinity ms.
    ctx.addIssue({
      code: "custom",
      input: v,
      message: `expected a duration of at most 1e15 ms (about 31,700 years)${typeof v === "string" ? `; resolves to ${ms} ms` : ""}`,
    });
    return z.NEVER;
  })
  .describe('Milliseconds, or a string with a unit: "500ms", "30s", "2m", "1h"');

/**
 * Adds "expected a duration > 0" at `path` when `ms` is not positive (for
 * intervals, where 0 would loop at one instant).
 *
 * @internal
 */
export function requirePositiveDuration(
  ms: number,
  path: readonly (string | number)[],
  ctx: z.RefinementCtx,
): void {
  if (ms > 0) return;
  ctx.addIssue({ code: "custom", path: [...path], message: "expected a duration > 0", input: ms });
}

/**
 * Rounds a figure for the report: 6 significant digits, so reports are short
 * and do not carry last-bit noise. A non-finite value throws a RangeError: a
 * report never holds NaN, and a figure silently shown as 0 would lie (inputs
 * that could overflow are bounded by the schema, so this is a bug to report).
 *
 * @remarks Since 0.1.0; throws on non-finite values since 0.2.0 (0 before)
 */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) {
    throw new RangeError(
      `a report figure came out as ${x}, not a finite number (a bug: please report the scenario and seed)`,
    );
  }
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}

/** @internal Mean, p99 and max of a spread in the report. */
export const SpreadSchema = z.strictObject({ mean: z.number(), p99: z.number(), max: z.number() });

/** @internal A histogram as the report's mean, p99 and max (0 when empty). */
export function spread(h: Histogram): { mean: number; p99: number; max: number } {
  return {
    mean: roundFigure(h.mean),
    p99: roundFigure(h.count > 0 ? h.percentile(99) : 0),
    max: roundFigure(h.count > 0 ? h.max : 0),
  };
}
