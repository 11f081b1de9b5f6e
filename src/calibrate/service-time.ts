// The shape of the server's statement time, from measured latency. Throughput
// does not depend on it — a processor-sharing server and the clients' delay are
// insensitive to the service-time distribution beyond its mean (BCMP, Baskett et
// al. 1975) — but the latency percentiles do. The shape σ (of ln ms) comes from
// latency samples (pgbench --log) or from one level's mean and p99, taken at the
// fewest clients, where no transaction waits for another; the mean stays the
// fitted CPU per statement. That latency also holds the round trip, so its
// jitter is counted as the server's.
import {
  type LognormalSpec,
  lognormalFromMeanP99,
  lognormalFromSamples,
  lognormalSigma,
} from "./lognormal.js";
import type { Measurement } from "./measurement.js";

/**
 * Where the service time's shape came from, and the measured latency's lognormal.
 *
 * @remarks Since 0.2.0
 */
export interface ServiceTimeShape {
  /** The lognormal fitted to the measured latency (ms), by its median and p99. */
  readonly measured: LognormalSpec;
  /** σ of ln(latency), given to the statement time. */
  readonly sigma: number;
  /** "latency samples", or the level whose mean and p99 were used. */
  readonly source: string;
}

function fromLowestLevel(measurements: readonly Measurement[]): ServiceTimeShape {
  const withBoth = measurements.filter((m) => m.meanMs !== undefined && m.p99Ms !== undefined);
  if (withBoth.length === 0) {
    throw new RangeError(
      "options.serviceTime: a lognormal needs latency samples or a run with both mean and p99 latency; none of the measurements has both (pgbench's summary has no p99: pass its --log file).",
    );
  }
  const clients = Math.min(...withBoth.map((m) => m.concurrency));
  const level = withBoth.filter((m) => m.concurrency === clients);
  const average = (pick: (m: Measurement) => number) =>
    level.reduce((a, m) => a + pick(m), 0) / level.length;
  const where = `measurements at ${clients} client${clients === 1 ? "" : "s"}`;
  const measured = lognormalFromMeanP99(
    average((m) => m.meanMs ?? 0),
    average((m) => m.p99Ms ?? 0),
    where,
  );
  return { measured, sigma: lognormalSigma(measured), source: `mean and p99 of the ${where}` };
}

/**
 * The shape of the statement time: from the samples when given, else from the
 * mean and p99 measured at the fewest clients.
 *
 * @throws RangeError when neither is available or they fit no lognormal
 * @remarks Since 0.2.0
 */
export function serviceTimeShape(
  measurements: readonly Measurement[],
  samplesMs: readonly number[] | undefined,
): ServiceTimeShape {
  if (samplesMs === undefined) return fromLowestLevel(measurements);
  const measured = lognormalFromSamples(samplesMs, "options.latencySamplesMs");
  return { measured, sigma: lognormalSigma(measured), source: "latency samples" };
}
