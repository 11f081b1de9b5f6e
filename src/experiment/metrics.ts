// Metrics are paths into the report (`latency.read.p99`,
// `throughput.completedPerSec`, `nodes.1.utilization`). A path is checked against
// the report's own schema before anything runs, so a typo is an error that
// names what the report has there, not a column of blanks after an hour.
import * as z from "zod";
import { type Report, ReportSchema } from "../scenario/index.js";

type SchemaNode = {
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  anyOf?: SchemaNode[];
  oneOf?: SchemaNode[];
};

let reportSchema: SchemaNode | undefined;

function alternatives(node: SchemaNode): SchemaNode[] {
  const out: SchemaNode[] = [node];
  for (const alt of [...(node.anyOf ?? []), ...(node.oneOf ?? [])]) out.push(...alternatives(alt));
  return out;
}

function isNumeric(node: SchemaNode): boolean {
  const types = Array.isArray(node.type) ? node.type : [node.type];
  return types.includes("number") || types.includes("integer");
}

/**
 * Why `path` is not a numeric figure of the report, or undefined when it is.
 *
 * @remarks Since 0.2.0
 */
export function metricPathProblem(path: string): string | undefined {
  reportSchema ??= z.toJSONSchema(ReportSchema, {
    io: "output",
    unrepresentable: "any",
  }) as SchemaNode;
  let nodes = [reportSchema];
  const segments = path.split(".");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i] as string;
    const next: SchemaNode[] = [];
    const keys = new Set<string>();
    for (const node of nodes.flatMap(alternatives)) {
      if (/^\d+$/.test(segment) && node.items) next.push(node.items);
      for (const k of Object.keys(node.properties ?? {})) keys.add(k);
      const prop = node.properties?.[segment];
      if (prop) next.push(prop);
    }
    if (next.length === 0) {
      const where =
        i === 0 ? "at the top of the report" : `under ${segments.slice(0, i).join(".")}`;
      const isArray = nodes.flatMap(alternatives).some((n) => n.items);
      const expected = isArray ? "an index (0, 1, …)" : `one of ${[...keys].sort().join(", ")}`;
      return `the report has no "${segment}" ${where}; expected ${expected}`;
    }
    nodes = next;
  }
  if (!nodes.flatMap(alternatives).some(isNumeric)) {
    return `${path} is not a number in the report; expected a path to a figure such as latency.read.p99`;
  }
  return undefined;
}

/**
 * The figure at `path` in a report, or null when the report has none there (a
 * section the point's scenario does not have).
 *
 * @remarks Since 0.2.0
 */
export function metricValue(report: Report, path: string): number | null {
  let value: unknown = report;
  for (const segment of path.split(".")) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, segment)) return null;
    value = (value as Record<string, unknown>)[segment];
  }
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}
