// Latency histograms that travel: a run's histogram as plain JSON (bucket key →
// count), so shards can carry them and merge can add them exactly. The buckets
// are those of src/metrics/histogram.ts (HdrHistogram-style, 128 linear
// sub-buckets per power of two, keyed by the top bits of the IEEE-754 double);
// percentiles are read by rebuilding that Histogram bucket for bucket, so a
// pooled percentile is what one histogram that recorded every run's values
// would report.
import { Histogram } from "../metrics/index.js";

const scratchFloat = new Float64Array(1);
const scratchWords = new Uint32Array(scratchFloat.buffer);
scratchFloat[0] = 1;
const HIGH = scratchWords[1] === 0x3ff00000 ? 1 : 0;
const LOW = 1 - HIGH;
/** As in src/metrics/histogram.ts: 20 − 7 sub-bucket bits. */
const KEY_SHIFT = 13;
const HALF_BUCKET_BIT = 1 << (KEY_SHIFT - 1);
/** The default range of a metrics Histogram (HistogramOptions). */
const LOWEST = 1e-6;
const HIGHEST = 1e9;

function bucketKey(value: number): number {
  scratchFloat[0] = Math.min(HIGHEST, Math.max(LOWEST, value));
  return (scratchWords[HIGH] as number) >>> KEY_SHIFT;
}

function bucketMidpoint(key: number): number {
  scratchWords[HIGH] = (key << KEY_SHIFT) | HALF_BUCKET_BIT;
  scratchWords[LOW] = 0;
  return scratchFloat[0] as number;
}

/**
 * A histogram as plain data: exact count, zeros, min and max, and the count of
 * each non-empty bucket, by key, in increasing order.
 *
 * @remarks Since 0.2.0
 */
export interface PortableHistogram {
  readonly count: number;
  readonly zeros: number;
  readonly min: number;
  readonly max: number;
  /** [bucket key, count] pairs, keys increasing. */
  readonly buckets: readonly (readonly [number, number])[];
}

/**
 * Percentiles of a pooled distribution, in the report's units.
 *
 * @remarks Since 0.2.0
 */
export interface PooledPercentiles {
  readonly count: number;
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

/**
 * The portable histogram of some non-negative values.
 *
 * @remarks Since 0.2.0
 */
export function portableHistogram(values: Iterable<number>): PortableHistogram {
  const counts = new Map<number, number>();
  let count = 0;
  let zeros = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (!(v >= 0 && v < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`histogram value: expected a finite number ≥ 0; got ${v}`);
    }
    count++;
    if (v < min) min = v;
    if (v > max) max = v;
    if (v === 0) {
      zeros++;
      continue;
    }
    const key = bucketKey(v);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return finish(count, zeros, min, max, counts);
}

/**
 * The portable form of a metrics {@link Histogram}: its buckets as they are,
 * so it equals `portableHistogram` of the values it recorded (for a
 * histogram with the default range).
 *
 * @remarks Since 0.2.0
 */
export function histogramToPortable(h: Histogram): PortableHistogram {
  if (h.count === 0) return { count: 0, zeros: 0, min: 0, max: 0, buckets: [] };
  return { count: h.count, zeros: h.zeros, min: h.min, max: h.max, buckets: h.buckets() };
}

function finish(
  count: number,
  zeros: number,
  min: number,
  max: number,
  counts: Map<number, number>,
): PortableHistogram {
  const buckets = [...counts.entries()].sort((a, b) => a[0] - b[0]);
  return count === 0
    ? { count: 0, zeros: 0, min: 0, max: 0, buckets: [] }
    : { count, zeros, min, max, buckets };
}

/**
 * The sum of histograms: counts added bucket by bucket, exact.
 *
 * @remarks Since 0.2.0
 */
export function mergeHistograms(list: readonly PortableHistogram[]): PortableHistogram {
  const counts = new Map<number, number>();
  let count = 0;
  let zeros = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const h of list) {
    if (h.count === 0) continue;
    count += h.count;
    zeros += h.zeros;
    min = Math.min(min, h.min);
    max = Math.max(max, h.max);
    for (const [key, c] of h.buckets) counts.set(key, (counts.get(key) ?? 0) + c);
  }
  return finish(count, zeros, min, max, counts);
}

/**
 * Rebuilds the metrics {@link Histogram} with the same bucket counts, exact min
 * and max (its sum is not kept: use the runs' means for the mean).
 */
function toHistogram(h: PortableHistogram): Histogram {
  const out = new Histogram();
  if (h.count === 0) return out;
  out.recordN(0, h.zeros);
  const minKey = h.min > 0 ? bucketKey(h.min) : -1;
  const maxKey = h.max > 0 ? bucketKey(h.max) : -1;
  for (const [key, c] of h.buckets) {
    // The exact min and max stand in for one value each of their buckets; the
    // midpoint, clamped like the percentiles are, stays in its bucket.
    let rest = c;
    if (key === minKey) {
      out.recordN(h.min, 1);
      rest--;
    }
    if (key === maxKey && rest > 0) {
      out.recordN(h.max, 1);
      rest--;
    }
    if (rest > 0) out.recordN(Math.min(h.max, Math.max(h.min, bucketMidpoint(key))), rest);
  }
  return out;
}

/**
 * The percentiles of a portable histogram, as a report's latency summary gives
 * them (Histogram.percentile: the midpoint of the bucket holding the value of
 * rank ⌈q·n/100⌉, clamped to the exact min and max).
 *
 * @remarks Since 0.2.0
 */
export function pooledPercentiles(h: PortableHistogram): PooledPercentiles {
  const histogram = toHistogram(h);
  return {
    count: h.count,
    p50: histogram.percentile(50),
    p90: histogram.percentile(90),
    p95: histogram.percentile(95),
    p99: histogram.percentile(99),
    p999: histogram.percentile(99.9),
    max: h.max,
  };
}

/**
 * The cumulative distribution of a portable histogram: for each non-empty
 * bucket, its midpoint (clamped to the exact min and max, as percentiles are)
 * and the share of values up to and including it. Zeros, which have no
 * bucket, count towards the first share; the last point is the exact maximum
 * at share 1, as `percentile(100)` gives it.
 *
 * @remarks Since 0.2.0
 */
export function histogramCdf(h: PortableHistogram): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let seen = h.zeros;
  for (const [key, c] of h.buckets) {
    seen += c;
    const x = seen === h.count ? h.max : Math.min(h.max, Math.max(h.min, bucketMidpoint(key)));
    out.push([x, seen / h.count]);
  }
  return out;
}
