// pgbench's per-transaction log (`pgbench --log`, PostgreSQL 15 documentation,
// "Per-Transaction Logging"): one line per transaction,
//   client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]
// where `time` is the transaction's elapsed time in microseconds, or the word
// `skipped` (a --rate slot dropped by --latency-limit) or `failed` (a
// serialization or deadlock failure): neither has a latency, so both are passed
// over. The aggregated log (--aggregate-interval) starts with an epoch time
// and carries no single latencies: refused, naming the option.
import { MeasurementFormatError, positiveNumber } from "./measurement.js";

const FIELDS_MIN = 6;
const FIELDS_MAX = 8;
// Client numbers are small; an epoch second in the first field means the aggregated format.
const EPOCH_SECONDS_MIN = 1e8;

/**
 * The latencies (ms) of the completed transactions in a pgbench per-transaction log.
 *
 * @param text - the log file (several clients' files may be concatenated)
 * @param source - the file name, for error messages
 * @throws MeasurementFormatError naming the source, the line and what was expected
 * @remarks Since 0.2.0
 */
export function parsePgbenchLog(text: string, source = "pgbench log"): number[] {
  const latenciesMs: number[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === "") return;
    const where = `${source}, line ${index + 1}`;
    const fields = line.split(/\s+/);
    if (Number(fields[0]) >= EPOCH_SECONDS_MIN) {
      throw new MeasurementFormatError(
        `${where}: this is pgbench's aggregated log (--aggregate-interval); expected the per-transaction log (--log without --aggregate-interval).`,
      );
    }
    if (fields.length < FIELDS_MIN || fields.length > FIELDS_MAX) {
      throw new MeasurementFormatError(
        `${where}: expected "client_id transaction_no time script_no time_epoch time_us [schedule_lag] [retries]", got ${JSON.stringify(line)}.`,
      );
    }
    const time = fields[2] ?? "";
    if (time === "skipped" || time === "failed") return;
    latenciesMs.push(positiveNumber(time, `${where}, field time (µs)`) / 1000);
  });
  return latenciesMs;
}
