// The components' sections of the report's table, in report order.
import { COMPONENTS, REPORT_SECTIONS } from "./components/index.js";
import type { Report } from "./report.js";

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
  return out;
}
