// Recognises which tool wrote a measurement file and reads it.
import { type Measurement, MeasurementFormatError } from "./measurement.js";
import { parseMeasurementCsv } from "./parse-csv.js";
import { parsePgbench } from "./parse-pgbench.js";
import { parseSysbench } from "./parse-sysbench.js";

/**
 * The formats {@link parseMeasurements} reads.
 *
 * @remarks Since 0.2.0
 */
export type MeasurementFormat = "pgbench" | "sysbench" | "csv";

/**
 * Guesses the format from the text: pgbench's "number of clients:", sysbench's
 * "Number of threads:", else a CSV.
 *
 * @remarks Since 0.2.0
 */
export function detectMeasurementFormat(text: string): MeasurementFormat {
  if (/^\s*number of clients:/m.test(text)) return "pgbench";
  if (/^\s*Number of threads:/m.test(text)) return "sysbench";
  return "csv";
}

/**
 * Reads measurements in the given format (detected when left out); at least one
 * run, or an error naming the source and the format.
 *
 * @remarks Since 0.2.0
 */
export function parseMeasurements(
  text: string,
  source: string,
  format: MeasurementFormat = detectMeasurementFormat(text),
): Measurement[] {
  const runs =
    format === "pgbench"
      ? parsePgbench(text, source)
      : format === "sysbench"
        ? parseSysbench(text, source)
        : parseMeasurementCsv(text, source);
  if (runs.length === 0) {
    throw new MeasurementFormatError(`${source}: no runs found in this ${format} output.`);
  }
  return runs;
}
