// A plan's cost per hour, read from its report's cost section (docs/cost.md):
// every database node, pooler, proxy and cache node, or null when any of them
// has no price (a partial sum would read as a full one).
import type { Report } from "../scenario/index.js";

/**
 * Dollars per hour of the plan a report describes, or null when unpriced.
 *
 * @remarks Since 0.2.0
 */
export function reportCostPerHour(report: Report): number | null {
  return report.cost?.perHour ?? null;
}
