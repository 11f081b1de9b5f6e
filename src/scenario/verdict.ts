// The report's verdict: does the plan carry its offered load, or are the figures
// those of a system falling behind? The recorder cuts the measured period into a
// fixed number of windows (bounded memory) and keeps, per window, the time-average
// work in flight (exact: it changes only at issues and finishes) and each replica's
// unapplied log (sampled ten times a window, since it changes inside the model).
// A least-squares line through the window means says whether they grew: one
// sample at the end cannot tell a trend from a burst. The rules and their
// thresholds are in docs/report.md.
import type { Simulation } from "../kernel/index.js";
import type { Service } from "../models/operation.js";
import { roundFigure, type Verdict, type VerdictReason } from "./report.js";

/**
 * Windows the measured period is cut into: at least 10 for a slope, few enough to stay small.
 *
 * @remarks Since 0.2.0
 */
export const VERDICT_WINDOWS = 20;
/** Replica backlog samples per window. */
const SAMPLES_PER_WINDOW = 10;
/**
 * Growth of a backlog over the window, as a share of the work finished in it,
 * past which it is "growing": offered load above capacity by more than 0.5 %.
 *
 * @remarks Since 0.2.0
 */
export const GROWTH_SHARE = 0.005;
/**
 * The least growth called a trend, in operations: a handful is a burst.
 *
 * @remarks Since 0.2.0
 */
export const GROWTH_FLOOR = 10;
/**
 * Share of finished operations that failed, past which the run is "failing".
 *
 * @remarks Since 0.2.0
 */
export const FAILED_SHARE = 0.01;
/**
 * Utilisation at or above which a node is "saturated".
 *
 * @remarks Since 0.2.0
 */
export const SATURATED_UTILIZATION = 0.9;

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

/** Window means of one signal, with its value at both ends of the measured period. */
interface Series {
  atStart: number;
  atEnd: number;
  readonly means: number[];
}

/**
 * Records work in flight and replica backlogs over the measured period in
 * {@link VERDICT_WINDOWS} windows. {@link counting} wraps the front of the request
 * path, {@link finished} is called for every operation, {@link start} at the
 * warm-up cut and {@link stop} after the run.
 *
 * @remarks Since 0.2.0
 */
export class VerdictRecorder {
  private readonly sim: Simulation;
  private readonly endMs: number;
  private readonly replication: ReplicationProbe | null;
  private inFlight = 0;
  private started = false;
  private windowMs = 0;
  private windowEnd = Number.POSITIVE_INFINITY;
  private lastChange = 0;
  private area = 0;
  private readonly work: Series = { atStart: 0, atEnd: 0, means: [] };
  private readonly backlogs: Series[];
  private readonly sampleSums: number[];
  private samples = 0;
  private timer: ReturnType<Simulation["at"]> | null = null;
  private writtenAtStart = 0;
  private writtenAtEnd = 0;

  constructor(sim: Simulation, endMs: number, replication: ReplicationProbe | null) {
    this.sim = sim;
    this.endMs = endMs;
    this.replication = replication;
    const replicas = replication?.replicaCount ?? 0;
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
    this.windowMs = (this.endMs - now) / VERDICT_WINDOWS;
    this.windowEnd = this.windowMs > 0 ? now + this.windowMs : Number.POSITIVE_INFINITY;
    this.lastChange = now;
    this.work.atStart = this.inFlight;
    this.writtenAtStart = this.replication?.lsn ?? 0;
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
    if (now >= this.endMs && this.windowMs > 0 && this.work.means.length < VERDICT_WINDOWS) {
      this.closeWindow(now);
    }
    this.work.atEnd = this.inFlight;
    this.writtenAtEnd = this.replication?.lsn ?? 0;
    this.backlogs.forEach((b, i) => {
      b.atEnd = this.backlog(i);
    });
  }

  /** Work in flight now. */
  get inFlightNow(): number {
    return this.inFlight;
  }

  /** The verdict, from what was recorded and the run's other figures. */
  verdict(run: VerdictRun): Verdict {
    return judge(run, {
      windowMs: this.windowMs,
      work: this.work,
      replicas: this.backlogs.map((b, i) => ({
        name: run.replicaNames[i] ?? `replica-${i + 1}`,
        ...b,
      })),
      written: this.writtenAtEnd - this.writtenAtStart,
    });
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
    while (now >= this.windowEnd && this.work.means.length < VERDICT_WINDOWS) {
      this.closeWindow(this.windowEnd);
    }
  }

  private closeWindow(at: number): void {
    this.area += this.inFlight * (at - this.lastChange);
    this.lastChange = at;
    this.work.means.push(this.area / this.windowMs);
    this.area = 0;
    this.windowEnd =
      this.work.means.length < VERDICT_WINDOWS ? at + this.windowMs : Number.POSITIVE_INFINITY;
  }

  private backlog(i: number): number {
    const replication = this.replication;
    return replication === null ? 0 : replication.lsn - replication.appliedLsn(i);
  }

  /** Samples at the middle of each tenth of a window, so every sample runs before the end. */
  private scheduleSample(j: number): void {
    const step = this.windowMs / SAMPLES_PER_WINDOW;
    const start = this.endMs - VERDICT_WINDOWS * this.windowMs;
    this.timer = this.sim.at(start + (j + 0.5) * step, () => {
      this.backlogs.forEach((_, i) => {
        this.sampleSums[i] = (this.sampleSums[i] as number) + this.backlog(i);
      });
      if (++this.samples === SAMPLES_PER_WINDOW) {
        this.backlogs.forEach((b, i) => {
          b.means.push((this.sampleSums[i] as number) / SAMPLES_PER_WINDOW);
          this.sampleSums[i] = 0;
        });
        this.samples = 0;
      }
      if (j + 1 < VERDICT_WINDOWS * SAMPLES_PER_WINDOW) this.scheduleSample(j + 1);
      else this.timer = null;
    });
  }
}

/**
 * The run's figures the verdict needs besides the recorder's.
 *
 * @remarks Since 0.2.0
 */
export interface VerdictRun {
  /** Why the run stopped: "end", or anything else (an event limit, …) cuts it short. */
  readonly stoppedBy: string;
  readonly simulatedMs: number;
  readonly measuredMs: number;
  readonly offered: number;
  readonly completed: number;
  readonly failedByKind: Readonly<Record<string, number>>;
  readonly nodes: readonly { readonly name: string; readonly utilization: number }[];
  readonly replicaNames: readonly string[];
}

interface Recorded {
  readonly windowMs: number;
  readonly work: Series;
  readonly replicas: readonly (Series & { readonly name: string })[];
  readonly written: number;
}

const SEVERITY: Record<Verdict["status"], number> = {
  ok: 0,
  saturated: 1,
  failing: 2,
  overloaded: 3,
  "cut-short": 4,
};

const STATUS_OF: Record<VerdictReason["code"], Verdict["status"]> = {
  "node-saturated": "saturated",
  "requests-failed": "failing",
  "backlog-growing": "overloaded",
  "replica-falling-behind": "overloaded",
  "cut-short": "cut-short",
};

/**
 * Growth of `y` over its whole span by least squares: the fitted slope per
 * window times the number of windows. 0 for fewer than 10 windows, which is too
 * few to call a trend.
 *
 * @remarks Since 0.2.0
 */
export function fittedGrowth(y: readonly number[]): number {
  const n = y.length;
  if (n < 10) return 0;
  const xMean = (n - 1) / 2;
  let yMean = 0;
  for (const v of y) yMean += v;
  yMean /= n;
  let sxy = 0;
  let sxx = 0;
  y.forEach((v, x) => {
    sxy += (x - xMean) * (v - yMean);
    sxx += (x - xMean) * (x - xMean);
  });
  return (sxy / sxx) * n;
}

function judge(run: VerdictRun, rec: Recorded): Verdict {
  const failed = Object.values(run.failedByKind).reduce((a, b) => a + b, 0);
  const finished = run.completed + failed;
  const reasons: VerdictReason[] = [];
  if (run.stoppedBy !== "end") reasons.push(cutShort(run));
  const growth = fittedGrowth(rec.work.means);
  if (growth > Math.max(GROWTH_SHARE * finished, GROWTH_FLOOR)) {
    reasons.push(backlogGrowing(growth, finished, rec));
  }
  const replicas = rec.replicas.map((r) => ({ ...r, growth: fittedGrowth(r.means) }));
  for (const r of replicas) {
    if (r.growth > Math.max(GROWTH_SHARE * rec.written, GROWTH_FLOOR)) {
      reasons.push(replicaBehind(r, rec.written));
    }
  }
  if (failed > 0 && failed > FAILED_SHARE * finished) {
    reasons.push(requestsFailed(failed, finished, run.failedByKind));
  }
  for (const node of run.nodes) {
    if (node.utilization >= SATURATED_UTILIZATION) reasons.push(saturated(node));
  }
  let status: Verdict["status"] = "ok";
  for (const r of reasons) {
    const s = STATUS_OF[r.code];
    if (SEVERITY[s] > SEVERITY[status]) status = s;
  }
  const perSec = (n: number): number =>
    roundFigure(run.measuredMs > 0 ? (n * 1000) / run.measuredMs : 0);
  return {
    status,
    reasons,
    offeredPerSec: perSec(run.offered),
    completedPerSec: perSec(run.completed),
    failedPerSec: perSec(failed),
    inFlightAtStart: rec.work.atStart,
    inFlightAtEnd: rec.work.atEnd,
    inFlightGrowth: roundFigure(growth),
    windowMs: roundFigure(rec.windowMs),
    inFlightByWindow: rec.work.means.map(roundFigure),
    replicas: replicas.map((r) => ({
      name: r.name,
      backlogAtStart: r.atStart,
      backlogAtEnd: r.atEnd,
      backlogGrowth: roundFigure(r.growth),
      backlogByWindow: r.means.map(roundFigure),
    })),
  };
}

const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

/** An integer with thousands separators, without Intl (reports are byte-identical everywhere). */
function whole(x: number): string {
  const digits = String(Math.abs(Math.round(x)));
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return x < -0.5 ? `-${grouped}` : grouped;
}

function cutShort(run: VerdictRun): VerdictReason {
  return {
    code: "cut-short",
    subject: "",
    message:
      `the run ${run.stoppedBy === "eventLimit" ? "hit its event limit" : `stopped early (${run.stoppedBy})`} ` +
      `at ${whole(run.simulatedMs)} ms of simulated time: the figures cover only what ran`,
    figures: { simulatedMs: roundFigure(run.simulatedMs), measuredMs: roundFigure(run.measuredMs) },
  };
}

function backlogGrowing(growth: number, finished: number, rec: Recorded): VerdictReason {
  return {
    code: "backlog-growing",
    subject: "",
    message:
      `work in flight grew by ${whole(growth)} operations over the window (a line fitted ` +
      `through ${rec.work.means.length} window means), ${pct(growth / Math.max(1, finished))} of ` +
      `the ${whole(finished)} that finished, and ${whole(rec.work.atEnd)} were in flight at the ` +
      "end: the plan does not keep up with the offered load, and latency grows with the run's length",
    figures: {
      growth: roundFigure(growth),
      finished,
      inFlightAtStart: rec.work.atStart,
      inFlightAtEnd: rec.work.atEnd,
    },
  };
}

function replicaBehind(
  r: Series & { readonly name: string; readonly growth: number },
  written: number,
): VerdictReason {
  return {
    code: "replica-falling-behind",
    subject: r.name,
    message:
      `${r.name}'s unapplied log grew by ${whole(r.growth)} records over the window, ` +
      `${pct(r.growth / Math.max(1, written))} of the ${whole(written)} written, ` +
      `${whole(r.atEnd)} unapplied at the end: it does not keep up and its lag grows without bound`,
    figures: {
      growth: roundFigure(r.growth),
      written,
      backlogAtStart: r.atStart,
      backlogAtEnd: r.atEnd,
    },
  };
}

function requestsFailed(
  failed: number,
  finished: number,
  byKind: Readonly<Record<string, number>>,
): VerdictReason {
  const kinds = Object.entries(byKind).filter(([, n]) => n > 0);
  return {
    code: "requests-failed",
    subject: "",
    message:
      `${whole(failed)} of ${whole(finished)} operations failed (${pct(failed / finished)}): ` +
      kinds.map(([kind, n]) => `${kind} ${whole(n)}`).join(", "),
    figures: { failed, finished, ...Object.fromEntries(kinds) },
  };
}

function saturated(node: { readonly name: string; readonly utilization: number }): VerdictReason {
  return {
    code: "node-saturated",
    subject: node.name,
    message:
      `${node.name} was busy ${pct(node.utilization)} of the time (at least ` +
      `${pct(SATURATED_UTILIZATION)}): close to capacity, so a little more load costs a lot of latency`,
    figures: { utilization: node.utilization },
  };
}
