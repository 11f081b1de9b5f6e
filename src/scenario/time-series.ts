// Time series in the report (off unless asked for): the measured period cut
// into fixed windows, each with its throughput, errors and latency, and the
// components' figures read through the seam (ComponentStats.probes: CPU per
// node, requests waiting for a connection) plus each replica's lag from its
// sampled series, and the work in flight of the verdict's windows when they are
// these (verdict.ts). Memory is bounded by the number of windows (at most
// MAX_WINDOWS) and one histogram reused from window to window. Reading a window
// is an event of its own, so a run with time series counts more `events`; it
// draws no random number and changes no other figure.
import * as z from "zod";
import type { Simulation } from "../kernel/index.js";
import { Histogram, type Resettable } from "../metrics/index.js";
import type { Operation } from "../models/operation.js";
import type { ComponentStats, Probe } from "./components/component.js";
import { roundFigure } from "./fields.js";
import type { LagSeries } from "./lag.js";
import type { Scenario } from "./schema.js";

/**
 * At most this many windows: the window must be at least the measured period ÷ this.
 *
 * @remarks Since 0.2.0
 */
export const MAX_WINDOWS = 10_000;

const num = () => z.number();

/**
 * One window of the time series.
 *
 * @remarks Since 0.2.0
 */
export const TimeSeriesWindowSchema = z.strictObject({
  startMs: num().describe("Start of the window (ms from the start of the run)"),
  endMs: num().describe("End of the window; the last one ends with the run"),
  offeredPerSec: num(),
  completedPerSec: num(),
  errors: z.number().int().nonnegative().describe("Operations that ended in an error"),
  latency: z.strictObject({ mean: num(), p50: num(), p99: num(), max: num() }),
  probes: z
    .record(z.string(), num())
    .describe(
      "The components' figures: cpu.<node> (mean busy share of cores), waiting.* (requests waiting for a connection: time average, or at the window's end), misses.cache and loads.cache (per second)",
    ),
  inFlight: num()
    .optional()
    .describe(
      "Time-average operations issued and not yet finished: the series the verdict judges (absent when the verdict kept its own windows, with fewer than 10 of these)",
    ),
  replicaLagMs: z
    .record(z.string(), z.strictObject({ mean: num(), max: num() }))
    .describe("Per replica: oldest unapplied age over the window's lag samples"),
});

/**
 * The report's time series.
 *
 * @remarks Since 0.2.0
 */
export const TimeSeriesReportSchema = z.strictObject({
  windowMs: num(),
  windows: z.array(TimeSeriesWindowSchema),
});

/**
 * The report's time series (see {@link TimeSeriesReportSchema}).
 *
 * @remarks Since 0.2.0
 */
export type TimeSeriesReport = z.output<typeof TimeSeriesReportSchema>;

type Window = z.output<typeof TimeSeriesWindowSchema>;

/** @internal Records the windows of one run, from the warm-up cut to the end. */
export class TimeSeriesRecorder implements Resettable {
  private readonly latency = new Histogram();
  private readonly windows: Window[] = [];
  private errors = 0;
  private startMs = 0;
  private issuedAtStart = 0;
  private readAtStart: number[] = [];

  /** A recorder for a run of `scenario`, reading the components' probes; checks the window first. */
  static of(
    sim: Simulation,
    scenario: Scenario,
    windowMs: number,
    stats: Iterable<ComponentStats>,
    issued: () => number,
  ): TimeSeriesRecorder {
    checkWindow(windowMs, scenario.duration);
    const probes = [...stats].flatMap((s) => s.probes?.() ?? []);
    return new TimeSeriesRecorder(
      sim,
      windowMs,
      scenario.warmup + scenario.duration,
      probes,
      issued,
    );
  }

  constructor(
    private readonly sim: Simulation,
    private readonly windowMs: number,
    private readonly endMs: number,
    private readonly probes: readonly Probe[],
    private readonly issued: () => number,
  ) {}

  /** The warm-up cut: the first window starts now. */
  reset(): void {
    this.windows.length = 0;
    this.open(this.sim.now);
  }

  /** Counts a finished operation in the current window. */
  complete(op: Operation): void {
    if (op.error !== null) this.errors++;
    else this.latency.record(op.completedAt - op.issuedAt);
  }

  /**
   * Closes the last, possibly short, window and returns the series, with
   * each window's work in flight when the verdict read these windows.
   */
  finish(lag: readonly LagSeries[], inFlight?: readonly number[]): TimeSeriesReport {
    if (this.sim.now > this.startMs || this.windows.length === 0) this.close(this.sim.now);
    this.windows.forEach((w, k) => {
      const v = inFlight?.[k];
      if (v !== undefined) w.inFlight = roundFigure(v);
    });
    for (const w of this.windows) {
      for (const series of lag) {
        let sum = 0;
        let max = 0;
        let n = 0;
        for (const p of series.points) {
          if (p.tMs < w.startMs || p.tMs >= w.endMs) continue;
          sum += p.oldestUnappliedAgeMs;
          max = Math.max(max, p.oldestUnappliedAgeMs);
          n++;
        }
        w.replicaLagMs[series.replica] = {
          mean: roundFigure(n > 0 ? sum / n : 0),
          max: roundFigure(max),
        };
      }
    }
    return { windowMs: this.windowMs, windows: this.windows };
  }

  private open(now: number): void {
    this.startMs = now;
    this.issuedAtStart = this.issued();
    this.readAtStart = this.probes.map((p) => p.read(now));
    this.errors = 0;
    this.latency.reset();
    const next = now + this.windowMs;
    // After the run's other events at that instant (priority 1), so the window holds them.
    if (next < this.endMs) this.sim.at(next, () => this.boundary(), 1);
  }

  private boundary(): void {
    this.close(this.sim.now);
    this.open(this.sim.now);
  }

  private close(now: number): void {
    const span = now - this.startMs;
    const perSec = (n: number): number => (span > 0 ? roundFigure((n * 1000) / span) : 0);
    const probes: Record<string, number> = {};
    this.probes.forEach((p, i) => {
      const v = p.read(now);
      const before = this.readAtStart[i] as number;
      probes[p.name] = roundFigure(
        p.kind === "gauge"
          ? v
          : p.kind === "count"
            ? perSec(v - before)
            : span > 0
              ? (v - before) / span
              : 0,
      );
    });
    const h = this.latency;
    this.windows.push({
      startMs: roundFigure(this.startMs),
      endMs: roundFigure(now),
      offeredPerSec: perSec(this.issued() - this.issuedAtStart),
      completedPerSec: perSec(h.count),
      errors: this.errors,
      latency: {
        mean: roundFigure(h.mean),
        p50: roundFigure(h.percentile(50)),
        p99: roundFigure(h.percentile(99)),
        max: roundFigure(h.max),
      },
      probes,
      replicaLagMs: {},
    });
  }
}

/**
 * Checks a time-series window against the measured period.
 *
 * @internal
 */
export function checkWindow(windowMs: number, durationMs: number): void {
  if (!(Number.isFinite(windowMs) && windowMs > 0)) {
    throw new RangeError(`timeSeries.windowMs: expected a number of ms > 0; got ${windowMs}`);
  }
  if (durationMs / windowMs > MAX_WINDOWS) {
    throw new RangeError(
      `timeSeries.windowMs: ${windowMs} ms cuts the ${durationMs} ms measured into more than ${MAX_WINDOWS} windows; expected at least ${durationMs / MAX_WINDOWS} ms`,
    );
  }
}
