// A CSV of one's own measurements: a header naming the columns, then one run per
// line. concurrency and throughput are required; mean and p99 (latency, ms) and
// page_reads (per transaction), synchronous_commit (on/off) and hot_rows (rows
// every transaction updates one of; 0 for none) may be left out or empty.
import { type Measurement, MeasurementFormatError, positiveNumber } from "./measurement.js";

const COLUMNS = [
  "concurrency",
  "throughput",
  "mean",
  "p99",
  "page_reads",
  "synchronous_commit",
  "hot_rows",
] as const;
type Column = (typeof COLUMNS)[number];

function header(line: string, source: string): Map<Column, number> {
  const names = line.split(",").map((n) => n.trim().toLowerCase());
  const index = new Map<Column, number>();
  for (const column of COLUMNS) {
    const at = names.indexOf(column);
    if (at >= 0) index.set(column, at);
  }
  for (const required of ["concurrency", "throughput"] as const) {
    if (!index.has(required)) {
      throw new MeasurementFormatError(
        `${source}, line 1: expected a header naming the columns concurrency, throughput (and optionally mean, p99, page_reads), got ${JSON.stringify(line)}.`,
      );
    }
  }
  return index;
}

function commitRule(text: string, where: string): "on" | "off" {
  const value = text.trim().toLowerCase();
  if (value !== "on" && value !== "off") {
    throw new MeasurementFormatError(`${where}: expected on or off, got ${JSON.stringify(text)}.`);
  }
  return value;
}

function nonNegative(text: string, where: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value) || value < 0) {
    throw new MeasurementFormatError(
      `${where}: expected a number ≥ 0, got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}

/**
 * Reads a CSV of concurrency, throughput (per second), mean and p99 latency (ms).
 *
 * @param text - the CSV, header first
 * @param source - the file name, for error messages
 * @remarks Since 0.2.0
 */
export function parseMeasurementCsv(text: string, source = "CSV"): Measurement[] {
  const lines = text.split(/\r?\n/);
  const columns = header(lines[0] ?? "", source);
  const runs: Measurement[] = [];
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]?.trim() ?? "";
    if (line === "" || line.startsWith("#")) continue;
    const cells = line.split(",").map((c) => c.trim());
    const cell = (column: Column): string | undefined => {
      const at = columns.get(column);
      const value = at === undefined ? undefined : cells[at];
      return value === "" ? undefined : value;
    };
    const where = (column: Column) => `${source}, line ${i + 1}, column ${column}`;
    const mean = cell("mean");
    const p99 = cell("p99");
    const reads = cell("page_reads");
    const commit = cell("synchronous_commit");
    const hot = cell("hot_rows");
    runs.push({
      concurrency: positiveNumber(cell("concurrency") ?? "", where("concurrency")),
      throughput: positiveNumber(cell("throughput") ?? "", where("throughput")),
      ...(mean === undefined ? {} : { meanMs: positiveNumber(mean, where("mean")) }),
      ...(p99 === undefined ? {} : { p99Ms: positiveNumber(p99, where("p99")) }),
      ...(reads === undefined
        ? {}
        : { pageReadsPerTransaction: nonNegative(reads, where("page_reads")) }),
      ...(commit === undefined
        ? {}
        : { synchronousCommit: commitRule(commit, where("synchronous_commit")) }),
      ...(hot === undefined ? {} : { hotRows: nonNegative(hot, where("hot_rows")) }),
    });
  }
  return runs;
}
