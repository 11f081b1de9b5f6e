// The fields a section prices itself with: which instance it runs on, and the
// user's own prices (dollars per hour by name), which win over the shipped list.
import * as z from "zod";
import { nonNegative } from "./fields.js";

/** @internal The instance a section's hosts run on; `fallback` names its default. */
export function instanceField(what: string, fallback: string) {
  return z
    .string()
    .min(1)
    .max(100)
    .optional()
    .describe(`${what} (default ${fallback}): prices each of them in report.cost`);
}

/** @internal The section's own price table: dollars per hour by instance name. */
export function pricesField(what: string) {
  return z
    .record(z.string(), nonNegative().max(1e6))
    .optional()
    .describe(
      `Dollars per hour by ${what}, from your provider's price list: they win over the list dbsim ships (docs/cost.md)`,
    );
}
