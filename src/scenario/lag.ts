// Replica lag for the report and the time series. Replay lag is exact: the
// replication model records every record's commit-to-visible delay as it is
// applied. The oldest unapplied age, the byte lag and Seconds_Behind_Source
// are sampled every `lagSampleInterval`; the age's maximum is made exact from
// the apply events (the age peaks just before each apply, when the record
// applied was the oldest one pending) and the age at the end of the window,
// and the byte lag's from the commits (where it peaks).

import type * as z from "zod";
import type { Simulation } from "../kernel/index.js";
import { Histogram } from "../metrics/index.js";
import type { Replication } from "../models/replication/replication.js";
import type { ReplicationReportSchema } from "./components/replication.js";
import { roundFigure } from "./fields.js";
import { LagColumns } from "./lag-points.js";

/**
 * One replica's lag at an instant, in the time series.
 *
 * @remarks Since 0.1.0
 */
export interface LagPoint {
  /** Simulated time (ms). */
  readonly tMs: number;
  /**
   * Age of the oldest committed write the replica has not made visible (ms; 0 when caught up).
   *
   * @remarks Since 0.2.0
   */
  readonly oldestUnappliedAgeMs: number;
  /**
   * The same figure as {@link LagPoint.oldestUnappliedAgeMs}.
   *
   * @deprecated Since 0.2.0: read `oldestUnappliedAgeMs`; removed in 0.3.0.
   */
  readonly lagMs: number;
  /** Log bytes not yet applied. */
  readonly lagBytes: number;
  /**
   * What MySQL's Seconds_Behind_Source would show (whole seconds), or `null` for
   * MySQL's NULL: the applier has applied all it received while the receiver is
   * cut off from the source (an outage).
   */
  readonly secondsBehindSource: number | null;
}

/**
 * A replica's lag over the run, sampled every `replication.lagSampleInterval`
 * (thinned to at most 10 000 points: past that, every other point is dropped
 * and the spacing doubles).
 *
 * @remarks Since 0.1.0
 */
export interface LagSeries {
  /** The replica's name. */
  readonly replica: string;
  /** The samples, in time order, warm-up included. */
  readonly points: readonly LagPoint[];
}

type ReplicaLagReport = z.output<typeof ReplicationReportSchema>["replicas"][number];

const MAX_SERIES_POINTS = 10_000;

/** One replica's sampled figures over the measured window. */
class ReplicaSamples {
  readonly age = new Histogram();
  readonly bytes = new Histogram();
  /** Seconds_Behind_Source samples that were a number. */
  readonly sbs = new Histogram();
  samples = 0;
  nullSamples = 0;
  readonly points = new LagColumns();

  reset(): void {
    this.age.reset();
    this.bytes.reset();
    this.sbs.reset();
    this.samples = 0;
    this.nullSamples = 0;
  }
}

/**
 * Samples every replica's lag at the scenario's interval, for the report and the series.
 *
 * @remarks Since 0.2.0
 */
export class LagRecorder {
  private readonly sim: Simulation;
  private readonly replication: Replication;
  private readonly intervalMs: number;
  private readonly names: string[];
  private readonly replicas: ReplicaSamples[];
  private stride = 1;
  private tick = 0;
  private timer: ReturnType<Simulation["schedule"]> | null = null;
  private measuring = false;

  /**
   * @param sim - the simulation
   * @param replication - the log whose replicas are sampled
   * @param names - the replicas' names, in the replication's order
   * @param intervalMs - the sampling interval (ms)
   */
  constructor(
    sim: Simulation,
    replication: Replication,
    names: readonly string[],
    intervalMs: number,
  ) {
    this.sim = sim;
    this.replication = replication;
    this.names = [...names];
    this.intervalMs = intervalMs;
    this.replicas = names.map(() => new ReplicaSamples());
  }

  /**
   * A replica the log added during the run (the old primary rejoined as a
   * replica), at the log's next index: sampled from now on.
   *
   * @remarks Since 0.2.0
   */
  addReplica(name: string): void {
    this.names.push(name);
    this.replicas.push(new ReplicaSamples());
  }

  /** Starts sampling now; `onSample` runs after each sample. */
  start(onSample: () => void): void {
    const sample = (): void => {
      this.sample();
      onSample();
      this.timer = this.sim.schedule(this.intervalMs, sample);
    };
    this.timer = this.sim.schedule(0, sample);
  }

  /** The warm-up cut: the report's figures restart (the series keeps its points). */
  reset(): void {
    this.measuring = true;
    for (const r of this.replicas) r.reset();
  }

  /** Stops sampling (end of run). */
  stop(): void {
    if (this.timer !== null) this.sim.cancel(this.timer);
    this.timer = null;
  }

  private sample(): void {
    const keep = this.tick % this.stride === 0;
    this.tick++;
    const rep = this.replication;
    const now = this.sim.now;
    // By replica, without a sample object: this runs for every replica of every shard.
    for (let i = 0; i < this.replicas.length; i++) {
      const r = this.replicas[i] as ReplicaSamples;
      const age = rep.lagMs(i);
      const bytes = rep.lagBytesNow(i);
      const sbs = rep.secondsBehindSourceNow(i);
      if (this.measuring) {
        r.age.record(age);
        r.bytes.record(bytes);
        r.samples++;
        if (sbs === null) r.nullSamples++;
        else r.sbs.record(sbs);
      }
      if (keep) r.points.push(now, age, bytes, sbs);
    }
    if ((this.replicas[0]?.points.length ?? 0) >= MAX_SERIES_POINTS) {
      for (const r of this.replicas) r.points.keepEven();
      this.stride *= 2;
    }
  }

  /** Every replica's figures over the measured window. */
  report(): ReplicaLagReport[] {
    return this.names.map((name, i) => {
      const r = this.replicas[i] as ReplicaSamples;
      const replay = this.replication.replayLagMs(i);
      const sampled = spread(r.age);
      const ageMax = Math.max(
        r.age.count > 0 ? r.age.max : 0,
        replay.count > 0 ? replay.max : 0,
        this.replication.lagMs(i),
      );
      const age = { ...sampled, max: roundFigure(ageMax) };
      return {
        name,
        appliedLsn: this.replication.appliedLsn(i),
        replayLagMs: spread(replay),
        oldestUnappliedAgeMs: age,
        lagMs: age,
        lagBytes: {
          ...spread(r.bytes),
          max: roundFigure(
            Math.max(r.bytes.count > 0 ? r.bytes.max : 0, this.replication.lagBytesMax(i)),
          ),
        },
        secondsBehindSource: { ...spread(r.sbs), samples: r.samples, nullSamples: r.nullSamples },
      };
    });
  }

  /** The time series of every replica. */
  series(): LagSeries[] {
    return this.names.map((replica, i) => ({
      replica,
      points: (this.replicas[i] as ReplicaSamples).points.points(),
    }));
  }
}

function spread(h: Histogram): { mean: number; p99: number; max: number } {
  return {
    mean: roundFigure(h.mean),
    p99: roundFigure(h.count > 0 ? h.percentile(99) : 0),
    max: roundFigure(h.count > 0 ? h.max : 0),
  };
}
