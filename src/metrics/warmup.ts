// The warm-up cut: a run starts empty and idle (no queues, cold caches, no lag), so
// statistics from its first part are biased. Following the usual deletion of the
// initial transient (Law & Kelton, "Simulation Modeling and Analysis", §9.5.1), we
// discard everything observed before the warm-up instant. dbsim counts a request by
// its completion time: completions at or after the instant are kept, whenever the
// request arrived. Time-weighted statistics restart at the instant from the
// signal's value there, so a queue already built up is carried in, not dropped.

/**
 * Anything that can restart its accounting at a simulated instant:
 * `TimeWeighted`, `WindowedRate`, and (ignoring the time) `Histogram`, `Counter`
 * and `CounterMap`.
 *
 * @remarks Since 0.1.0
 */
export interface Resettable {
  /** Forgets what was observed so far, starting afresh at `now`. */
  reset(now: number): void;
}

/**
 * Whether an observation at `now` counts, for a warm-up ending at `warmupMs`.
 *
 * @remarks Since 0.1.0
 */
export function isAfterWarmup(now: number, warmupMs: number): boolean {
  return now >= warmupMs;
}

/**
 * Holds the warm-up instant and the statistics to reset there. Register each
 * statistic with {@link WarmupGate.track}, schedule {@link WarmupGate.cut} at
 * `warmupMs` (for instance `sim.at(gate.warmupMs, () => gate.cut(sim.now))`), and
 * ask {@link WarmupGate.includes} for anything recorded by hand.
 *
 * @example
 * ```ts
 * const gate = new WarmupGate(10_000);
 * const latency = gate.track(new Histogram());
 * const queue = gate.track(new TimeWeighted());
 * // ... at t = 10 000 ms: gate.cut(10_000)
 * ```
 *
 * @remarks Since 0.1.0
 */
export class WarmupGate {
  /** The simulated instant (ms) at which the warm-up ends. */
  readonly warmupMs: number;
  private readonly tracked: Resettable[] = [];
  private cutAt = Number.NaN;

  /**
   * @param warmupMs - the instant the warm-up ends; 0 means no warm-up
   * @throws RangeError when `warmupMs` is negative or not finite
   */
  constructor(warmupMs: number) {
    if (!(warmupMs >= 0 && warmupMs < Number.POSITIVE_INFINITY)) {
      throw new RangeError(`Warm-up must be a finite number of ms >= 0, got ${warmupMs}`);
    }
    this.warmupMs = warmupMs;
  }

  /** Whether an observation at `now` is after the warm-up and so counts. */
  includes(now: number): boolean {
    return now >= this.warmupMs;
  }

  /** Whether {@link WarmupGate.cut} has run. */
  get isCut(): boolean {
    return !Number.isNaN(this.cutAt);
  }

  /**
   * Registers a statistic to be reset by {@link WarmupGate.cut}; returns it. Stats
   * are reset in the order they were registered.
   */
  track<T extends Resettable>(stat: T): T {
    this.tracked.push(stat);
    return stat;
  }

  /**
   * Resets every tracked statistic at `now`. Call it once, at the warm-up instant.
   *
   * @throws RangeError when `now` is before the warm-up instant, or the cut already
   * ran
   */
  cut(now: number): void {
    if (this.isCut) {
      throw new RangeError(`Warm-up cut at ${now} ms, but it already ran at ${this.cutAt} ms`);
    }
    if (!(now >= this.warmupMs && now < Number.POSITIVE_INFINITY)) {
      throw new RangeError(
        `Warm-up cut at ${now} ms is before the warm-up instant ${this.warmupMs} ms`,
      );
    }
    this.resetAll(now);
  }

  /**
   * For a run that ended inside its warm-up: resets every tracked statistic at
   * `now`, before the warm-up instant, so the figures cover nothing rather than
   * the warm-up.
   *
   * @throws RangeError when the cut already ran
   * @remarks Since 0.2.0
   */
  cutEarly(now: number): void {
    if (this.isCut) {
      throw new RangeError(`Warm-up cut at ${now} ms, but it already ran at ${this.cutAt} ms`);
    }
    this.resetAll(now);
  }

  private resetAll(now: number): void {
    this.cutAt = now;
    for (const stat of this.tracked) stat.reset(now);
  }
}
