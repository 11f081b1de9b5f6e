// Throughput over time: counts of events in fixed windows of simulated time, so a
// report can show rate per second window by window as well as over the whole run.
// Memory is bounded ("put a limit on everything", TigerBeetle): when an event falls
// past the last of `maxWindows` windows, adjacent pairs of windows are merged and
// the width doubles, as in a rolling-up time series. A run of any length therefore
// keeps at most `maxWindows` counts, at a resolution that coarsens as it grows.

/**
 * Options for a {@link WindowedRate}.
 *
 * @remarks Since 0.1.0
 */
export interface WindowedRateOptions {
  /** Width of each window in simulated ms at the start (default 1000). */
  windowMs?: number;
  /**
   * Most windows kept (default 1024). When exceeded, adjacent windows merge in pairs
   * and {@link WindowedRate.windowMs} doubles.
   */
  maxWindows?: number;
}

/**
 * One window of a {@link WindowedRate} series.
 *
 * @remarks Since 0.1.0
 */
export interface RateWindow {
  /** Start of the window in simulated ms. */
  startMs: number;
  /** End of the window in simulated ms (the run's end for the last, partial window). */
  endMs: number;
  /** Events counted in the window. */
  count: number;
  /** Events per simulated second over the window. */
  perSec: number;
}

/**
 * Events per window of simulated time, with a bounded number of windows.
 *
 * @remarks Since 0.1.0
 */
export class WindowedRate {
  /** Most windows kept; see {@link WindowedRateOptions.maxWindows}. */
  readonly maxWindows: number;
  private readonly baseWidth: number;
  private width: number;
  private startTime: number;
  private latest: number;
  private counts: Float64Array;
  private used = 0;
  private sum = 0;

  /**
   * @param startMs - when the first window starts (default 0)
   * @param options - window width and cap
   * @throws RangeError when `startMs` is not finite, `windowMs` is not positive and
   * finite, or `maxWindows` is not an integer >= 2
   */
  constructor(startMs = 0, options: WindowedRateOptions = {}) {
    const windowMs = options.windowMs ?? 1000;
    const maxWindows = options.maxWindows ?? 1024;
    if (!Number.isFinite(startMs)) {
      throw new RangeError(`WindowedRate start time must be finite, got ${startMs}`);
    }
    if (!(windowMs > 0 && windowMs < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`WindowedRate windowMs must be positive and finite, got ${windowMs}`);
    }
    if (!(Number.isSafeInteger(maxWindows) && maxWindows >= 2)) {
      throw new RangeError(`WindowedRate maxWindows must be an integer >= 2, got ${maxWindows}`);
    }
    this.maxWindows = maxWindows;
    this.baseWidth = windowMs;
    this.width = windowMs;
    this.startTime = startMs;
    this.latest = startMs;
    this.counts = new Float64Array(maxWindows);
  }

  /**
   * Counts `n` events (default 1) at time `now`. Times need not be in order, but must
   * not be before the start.
   *
   * @throws RangeError when `now` is before the start or not finite, or `n` is
   * negative or not finite
   */
  record(now: number, n = 1): void {
    if (!(now >= this.startTime && now < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `WindowedRate time ${now} ms must be finite and not before the start at ${this.startTime} ms`,
      );
    }
    if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`WindowedRate count must be a finite number >= 0, got ${n}`);
    }
    let index = Math.floor((now - this.startTime) / this.width);
    if (index >= this.maxWindows) index = this.coarsen(now);
    this.counts[index]! += n;
    if (index >= this.used) this.used = index + 1;
    if (now > this.latest) this.latest = now;
    this.sum += n;
  }

  /** Events counted since the start. */
  get total(): number {
    return this.sum;
  }

  /** Current window width in ms: the initial width times 2 per coarsening. */
  get windowMs(): number {
    return this.width;
  }

  /** When the first window starts. */
  get startMs(): number {
    return this.startTime;
  }

  /**
   * Events per simulated second from the start to `now`; 0 when no time has passed.
   *
   * @throws RangeError when `now` is before the latest recorded event
   */
  rate(now: number): number {
    this.checkEnd(now);
    const elapsed = now - this.startTime;
    return elapsed === 0 ? 0 : (this.sum * 1000) / elapsed;
  }

  /**
   * The windows from the start to `now`, each with its rate per second; at most
   * `maxWindows` of them (when `now` lies far beyond the last event, windows are
   * grouped in powers of two for this answer alone). The last window ends at `now`,
   * so a partial window is not under-reported. (A window whose only events fall
   * exactly at `now` on a window boundary has no length; its rate is taken over the
   * full window width.)
   *
   * @throws RangeError when `now` is before the latest recorded event
   */
  series(now: number): RateWindow[] {
    this.checkEnd(now);
    const elapsed = now - this.startTime;
    let group = 1;
    let width = this.width;
    let windows = Math.max(this.used, Math.ceil(elapsed / width));
    while (windows > this.maxWindows) {
      group *= 2;
      width *= 2;
      windows = Math.max(Math.ceil(this.used / group), Math.ceil(elapsed / width));
    }
    const out: RateWindow[] = [];
    for (let i = 0; i < windows; i++) {
      const startMs = this.startTime + i * width;
      const endMs = Math.min(startMs + width, now);
      let count = 0;
      for (let j = i * group; j < (i + 1) * group && j < this.used; j++) count += this.counts[j]!;
      // A window cut very short by `now` would give an absurd (even infinite) rate;
      // below a thousandth of the window width, rate it over the full width.
      const length = endMs - startMs > width * 1e-3 ? endMs - startMs : width;
      out.push({ startMs, endMs, count, perSec: (count * 1000) / length });
    }
    return out;
  }

  /** Forgets every event and starts the first window at `now`, at the initial width. */
  reset(now: number): void {
    if (!Number.isFinite(now)) {
      throw new RangeError(`WindowedRate start time must be finite, got ${now}`);
    }
    this.counts.fill(0);
    this.width = this.baseWidth;
    this.startTime = now;
    this.latest = now;
    this.used = 0;
    this.sum = 0;
  }

  /** Merges windows pairwise until `now` fits; returns its window index. */
  private coarsen(now: number): number {
    const counts = this.counts;
    let index = this.maxWindows;
    while (index >= this.maxWindows) {
      const half = Math.ceil(this.used / 2);
      for (let i = 0; i < half; i++) {
        counts[i] = counts[2 * i]! + (2 * i + 1 < this.maxWindows ? counts[2 * i + 1]! : 0);
      }
      counts.fill(0, half);
      this.used = half;
      // Doubling a width is exact in binary, so old boundaries stay boundaries.
      this.width *= 2;
      index = Math.floor((now - this.startTime) / this.width);
    }
    return index;
  }

  private checkEnd(now: number): void {
    if (!(now >= this.latest && now < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `WindowedRate end time ${now} ms is before the latest event at ${this.latest} ms`,
      );
    }
  }
}
