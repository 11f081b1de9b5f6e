// The verdict's rules (docs/report.md): which findings make a run saturated,
// failing, overloaded or cut short, with the thresholds and the least-squares
// growth (window-trend.ts) they rest on, and the sentences that explain each finding.
import { roundFigure, type Verdict, type VerdictReason } from "./report.js";
import { type WindowPeak, type WindowTrend, windowPeak, windowTrend } from "./window-trend.js";

/**
 * Windows the measured period is cut into: at least 10 for a slope, few enough to stay small.
 *
 * @remarks Since 0.2.0
 */
export const VERDICT_WINDOWS = 20;
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
 * Window means of one signal, with its value at both ends of the measured period.
 *
 * @remarks Since 0.2.0
 */
export interface WindowSeries {
  /** The value when the measured period began. */
  atStart: number;
  /** The value when the run ended. */
  atEnd: number;
  /** The mean of each closed window, in time order. */
  readonly means: number[];
}

/**
 * The run's figures the verdict needs besides the recorder's.
 *
 * @remarks Since 0.2.0
 */
export interface VerdictRun {
  /** Why the run stopped: "end", or anything else (an event limit, …) cuts it short. */
  readonly stoppedBy: string;
  /** Simulated time when the run stopped (ms). */
  readonly simulatedMs: number;
  /** Length of the measured window (ms). */
  readonly measuredMs: number;
  /** Operations issued in the window. */
  readonly offered: number;
  /** Operations completed without error in the window. */
  readonly completed: number;
  /** Operations that failed in the window, by error kind. */
  readonly failedByKind: Readonly<Record<string, number>>;
  /** Every node's utilisation. */
  readonly nodes: readonly { readonly name: string; readonly utilization: number }[];
  /** The replicas' names, in the replication model's order. */
  readonly replicaNames: readonly string[];
}

/**
 * What the recorder hands the rules.
 *
 * @remarks Since 0.2.0
 */
export interface RecordedWindows {
  /** Length of each window (ms); the last may be shorter (see {@link RecordedWindows.spansMs}). */
  readonly windowMs: number;
  /** When the first window began (ms of simulated time). */
  readonly startMs?: number;
  /** Each window's length (ms), when they are not all {@link RecordedWindows.windowMs}. */
  readonly spansMs?: readonly number[] | undefined;
  /** Work in flight. */
  readonly work: WindowSeries;
  /**
   * Each replica's unapplied log records, and the log records its own primary
   * wrote in the window (a sharded plan's shards each have a primary).
   */
  readonly replicas: readonly (WindowSeries & {
    readonly name: string;
    readonly written: number;
  })[];
  /** Log records every primary wrote in the window. */
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
  "backlog-burst": "overloaded",
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
  return windowTrend(y).growth;
}

/** A trend past the threshold whose 95 % interval lies above 0: not noise around a flat line. */
function grows(trend: WindowTrend, threshold: number): boolean {
  return trend.growth > threshold && trend.growth - trend.halfWidth > 0;
}

/**
 * The verdict: every rule of docs/report.md applied to the run and its windows.
 *
 * @remarks Since 0.2.0
 */
export function judgeVerdict(run: VerdictRun, rec: RecordedWindows): Verdict {
  const failed = Object.values(run.failedByKind).reduce((a, b) => a + b, 0);
  const finished = run.completed + failed;
  const reasons: VerdictReason[] = [];
  if (run.stoppedBy !== "end") reasons.push(cutShort(run));
  const threshold = Math.max(GROWTH_SHARE * finished, GROWTH_FLOOR);
  const trend = windowTrend(rec.work.means, rec.spansMs);
  const growth = trend.growth;
  const peak = windowPeak(rec.work.means);
  if (grows(trend, threshold)) {
    reasons.push(backlogGrowing(trend, finished, rec));
  } else if (peak !== null && peak.peak - peak.usual > threshold) {
    reasons.push(backlogBurst(peak, finished, rec));
  }
  const replicas = rec.replicas.map((r) => {
    const t = windowTrend(r.means, rec.spansMs?.slice(0, r.means.length));
    return { ...r, growth: t.growth, trend: t };
  });
  for (const r of replicas) {
    if (grows(r.trend, Math.max(GROWTH_SHARE * r.written, GROWTH_FLOOR))) {
      reasons.push(replicaBehind(r, r.written));
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

function backlogGrowing(trend: WindowTrend, finished: number, rec: RecordedWindows): VerdictReason {
  const growth = trend.growth;
  return {
    code: "backlog-growing",
    subject: "",
    message:
      `work in flight grew by ${whole(growth)} ± ${whole(trend.halfWidth)} operations over the window ` +
      `(a line fitted through ${rec.work.means.length} window means, with the 95 % interval of its ` +
      `slope), ${pct(growth / Math.max(1, finished))} of ` +
      `the ${whole(finished)} that finished, and ${whole(rec.work.atEnd)} were in flight at the ` +
      "end: the plan does not keep up with the offered load, and latency grows with the run's length",
    figures: {
      growth: roundFigure(growth),
      growthHalfWidth: roundFigure(trend.halfWidth),
      finished,
      inFlightAtStart: rec.work.atStart,
      inFlightAtEnd: rec.work.atEnd,
    },
  };
}

function backlogBurst(peak: WindowPeak, finished: number, rec: RecordedWindows): VerdictReason {
  const rise = peak.peak - peak.usual;
  const fromMs = (rec.startMs ?? 0) + peak.index * rec.windowMs;
  return {
    code: "backlog-burst",
    subject: "",
    message:
      `work in flight rose to ${whole(peak.peak)} operations in the window from ${whole(fromMs)} ms, ` +
      `${whole(rise)} above its usual ${whole(peak.usual)} (the lower quartile of ` +
      `${rec.work.means.length} window means), ${pct(rise / Math.max(1, finished))} of the ` +
      `${whole(finished)} that finished, and ${whole(rec.work.atEnd)} were in flight at the end: ` +
      "the plan fell behind the offered load for a while, and those requests waited",
    figures: {
      peak: roundFigure(peak.peak),
      peakWindowStartMs: roundFigure(fromMs),
      usual: roundFigure(peak.usual),
      rise: roundFigure(rise),
      finished,
      inFlightAtEnd: rec.work.atEnd,
    },
  };
}

function replicaBehind(
  r: WindowSeries & { readonly name: string; readonly growth: number },
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
