// The time average of a piecewise-constant signal: queue length, busy servers, open
// connections. This is the time-persistent statistic of Law & Kelton, "Simulation
// Modeling and Analysis" (ch. 1, the average number in queue q̂(n) = ∫ Q(t) dt / T):
// the integral is accumulated exactly at each change, so the cost per change is one
// multiply-add and memory is constant however long the run.

/**
 * A time-weighted statistic of a step signal. Call {@link TimeWeighted.set} or
 * {@link TimeWeighted.add} at each change, with the simulated time of the change.
 *
 * @remarks Since 0.1.0
 */
export class TimeWeighted {
  // Initialised here, not only in the constructor: a field declared bare starts as
  // undefined (ES2022 class fields), so V8 keeps it as a tagged field and every store
  // of a time boxes a new number; from a number it keeps an unboxed double in place.
  private startTime = 0;
  private lastTime = 0;
  private current = 0;
  private integral = 0;
  private peak = 0;

  /**
   * @param startMs - the time the window starts (default 0)
   * @param initial - the signal's value at `startMs` (default 0)
   * @throws RangeError when either is NaN or infinite
   */
  constructor(startMs = 0, initial = 0) {
    if (!Number.isFinite(startMs)) {
      throw new RangeError(`TimeWeighted start time must be finite, got ${startMs}`);
    }
    checkValue(initial);
    this.startTime = startMs;
    this.lastTime = startMs;
    this.current = initial;
    this.peak = initial;
  }

  /**
   * The signal takes `value` from time `now` on.
   *
   * @throws RangeError when `now` is before the last change or `value` is not finite
   */
  set(now: number, value: number): void {
    if (!(now >= this.lastTime && now < Number.POSITIVE_INFINITY)) this.badTime(now);
    if (!Number.isFinite(value)) checkValue(value);
    this.integral += this.current * (now - this.lastTime);
    this.lastTime = now;
    this.current = value;
    if (value > this.peak) this.peak = value;
  }

  /**
   * The signal changes by `delta` at time `now` (e.g. +1 on arrival, -1 on departure).
   *
   * @throws RangeError as for {@link TimeWeighted.set}
   */
  add(now: number, delta: number): void {
    this.set(now, this.current + delta);
  }

  /** The current value of the signal. */
  get value(): number {
    return this.current;
  }

  /** The largest value the signal has taken since the window started. */
  get max(): number {
    return this.peak;
  }

  /** When the current window started. */
  get startMs(): number {
    return this.startTime;
  }

  /**
   * The time average from the window's start up to `now`: the integral of the signal
   * divided by the time elapsed. When no time has elapsed it is the current value.
   *
   * @throws RangeError when `now` is before the last change
   */
  mean(now: number): number {
    if (!(now >= this.lastTime && now < Number.POSITIVE_INFINITY)) this.badTime(now);
    const elapsed = now - this.startTime;
    if (elapsed === 0) return this.current;
    return (this.integral + this.current * (now - this.lastTime)) / elapsed;
  }

  /**
   * Starts a fresh window at `now`, keeping the current value (the signal does not
   * change; only the accounting restarts). Used for the warm-up cut.
   *
   * @throws RangeError when `now` is before the last change
   */
  reset(now: number): void {
    if (!(now >= this.lastTime && now < Number.POSITIVE_INFINITY)) this.badTime(now);
    this.startTime = now;
    this.lastTime = now;
    this.integral = 0;
    this.peak = this.current;
  }

  private badTime(now: number): never {
    throw new RangeError(
      `TimeWeighted clock went backwards or is not finite: time ${now} ms, last change at ${this.lastTime} ms`,
    );
  }
}

function checkValue(value: number): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`TimeWeighted value must be finite, got ${value}`);
  }
}
