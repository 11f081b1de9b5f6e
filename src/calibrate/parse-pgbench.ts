// pgbench's summary block (PostgreSQL 15, src/bin/pgbench/pgbench.c, printResults):
//   transaction type: <builtin: TPC-B (sort of)>
//   scaling factor: 1
//   number of clients: 8
//   latency average = 0.913 ms
//   tps = 8759.1 (without initial connection time)
// Several runs' outputs may be concatenated; each "number of clients" line opens
// a run and its "tps" line closes it. Per-statement reports (-r) and progress
// lines (-P) are ignored. The built-in scripts (pgbench.c, builtin_script) tell
// whether the transactions share a row: "TPC-B (sort of)" updates one of the
// scaling factor's branches in every transaction, "simple update" (-N) skips the
// branch and teller updates; "select only" (-S) writes nothing.
import { type Measurement, MeasurementFormatError, positiveNumber } from "./measurement.js";

const CLIENTS = /^number of clients:\s*(\S+)/;
const LATENCY = /^latency average\s*=\s*(\S+)\s*ms/;
const SCRIPT = /^transaction type:\s*<builtin:\s*(TPC-B \(sort of\)|simple update)>/;
const SCALE = /^scaling factor:\s*(\S+)/;
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
 * @returns the runs; those of the built-in TPC-B-like script carry `hotRows`
 *   (its scaling factor), those of "simple update" `hotRows` 0 (since 0.2.0)
 * @remarks Since 0.2.0
 */
export function parsePgbench(text: string, source = "pgbench output"): Measurement[] {
  const runs: Measurement[] = [];
  let clients: number | undefined;
  let meanMs: number | undefined;
  let script: string | undefined;
  let scale = 1;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source}, line ${index + 1}`;
    const kind = SCRIPT.exec(line);
    if (kind !== null) script = kind[1];
    if (line.startsWith("transaction type:") && kind === null) script = undefined;
    const s = SCALE.exec(line);
    if (s !== null) scale = positiveNumber(s[1] ?? "", where);
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
    const hotRows = script === undefined ? undefined : script === "simple update" ? 0 : scale;
    runs.push({
      concurrency: clients,
      throughput,
      ...(meanMs === undefined ? {} : { meanMs }),
      ...(hotRows === undefined ? {} : { hotRows }),
    });
    clients = undefined;
  });
  return runs;
}
