// What a load test measured at one concurrency level, whatever tool produced it.
// Parsers (pgbench, sysbench, CSV) turn their tool's text into these; the fit
// reads nothing else.

/**
 * One run of a closed-loop load test: `concurrency` clients, each sending its next
 * transaction as soon as the last one returns.
 *
 * @remarks Since 0.2.0
 */
export interface Measurement {
  /** Clients (pgbench `-c`, sysbench `--threads`). */
  readonly concurrency: number;
  /** Transactions per second. */
  readonly throughput: number;
  /** Mean latency of a transaction (ms), when the tool reports it. */
  readonly meanMs?: number;
  /** 99th-percentile latency (ms), when reported. */
  readonly p99Ms?: number;
  /** 95th-percentile latency (ms), when reported (sysbench's default). */
  readonly p95Ms?: number;
  /**
   * Page reads from disk per transaction (PostgreSQL: the run's blks_read over
   * its xact_commit in pg_stat_database), to fit a page read's wait.
   *
   * @remarks Since 0.2.0
   */
  readonly pageReadsPerTransaction?: number;
  /**
   * The run's `synchronous_commit`: "off" when commits did not wait for the log
   * flush (PGOPTIONS="-c synchronous_commit=off"), for the write-path fit.
   *
   * @remarks Since 0.2.0
   */
  readonly synchronousCommit?: "on" | "off";
  /**
   * Rows every transaction updates one of, uniformly: pgbench's TPC-B-like
   * script updates one of its branches (as many as the scaling factor), so its
   * transactions queue for that row's lock; 0 for a script sharing no row
   * (pgbench -N, "simple update"). For the write-path fit.
   *
   * @remarks Since 0.2.0
   */
  readonly hotRows?: number;
}

/**
 * Bad measurement text: names the source, the line and what was expected.
 *
 * @remarks Since 0.2.0
 */
export class MeasurementFormatError extends Error {
  /** @param message - the source, the line and what was expected */
  constructor(message: string) {
    super(message);
    this.name = "MeasurementFormatError";
  }
}

/**
 * A finite positive number or an error naming where it came from.
 *
 * @internal
 */
export function positiveNumber(text: string, where: string): number {
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0) {
    throw new MeasurementFormatError(
      `${where}: expected a positive number, got ${JSON.stringify(text)}.`,
    );
  }
  return value;
}
