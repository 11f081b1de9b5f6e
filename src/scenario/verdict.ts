// The report's verdict: does the plan carry its offered load, or are the figures
// those of a system falling behind? The recorder cuts the measured period into
// windows (bounded memory): the time series' windows when the run asks for one
// and they are at least MIN_TREND_WINDOWS, else VERDICT_WINDOWS equal ones. Per
// window it keeps the time-average work in flight (exact: it changes only at
// issues and finishes), which the time series then shows, and each replica's
// unapplied log (sampled, since it changes inside the model). A least-squares
// line through the window means says whether they grew, and the highest window
// whether a burst came and went: one sample at the end cannot tell a trend from
// a burst. The rules and their thresholds are in docs/report.md.
import type { Simulation } from "../kernel/index.js";
import type { Service } from "../models/operation.js";
import type { Verdict } from "./report.js";
import {
  judgeVerdict,
  VERDICT_WINDOWS,
  type VerdictRun,
  type WindowSeries,
} from "./verdict-rules.js";
import { MIN_TREND_WINDOWS } from "./window-trend.js";

/** Replica backlog samples per window, at most; fewer when there are many windows. */
const SAMPLES_PER_WINDOW = 10;
/** Replica backlog samples in all, past which each window gets fewer (at least one). */
const SAMPLES_IN_ALL = VERDICT_WINDOWS * SAMPLES_PER_WINDOW;

/**
 * What the verdict reads of the replication model: its own log positions, not
 * the report's lag fields.
 *
 * @remarks Since 0.2.0
 */
export interface ReplicationProbe {
  /** Number of replicas. */
  readonly replicaCount: number;
  /** The primary's latest log position. */
  readonly lsn: number;
  /** The log position replica `i` has applied. */
  appliedLsn(i: number): number;
}

/**
 * Records work in flight and replica backlogs over the measured period in
 * windows: the time series' (`windowMs`) when there are at least
 * {@link MIN_TREND_WINDOWS} of them, else {@link VERDICT_WINDOWS} equal ones.
 * {@link counting} wraps the front of the request path, {@link finished} is
 * called for every operation, {@link start} at the warm-up cut and {@link stop}
 * after the run.
 *
 * @remarks Since 0.2.0
 */
export class VerdictRecorder {
  private readonly sim: Simulation;
  private readonly endMs: number;
  /** The time series' window, when the run asks for one. */
  private readonly seriesWindowMs: number | undefined;
  private count = VERDICT_WINDOWS;
  /**
   * Where the sampled grid starts, and the length of its last window (short
   * when the series' window does not divide the period).
   */
  private gridStart = 0;
  private lastSpan = 0;
  private samplesPerWindow = SAMPLES_PER_WINDOW;
  /** Each cluster's replication (one per shard in a sharded plan; none without replicas). */
  private readonly clusters: readonly ReplicationProbe[];
  /** For each recorded replica: its cluster's index in {@link clusters} and its own index there. */
  private readonly replicaOf: readonly { readonly cluster: number; readonly index: number }[];
  private inFlight = 0;
  private started = false;
  private windowMs = 0;
  private windowEnd = Number.POSITIVE_INFINITY;
  private lastChange = 0;
  private area = 0;
  private readonly work: WindowSeries = { atStart: 0, atEnd: 0, means: [] };
  private readonly backlogs: WindowSeries[];
  private readonly sampleSums: number[];
  private samples = 0;
  private timer: ReturnType<Simulation["at"]> | null = null;
  private writtenAtStart: number[];
  private writtenAtEnd: number[];

  /**
   * `replication`: every cluster's replication in cluster order (a sharded
   * plan's shards each have their own log: a replica is judged against what
   * its own primary wrote). `windowMs`: the time series' window, if any.
   */
  constructor(
    sim: Simulation,
    endMs: number,
    replication: readonly ReplicationProbe[],
    windowMs?: number,
  ) {
    this.sim = sim;
    this.endMs = endMs;
    this.seriesWindowMs = windowMs;
    this.clusters = replication;
    this.replicaOf = replication.flatMap((r, cluster) =>
      Array.from({ length: r.replicaCount }, (_, index) => ({ cluster, index })),
    );
    this.writtenAtStart = replication.map(() => 0);
    this.writtenAtEnd = replication.map(() => 0);
    const replicas = this.replicaOf.length;
    this.backlogs = Array.from({ length: replicas }, () => ({ atStart: 0, atEnd: 0, means: [] }));
    this.sampleSums = new Array<number>(replicas).fill(0);
  }

  /** `front`, counting each operation submitted to it as issued. */
  counting(front: Service): Service {
    return {
      submit: (op, done) => {
        this.change(1);
        front.submit(op, done);
      },
    };
  }

  /** An operation finished, with or without an error. */
  finished(): void {
    this.change(-1);
  }

  /** The measured period begins now. */
  start(): void {
    const now = this.sim.now;
    this.started = true;
    this.grid(this.endMs - now);
    this.windowEnd = this.windowMs > 0 ? now + this.windowMs : Number.POSITIVE_INFINITY;
    this.lastChange = now;
    this.work.atStart = this.inFlight;
    this.writtenAtStart = this.clusters.map((r) => r.lsn);
    this.backlogs.forEach((b, i) => {
      b.atStart = this.backlog(i);
    });
    if (this.backlogs.length > 0 && this.windowMs > 0) this.scheduleSample(0);
  }

  /** The run is over: closes every window that ended by now. */
  stop(): void {
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
    if (!this.started) return;
    const now = this.sim.now;
    this.roll(now);
    // The last window ends exactly at the end of the run, where no event runs.
    if (now >= this.endMs && this.windowMs > 0 && this.work.means.length < this.count) {
      this.closeWindow(now);
    }
    this.work.atEnd = this.inFlight;
    this.writtenAtEnd = this.clusters.map((r) => r.lsn);
    this.backlogs.forEach((b, i) => {
      b.atEnd = this.backlog(i);
    });
  }

  /** The time-average work in flight of each of the time series' windows, when the verdict read those. */
  get seriesInFlight(): readonly number[] | undefined {
    return this.started && this.windowMs === this.seriesWindowMs ? this.work.means : undefined;
  }

  /** Work in flight now. */
  get inFlightNow(): number {
    return this.inFlight;
  }

  /** The verdict, from what was recorded and the run's other figures. */
  verdict(run: VerdictRun): Verdict {
    const written = (c: number): number =>
      (this.writtenAtEnd[c] as number) - (this.writtenAtStart[c] as number);
    const spans = this.work.means.map((_, k) =>
      k === this.count - 1 ? this.lastSpan : this.windowMs,
    );
    return judgeVerdict(run, {
      windowMs: this.windowMs,
      startMs: this.endMs - this.gridLength(),
      spansMs: this.lastSpan === this.windowMs ? undefined : spans,
      work: this.work,
      replicas: this.backlogs.map((b, i) => ({
        name: run.replicaNames[i] ?? `replica-${i + 1}`,
        ...b,
        written: written(this.replicaOf[i]?.cluster ?? 0),
      })),
      written: this.clusters.reduce((sum, _, c) => sum + written(c), 0),
    });
  }

  /** Cuts `measuredMs` into the series' windows if there are enough of them, else into equal ones. */
  private grid(measuredMs: number): void {
    const wanted = this.seriesWindowMs;
    // A window that divides the period up to rounding is not followed by a sliver.
    const count = wanted === undefined ? 0 : Math.ceil(measuredMs / wanted - 1e-9);
    if (wanted !== undefined && count >= MIN_TREND_WINDOWS) {
      this.count = count;
      this.windowMs = wanted;
      this.lastSpan = measuredMs - (count - 1) * wanted;
      this.gridStart = this.endMs - measuredMs;
    } else {
      this.count = VERDICT_WINDOWS;
      this.windowMs = measuredMs / VERDICT_WINDOWS;
      this.lastSpan = this.windowMs;
      this.gridStart = this.endMs - VERDICT_WINDOWS * this.windowMs;
    }
    this.samplesPerWindow = Math.max(
      1,
      Math.min(SAMPLES_PER_WINDOW, Math.floor(SAMPLES_IN_ALL / this.count)),
    );
  }

  private gridLength(): number {
    return (this.count - 1) * this.windowMs + this.lastSpan;
  }

  private change(delta: number): void {
    const now = this.sim.now;
    if (this.started) {
      if (now >= this.windowEnd) this.roll(now);
      this.area += this.inFlight * (now - this.lastChange);
      this.lastChange = now;
    }
    this.inFlight += delta;
  }

  /** Closes every window that ended at or before `now`. */
  private roll(now: number): void {
    while (now >= this.windowEnd && this.work.means.length < this.count) {
      this.closeWindow(this.windowEnd);
    }
  }

  private closeWindow(at: number): void {
    this.area += this.inFlight * (at - this.lastChange);
    this.lastChange = at;
    const last = this.work.means.length === this.count - 1;
    this.work.means.push(this.area / (last ? this.lastSpan : this.windowMs));
    this.area = 0;
    this.windowEnd =
      this.work.means.length < this.count ? at + this.windowMs : Number.POSITIVE_INFINITY;
  }

  private backlog(i: number): number {
    const at = this.replicaOf[i];
    const replication = at === undefined ? undefined : this.clusters[at.cluster];
    return at === undefined || replication === undefined
      ? 0
      : replication.lsn - replication.appliedLsn(at.index);
  }

  /** Samples at the middle of each equal part of a window, so every sample runs before the end. */
  private scheduleSample(j: number): void {
    const per = this.samplesPerWindow;
    const window = Math.floor(j / per);
    const at =
      window < this.count - 1 || this.lastSpan === this.windowMs
        ? this.gridStart + (j + 0.5) * (this.windowMs / per)
        : this.gridStart + window * this.windowMs + ((j % per) + 0.5) * (this.lastSpan / per);
    this.timer = this.sim.at(at, () => {
      this.backlogs.forEach((_, i) => {
        this.sampleSums[i] = (this.sampleSums[i] as number) + this.backlog(i);
      });
      if (++this.samples === per) {
        this.backlogs.forEach((b, i) => {
          b.means.push((this.sampleSums[i] as number) / per);
          this.sampleSums[i] = 0;
        });
        this.samples = 0;
      }
      if (j + 1 < this.count * per) this.scheduleSample(j + 1);
      else this.timer = null;
    });
  }
}
