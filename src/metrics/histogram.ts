// A log-linear latency histogram with bounded memory, after Gil Tene's HdrHistogram
// (http://hdrhistogram.org): buckets by power-of-two octave, each octave cut into
// 128 linear sub-buckets. We write our own rather than use hdr-histogram-js because
// that package adds ~61 KB gzip to a browser bundle (it carries its WASM build even
// when unused); this file needs none of its features beyond record/percentile/merge.
//
// Bucketing reads the bits of the IEEE-754 double directly: the top word holds the
// biased exponent (11 bits) and the top 20 mantissa bits, so `hi >>> 13` is
// `exponent << 7 | first 7 mantissa bits` — a bucket key that is monotonic in the
// value, exact (no Math.log rounding near powers of two) and costs one store, one
// load and a shift.
//
// Error bound. A bucket of octave e with sub-bucket k holds [L, L + w) where
// L = 2^e (1 + k/128) and w = 2^e / 128. The representative is the midpoint
// L + w/2, so for any x in the bucket |midpoint - x| <= w/2 and, since x >= L >= 2^e,
//   |midpoint - x| / x <= (2^e / 256) / 2^e = 1/256 < 0.4 %.
// Clamping the answer to the exact [min, max] only moves it towards x, so every
// percentile of values in [lowestDiscernibleValue, highestTrackableValue] is within
// 0.4 % of the exact order statistic (the promise is 1 %, which leaves room).

/** The bits of a double are read through this scratch pair; JS is single-threaded. */
const scratchFloat = new Float64Array(1);
const scratchWords = new Uint32Array(scratchFloat.buffer);
scratchFloat[0] = 1;
// Typed arrays use the platform's byte order, so find which word holds the exponent.
const HIGH = scratchWords[1] === 0x3ff00000 ? 1 : 0;
const LOW = 1 - HIGH;

/** log2 of the number of linear sub-buckets per octave. */
const SUB_BUCKET_BITS = 7;
/** Drops the mantissa bits below the sub-bucket bits from the top word. */
const KEY_SHIFT = 20 - SUB_BUCKET_BITS;
/** The first mantissa bit below the sub-bucket bits: setting it gives the midpoint. */
const HALF_BUCKET_BIT = 1 << (KEY_SHIFT - 1);
/** Buckets allocated on the first record (4 octaves, 4 KB); doubled as needed. */
const INITIAL_BUCKETS = 4 << SUB_BUCKET_BITS;
/** The smallest positive normal double; below it the exponent field is zero. */
const MIN_NORMAL = 2 ** -1022;

function bucketKey(value: number): number {
  scratchFloat[0] = value;
  return scratchWords[HIGH]! >>> KEY_SHIFT;
}

function bucketMidpoint(key: number): number {
  scratchWords[HIGH] = (key << KEY_SHIFT) | HALF_BUCKET_BIT;
  scratchWords[LOW] = 0;
  return scratchFloat[0]!;
}

/**
 * Options for a {@link Histogram}. The values are in whatever unit is recorded
 * (milliseconds for latency, bytes for lag).
 *
 * @remarks Since 0.1.0
 */
export interface HistogramOptions {
  /**
   * Values below this (other than 0, which is kept exactly) are counted in its
   * bucket. Must be a positive normal number. Default 1e-6 (1 ns when recording ms).
   */
  lowestDiscernibleValue?: number;
  /** Values above this are counted in its bucket. Default 1e9. */
  highestTrackableValue?: number;
}

/**
 * The figures a report gives for a distribution. All are 0 for an empty histogram.
 *
 * @remarks Since 0.1.0
 */
export interface HistogramSummary {
  /** Number of values recorded. */
  count: number;
  /** Exact arithmetic mean (from the running sum). */
  mean: number;
  /** 50th percentile. */
  p50: number;
  /** 90th percentile. */
  p90: number;
  /** 95th percentile. */
  p95: number;
  /** 99th percentile. */
  p99: number;
  /** 99.9th percentile. */
  p999: number;
  /** Exact largest value recorded. */
  max: number;
}

/**
 * A log-linear (HdrHistogram-style) histogram of non-negative values.
 *
 * Any percentile of values within `[lowestDiscernibleValue, highestTrackableValue]`
 * is within 0.4 % (promised: 1 %) of the exact order statistic; `count`, `sum`,
 * `mean`, `min` and `max` are exact (the sum up to floating-point rounding). Zero is
 * kept in its own bucket, so a distribution of mostly-zero waits reports 0 exactly.
 * Memory grows with the span of values actually seen, up to 128 buckets (1 KB) per
 * octave of the configured range (~51 KB for the default 1e-6..1e9).
 *
 * Not promised: the percentile of values outside the configured range. They are
 * counted in the lowest or highest bucket, so their rank is right but the value
 * reported for them is that bucket's, clamped to the exact `min`/`max`.
 *
 * @remarks Since 0.1.0
 */
export class Histogram {
  /** Smallest value with its own bucket (see {@link HistogramOptions}). */
  readonly lowestDiscernibleValue: number;
  /** Largest value with its own bucket (see {@link HistogramOptions}). */
  readonly highestTrackableValue: number;
  private readonly lowestKey: number;
  private readonly highestKey: number;
  /** Bucket counts for keys `baseKey .. baseKey + counts.length - 1`. */
  private counts: Float64Array;
  private baseKey: number;
  private zeroCount = 0;
  private valueCount = 0;
  private valueSum = 0;
  private minValue = Number.POSITIVE_INFINITY;
  private maxValue = Number.NEGATIVE_INFINITY;

  /**
   * @param options - the trackable range; defaults to 1e-6 .. 1e9
   * @throws RangeError when the range is not `0 < lowest < highest < Infinity`
   */
  constructor(options: HistogramOptions = {}) {
    const lowest = options.lowestDiscernibleValue ?? 1e-6;
    const highest = options.highestTrackableValue ?? 1e9;
    if (!(lowest >= MIN_NORMAL && lowest < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `Histogram lowestDiscernibleValue must be a positive normal number, got ${lowest}`,
      );
    }
    if (!(highest > lowest && highest < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `Histogram highestTrackableValue must be finite and above lowestDiscernibleValue ${lowest}, got ${highest}`,
      );
    }
    this.lowestDiscernibleValue = lowest;
    this.highestTrackableValue = highest;
    this.lowestKey = bucketKey(lowest);
    this.highestKey = bucketKey(highest);
    this.counts = new Float64Array(0);
    this.baseKey = this.lowestKey;
  }

  /**
   * Records one value. The hot path: no allocation, no Math.log.
   *
   * @throws RangeError when the value is negative, NaN or infinite
   */
  record(value: number): void {
    if (value >= this.lowestDiscernibleValue && value <= this.highestTrackableValue) {
      scratchFloat[0] = value;
      const index = (scratchWords[HIGH]! >>> KEY_SHIFT) - this.baseKey;
      const counts = this.counts;
      if (index >= 0 && index < counts.length) counts[index]! += 1;
      else this.addToBucket(index + this.baseKey, 1);
      this.valueCount += 1;
      this.valueSum += value;
      if (value < this.minValue) this.minValue = value;
      if (value > this.maxValue) this.maxValue = value;
    } else {
      this.recordOutOfRange(value, 1);
    }
  }

  /**
   * Records `count` copies of one value.
   *
   * @throws RangeError when the value is negative, NaN or infinite, or `count` is
   * not a non-negative safe integer
   */
  recordN(value: number, count: number): void {
    if (!(Number.isSafeInteger(count) && count >= 0)) {
      throw new RangeError(`Histogram count must be a non-negative integer, got ${count}`);
    }
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) throw badValue(value);
    if (count === 0) return;
    if (value >= this.lowestDiscernibleValue && value <= this.highestTrackableValue) {
      this.addToBucket(bucketKey(value), count);
      this.valueCount += count;
      this.valueSum += value * count;
      if (value < this.minValue) this.minValue = value;
      if (value > this.maxValue) this.maxValue = value;
    } else {
      this.recordOutOfRange(value, count);
    }
  }

  /** Number of values recorded. */
  get count(): number {
    return this.valueCount;
  }

  /** Sum of the values recorded. */
  get sum(): number {
    return this.valueSum;
  }

  /**
   * Values recorded as exactly 0 (they have no bucket).
   *
   * @remarks Since 0.2.0
   */
  get zeros(): number {
    return this.zeroCount;
  }

  /**
   * The non-empty buckets as `[key, count]` pairs, keys increasing: the key is
   * the bucket's index in the log-linear layout (the top bits of the double),
   * the same for every histogram, so buckets of different runs add exactly.
   *
   * @remarks Since 0.2.0
   */
  buckets(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      const c = counts[i]!;
      if (c > 0) out.push([this.baseKey + i, c]);
    }
    return out;
  }

  /** Exact mean (sum / count); 0 when empty. */
  get mean(): number {
    return this.valueCount === 0 ? 0 : this.valueSum / this.valueCount;
  }

  /** Exact smallest value recorded; 0 when empty. */
  get min(): number {
    return this.valueCount === 0 ? 0 : this.minValue;
  }

  /** Exact largest value recorded; 0 when empty. */
  get max(): number {
    return this.valueCount === 0 ? 0 : this.maxValue;
  }

  /**
   * The value at percentile `q`: the midpoint of the bucket holding the value of
   * rank `ceil(q · count / 100)`, clamped to `[min, max]`. `q = 0` gives `min`,
   * `q = 100` gives `max`, and an empty histogram gives 0.
   *
   * @param q - percentile in [0, 100]
   * @throws RangeError when `q` is outside [0, 100] or NaN
   */
  percentile(q: number): number {
    if (!(q >= 0 && q <= 100)) {
      throw new RangeError(`Percentile must be in [0, 100], got ${q}`);
    }
    if (this.valueCount === 0) return 0;
    if (q === 0) return this.minValue;
    if (q === 100) return this.maxValue;
    return this.valueAtRank(Math.max(1, Math.ceil((q * this.valueCount) / 100)));
  }

  /**
   * Adds every value of `other` to this histogram. Ranges may differ: buckets of
   * `other` outside this range go to this range's end buckets. `other` is unchanged.
   */
  merge(other: Histogram): void {
    if (other.valueCount === 0) return;
    const source = other.counts;
    const sourceBase = other.baseKey;
    for (let i = 0; i < source.length; i++) {
      const c = source[i]!;
      if (c === 0) continue;
      const key = sourceBase + i;
      this.addToBucket(
        key < this.lowestKey ? this.lowestKey : key > this.highestKey ? this.highestKey : key,
        c,
      );
    }
    this.zeroCount += other.zeroCount;
    this.valueCount += other.valueCount;
    this.valueSum += other.valueSum;
    if (other.minValue < this.minValue) this.minValue = other.minValue;
    if (other.maxValue > this.maxValue) this.maxValue = other.maxValue;
  }

  /** Forgets every value, keeping the allocated buckets for reuse. */
  reset(): void {
    this.counts.fill(0);
    this.zeroCount = 0;
    this.valueCount = 0;
    this.valueSum = 0;
    this.minValue = Number.POSITIVE_INFINITY;
    this.maxValue = Number.NEGATIVE_INFINITY;
  }

  /** The report figures; all 0 (never NaN) when empty. */
  summary(): HistogramSummary {
    return {
      count: this.valueCount,
      mean: this.mean,
      p50: this.percentile(50),
      p90: this.percentile(90),
      p95: this.percentile(95),
      p99: this.percentile(99),
      p999: this.percentile(99.9),
      max: this.max,
    };
  }

  private valueAtRank(rank: number): number {
    let seen = this.zeroCount;
    if (seen >= rank) return 0;
    const counts = this.counts;
    for (let i = 0; i < counts.length; i++) {
      seen += counts[i]!;
      if (seen >= rank) {
        const mid = bucketMidpoint(this.baseKey + i);
        return mid < this.minValue ? this.minValue : mid > this.maxValue ? this.maxValue : mid;
      }
    }
    // Unreachable while counts sum to total; fall back to the exact maximum.
    return this.maxValue;
  }

  private recordOutOfRange(value: number, count: number): void {
    if (!(value >= 0 && value < Number.POSITIVE_INFINITY)) throw badValue(value);
    if (value === 0) this.zeroCount += count;
    else
      this.addToBucket(
        value < this.lowestDiscernibleValue ? this.lowestKey : this.highestKey,
        count,
      );
    this.valueCount += count;
    this.valueSum += value * count;
    if (value < this.minValue) this.minValue = value;
    if (value > this.maxValue) this.maxValue = value;
  }

  private addToBucket(key: number, count: number): void {
    let index = key - this.baseKey;
    if (index < 0 || index >= this.counts.length) {
      this.grow(key);
      index = key - this.baseKey;
    }
    this.counts[index]! += count;
  }

  /** Widens `counts` to cover `key`, at least doubling so growth is amortised O(1). */
  private grow(key: number): void {
    const old = this.counts;
    const oldLow = this.baseKey;
    const oldHigh = oldLow + old.length;
    const span = this.highestKey - this.lowestKey + 1;
    let low: number;
    let high: number;
    if (old.length === 0) {
      low = key - (INITIAL_BUCKETS >> 1);
      high = low + INITIAL_BUCKETS;
    } else {
      const size = Math.max(2 * old.length, Math.max(oldHigh, key + 1) - Math.min(oldLow, key));
      // Grow towards the new key: values tend to spread further the same way.
      if (key < oldLow) {
        high = oldHigh;
        low = high - size;
      } else {
        low = oldLow;
        high = low + size;
      }
    }
    // Keep within the configured range, shifting the window rather than shrinking it.
    if (low < this.lowestKey) {
      high += this.lowestKey - low;
      low = this.lowestKey;
    }
    if (high > this.highestKey + 1) {
      low -= high - (this.highestKey + 1);
      high = this.highestKey + 1;
    }
    if (low < this.lowestKey) low = this.lowestKey;
    const next = new Float64Array(Math.min(high - low, span));
    if (old.length > 0) next.set(old, oldLow - low);
    this.counts = next;
    this.baseKey = low;
  }
}

function badValue(value: number): RangeError {
  return new RangeError(`Histogram value must be a finite number >= 0, got ${value}`);
}
