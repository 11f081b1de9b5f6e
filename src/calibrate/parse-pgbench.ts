// pgbench's summary block (PostgreSQL 15, src/bin/pgbench/pgbench.c, printResults):
//   number of clients: 8
//   latency average = 0.913 ms
//   tps = 8759.1 (without initial connection time)
// Several runs' outputs may be concatenated; each "number of clients" line opens
// a run and its "tps" line closes it. Per-statement reports (-r) and progress
// lines (-P) are ignored.
import { type Measurement, MeasurementFormatError, positiveNumber } from "./measurement.js";

const CLIENTS = /^number of clients:\s*(\S+)/;
const LATENCY = /^latency average\s*=\s*(\S+)\s*ms/;
// PostgreSQL 14 and later print "(without initial connection time)"; 13 and
// earlier print an "including connections establishing" line, then the one read
// here, "(excluding connections establishing)".
const TPS =
  /^tps\s*=\s*(\S+)\s*\((?:without initial connection time|excluding connections establishing)\)/;

/**
 * Reads the runs in concatenated pgbench outputs.
 *
 * @param text - pgbench's standard output, one or more runs
 * @param source - the file name, for error messages
 * @remarks Since 0.2.0
 */
export function parsePgbench(text: string, source = "pgbench output"): Measurement[] {
  const runs: Measurement[] = [];
  let clients: number | undefined;
  let meanMs: number | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source}, line ${index + 1}`;
    const c = CLIENTS.exec(line);
    if (c !== null) {
      clients = positiveNumber(c[1] ?? "", where);
      meanMs = undefined;
      return;
    }
    const l = LATENCY.exec(line);
    if (l !== null) meanMs = positiveNumber(l[1] ?? "", where);
    const t = TPS.exec(line);
    if (t === null) return;
    if (clients === undefined) {
      throw new MeasurementFormatError(
        `${where}: a "tps = …" line before any "number of clients:" line.`,
      );
    }
    const throughput = positiveNumber(t[1] ?? "", where);
    runs.push(
      meanMs === undefined
        ? { concurrency: clients, throughput }
        : { concurrency: clients, throughput, meanMs },
    );
    clients = undefined;
  });
  return runs;
}
