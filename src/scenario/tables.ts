// The components' lines in the summary of a resolved scenario, and their
// sections of the report's table.
import type { ComparisonColumn } from "./components/component.js";
import { COMPONENTS, REPORT_SECTIONS, SCENARIO_SECTIONS } from "./components/index.js";
import { PER_SHARD_SECTIONS } from "./components/shard-sections.js";
import { costLines } from "./cost-text.js";
import type { Report } from "./report.js";
import type { Scenario } from "./schema.js";

/**
 * The table sections of the components a report has, in report order, each
 * after a blank line.
 *
 * @internal
 */
export function componentTables(report: Report): string[] {
  const out: string[] = [];
  const sections = report as unknown as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(REPORT_SECTIONS)) {
    const section = sections[key];
    const component = COMPONENTS.find((c) => c.report.key === key);
    if (section === undefined || section === null || component?.table === undefined) continue;
    out.push("", ...component.table(section, report));
  }
  out.push(...shardTables(report));
  if (report.cost !== undefined) out.push("", ...costLines(report.cost));
  return out;
}

/**
 * A sharded report's per-shard sections (its shards' pools, replication,
 * routing or proxy), and a database-per-service report's per-service ones,
 * each drawn by its component's table under the shard's or service's name.
 */
function shardTables(report: Report): string[] {
  const out: string[] = [];
  for (const shard of [...(report.sharding?.shards ?? []), ...(report.services?.list ?? [])]) {
    const sections = shard as unknown as Readonly<Record<string, unknown>>;
    for (const key of PER_SHARD_SECTIONS) {
      const section = sections[key];
      const component = COMPONENTS.find((c) => c.report.key === key);
      if (section === undefined || section === null || component?.table === undefined) continue;
      const [first = "", ...rest] = component.table(section, report);
      out.push("", `${shard.name}: ${first}`, ...rest);
    }
  }
  return out;
}

/**
 * The components' lines in the summary of a resolved scenario, in scenario order.
 *
 * @internal
 */
export function componentSummaries(scenario: Scenario): [string, string][] {
  const rows: [string, string][] = [];
  for (const key of Object.keys(SCENARIO_SECTIONS)) {
    const row = COMPONENTS.find((c) => c.key === key)?.summary?.(scenario);
    if (row !== undefined) rows.push([row[0], row[1]]);
  }
  // Then the components without a section of their own (the timeline's faults).
  for (const c of COMPONENTS) {
    const row = c.key in SCENARIO_SECTIONS ? undefined : c.summary?.(scenario);
    if (row !== undefined) rows.push([row[0], row[1]]);
  }
  return rows;
}

/**
 * The components' columns in the variant comparison, in registry order (the
 * comparison sorts them by rank among its own).
 *
 * @internal
 */
export function componentColumns(): ComparisonColumn[] {
  return COMPONENTS.flatMap((c) => c.compare ?? []);
}
