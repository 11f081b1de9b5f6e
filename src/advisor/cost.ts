// A plan's cost per hour, read from its report. One small function so the
// source can change in one place: the report's `cost.perHour` once the report
// has a cost section; until then the sum of the nodes' `costPerHour` (null when
// any node has no price: a partial sum would read as a full one). Poolers and
// cache nodes are not priced by that fallback.
import type { Report } from "../scenario/index.js";

/**
 * Dollars per hour of the plan a report describes, or null when unpriced.
 *
 * @remarks Since 0.2.0
 */
export function reportCostPerHour(report: Report): number | null {
  const withCost = report as Report & { readonly cost?: { readonly perHour: number | null } };
  if (withCost.cost !== undefined) return withCost.cost.perHour;
  let total = 0;
  for (const node of report.nodes) {
    if (node.costPerHour === undefined || node.costPerHour === null) return null;
    total += node.costPerHour;
  }
  return total;
}
