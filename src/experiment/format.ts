// The experiment result as text: JSON (the whole result) and long-format CSV,
// one row per run and metric, for pandas, R and spreadsheets.
import type { ExperimentResult } from "./result.js";

/**
 * The result as JSON text (two-space indent, trailing newline).
 *
 * @remarks Since 0.2.0
 */
export function formatExperimentJson(result: ExperimentResult): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}

function csvField(value: unknown): string {
  const text =
    value === null || value === undefined
      ? ""
      : typeof value === "string" || typeof value === "number" || typeof value === "boolean"
        ? String(value)
        : JSON.stringify(value);
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * The result as long-format CSV: a header, then one row per run and metric with
 * the point, each swept parameter, the replication (column "replicate", so a swept path named "replication" keeps its own column), the run's seed, the metric
 * and its value (empty where the report had none). Objects in parameters are
 * written as JSON.
 *
 * @remarks Since 0.2.0
 */
export function formatExperimentCsv(result: ExperimentResult): string {
  const paths = Object.keys(result.points[0]?.parameters ?? {});
  const lines = [
    ["point", ...paths, "replicate", "seed", "metric", "value"].map(csvField).join(","),
  ];
  for (const point of result.points) {
    const params = paths.map((p) => csvField(point.parameters[p]));
    for (const run of point.runs) {
      result.metrics.forEach((metric, m) => {
        lines.push(
          [
            String(point.index),
            ...params,
            String(run.replication),
            String(run.seed),
            csvField(metric),
            csvField(run.values[m]),
          ].join(","),
        );
      });
    }
  }
  return `${lines.join("\n")}\n`;
}

/**
 * The result as JSON lines: one object per run and metric, with the same fields
 * as a CSV row (`point`, `parameters`, `replicate`, `seed`, `metric`, `value`),
 * the parameters kept as JSON values.
 *
 * @remarks Since 0.2.0
 */
export function formatExperimentJsonLines(result: ExperimentResult): string {
  const lines: string[] = [];
  for (const point of result.points) {
    for (const run of point.runs) {
      result.metrics.forEach((metric, m) => {
        lines.push(
          JSON.stringify({
            point: point.index,
            parameters: point.parameters,
            replicate: run.replication,
            seed: run.seed,
            metric,
            value: run.values[m] ?? null,
          }),
        );
      });
    }
  }
  return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
}
