// The transient before --precision: bias from a warm-up too short does not
// shrink with more replications (Law, "Simulation Modeling and Analysis", 5th
// ed. 2015, §9.5.1), so it is checked before the stopping rule trusts the runs.
// Each run of a precision sweep cuts its measured period into TRANSIENT_WINDOWS
// windows (the verdict's windows, read through the time series); MSER-5 reads the
// work in flight of the first round, averaged window by window over its
// replications (averaging across replications first, as Welch's procedure does).
// If it would discard windows past the warm-up, the point's first round is run
// again with the warm-up lengthened by that much, once, and the rounds go on
// from those runs; the result reports what was found and done.
import * as z from "zod";
import type { Scenario } from "../scenario/schema.js";
import { mser5 } from "./stats.js";

/**
 * Windows each run of a precision sweep is cut into for MSER-5: 20 batches of 5.
 *
 * @remarks Since 0.2.0
 */
export const TRANSIENT_WINDOWS = 100;

/**
 * What MSER-5 found in a point's first round and what was done about it.
 *
 * @remarks Since 0.2.0
 */
export const TransientCheckSchema = z.strictObject({
  windowMs: z.number().describe("Length of each window MSER-5 read"),
  warmupMs: z.number().describe("The warm-up the point's runs used in the end"),
  scenarioWarmupMs: z.number().describe("The warm-up the point's scenario asked for"),
  truncateMs: z
    .number()
    .describe("What MSER-5 would discard past that warm-up, on the first round (0: none)"),
  settled: z
    .boolean()
    .describe(
      "False when MSER-5's minimum fell at the limit of its search (half the period): the runs are too short to have settled",
    ),
  applied: z
    .boolean()
    .describe("The first round was run again with the warm-up lengthened by truncateMs"),
  truncateAfterMs: z
    .number()
    .nullable()
    .describe("What MSER-5 would still discard on the rerun (null when there was none)"),
});

/**
 * See {@link TransientCheckSchema}.
 *
 * @remarks Since 0.2.0
 */
export type TransientCheck = z.output<typeof TransientCheckSchema>;

/**
 * The window of a run of `scenario` in a precision sweep (ms).
 *
 * @internal
 */
export function transientWindowMs(scenario: Scenario): number {
  return scenario.duration / TRANSIENT_WINDOWS;
}

/**
 * The window-by-window mean of the runs' series (the shortest length of them),
 * as Welch's procedure averages replications before looking for the transient.
 *
 * @remarks Since 0.2.0
 */
export function averageSeries(series: readonly (readonly number[])[]): number[] {
  if (series.length === 0) return [];
  const n = Math.min(...series.map((s) => s.length));
  const out = new Array<number>(n).fill(0);
  for (const s of series) {
    for (let k = 0; k < n; k++) out[k] = (out[k] as number) + (s[k] as number) / series.length;
  }
  return out;
}

/**
 * MSER-5's truncation of the averaged series, in ms past the warm-up, and
 * whether its minimum was inside the search.
 *
 * @remarks Since 0.2.0
 */
export function transientOf(
  series: readonly (readonly number[])[],
  windowMs: number,
): { readonly truncateMs: number; readonly settled: boolean } {
  const found = mser5(averageSeries(series));
  if (found === null) return { truncateMs: 0, settled: false };
  return { truncateMs: found.truncate * windowMs, settled: found.settled };
}
