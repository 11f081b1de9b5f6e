// Exact time averages of a log consumer's backlog and lag. The backlog is a step
// function (it changes at commits and applies); the lag — the age of the oldest
// unapplied commit c — rises with slope 1 between changes, so over [t0, t1] its
// integral is ((t1 − c)² − (t0 − c)²) / 2. Maxima: the backlog peaks at a
// commit, the lag just before an apply (and at the window's end).

/** @internal Backlog and lag integrated between changes. */
export class LagIntegral {
  private from = 0;
  private last = 0;
  private backlogArea = 0;
  private lagArea = 0;
  private backlogMax = 0;
  private lagMax = 0;

  /** Integrates over [last, now]: `backlog` events held throughout, the oldest committed at `oldestMs`. */
  advance(now: number, backlog: number, oldestMs: number | undefined): void {
    const span = now - this.last;
    if (span > 0) {
      this.backlogArea += backlog * span;
      if (oldestMs !== undefined) {
        const a = this.last - oldestMs;
        const b = now - oldestMs;
        this.lagArea += (b * b - a * a) / 2;
      }
    }
    this.last = now;
  }

  /** A backlog seen now (after a commit). */
  sawBacklog(backlog: number): void {
    if (backlog > this.backlogMax) this.backlogMax = backlog;
  }

  /** A lag seen now (before an apply). */
  sawLag(lagMs: number): void {
    if (lagMs > this.lagMax) this.lagMax = lagMs;
  }

  /** Restarts the window at `now`, from the current backlog and lag. */
  reset(now: number, backlog: number, lagMs: number): void {
    this.from = now;
    this.last = now;
    this.backlogArea = 0;
    this.lagArea = 0;
    this.backlogMax = backlog;
    this.lagMax = lagMs;
  }

  /** End, time-mean and max over the window to `now` (integrated up to `now` first). */
  figures(
    now: number,
    backlog: number,
    lagMs: number,
  ): {
    backlogEvents: { end: number; mean: number; max: number };
    lagMs: { end: number; mean: number; max: number };
  } {
    const span = now - this.from;
    return {
      backlogEvents: {
        end: backlog,
        mean: span > 0 ? this.backlogArea / span : backlog,
        max: Math.max(this.backlogMax, backlog),
      },
      lagMs: {
        end: lagMs,
        mean: span > 0 ? this.lagArea / span : lagMs,
        max: Math.max(this.lagMax, lagMs),
      },
    };
  }
}
