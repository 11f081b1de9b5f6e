// sysbench 1.0's end-of-run report (as Debian's 1.0.20 prints it):
//   Number of threads: 8
//   ...
//       transactions:                        41275  (4126.28 per sec.)
//   Latency (ms):
//            avg:                                    1.94
//            95th percentile:                        3.13
// Several runs may be concatenated; "Number of threads" opens a run and its
// "transactions:" line gives the throughput. A percentile other than 95 (set by
// --percentile) is read as the p99 only when it is 99.
import { type Measurement, MeasurementFormatError, positiveNumber } from "./measurement.js";

const THREADS = /^Number of threads:\s*(\S+)/;
const TRANSACTIONS = /^transactions:\s*\d+\s*\((\S+)\s*per sec\.\)/;
const AVG = /^avg:\s*(\S+)/;
const PERCENTILE = /^(\d+)th percentile:\s*(\S+)/;

interface Run {
  concurrency: number;
  throughput?: number;
  meanMs?: number;
  p95Ms?: number;
  p99Ms?: number;
}

function finish(run: Run | undefined, out: Measurement[], where: string): void {
  if (run === undefined) return;
  if (run.throughput === undefined) {
    throw new MeasurementFormatError(
      `${where}: the run with ${run.concurrency} threads has no "transactions: … (… per sec.)" line.`,
    );
  }
  out.push({ ...run, throughput: run.throughput });
}

/**
 * Reads the runs in concatenated sysbench outputs.
 *
 * @param text - sysbench's standard output, one or more runs
 * @param source - the file name, for error messages
 * @remarks Since 0.2.0
 */
export function parseSysbench(text: string, source = "sysbench output"): Measurement[] {
  const runs: Measurement[] = [];
  let run: Run | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    const where = `${source}, line ${index + 1}`;
    const threads = THREADS.exec(line);
    if (threads !== null) {
      finish(run, runs, where);
      run = { concurrency: positiveNumber(threads[1] ?? "", where) };
      return;
    }
    if (run === undefined) return;
    const tx = TRANSACTIONS.exec(line);
    if (tx !== null) run.throughput = positiveNumber(tx[1] ?? "", where);
    const avg = AVG.exec(line);
    if (avg !== null) run.meanMs = positiveNumber(avg[1] ?? "", where);
    const pct = PERCENTILE.exec(line);
    if (pct?.[1] === "95") run.p95Ms = positiveNumber(pct[2] ?? "", where);
    if (pct?.[1] === "99") run.p99Ms = positiveNumber(pct[2] ?? "", where);
  });
  finish(run, runs, `${source}, end`);
  return runs;
}
