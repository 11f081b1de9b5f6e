// The write path fitted in three stages, each parameter from the runs that
// identify it (throughput against clients alone confounds them: a flush, a lock
// held across a round trip and the client's own time all lengthen the cycle):
// 1. CPU per transaction D, client time C, σ, κ — runs with synchronous_commit
//    off and no shared row: no flush to wait for, no lock to queue on, so the
//    loop is product-form and closed-loop.ts fits it exactly (fit.ts);
// 2. the flush time F — runs with synchronous_commit on and no shared row, D and
//    C held: the flush is what changed;
// 3. the share of C spent inside the transaction (its round trips, across which
//    a writer holds its row) — runs on a shared row, D, C and F held: the row's
//    lock serialises them, the plateau is one over the hold.
// Stages 2 and 3 simulate dbsim's server (write-path-model.ts) at every trial,
// minimised by golden-section search (golden-section.ts).
import { fitClosedLoop } from "./fit.js";
import { goldenSection } from "./golden-section.js";
import type { Point, ResidualKind } from "./least-squares.js";
import { simulateWritePath, type WritePathModel, type WritePathRun } from "./write-path-model.js";

/**
 * A measured write-path point: clients, throughput, commit rule and shared rows.
 *
 * @remarks Since 0.2.0
 */
export interface WritePoint extends Point {
  /** The run's synchronous_commit. */
  readonly synchronousCommit: "on" | "off";
  /** Rows every transaction updated one of (0: none shared). */
  readonly hotRows: number;
}

/**
 * Steps of each golden-section search: the bracket shrinks to 0.618^14 ≈ 0.0012 of
 * itself — 1.7 % of the flush time over its log bracket, 0.12 % of the share —
 * finer than a short run's sampling error.
 *
 * @internal
 */
export const SEARCH_STEPS = 14;
/** Distinct client counts of the base runs from which σ and κ are fitted besides D and Z. */
const CONTENTION_LEVELS = 5;
/** The flush time's bracket (ms), searched on a log scale: 1 µs (a write cache) to 1 s. */
const FLUSH_RANGE_MS = [1e-3, 1e3] as const;

/**
 * The fitted model, what a stage could not fit and why, and the runs made.
 *
 * @internal
 */
export interface WritePathFit {
  readonly model: WritePathModel;
  /** Why the flush time was not fitted, or null when it was. */
  readonly flushRefusal: string | null;
  /** Why the lock hold was not fitted, or null when it was. */
  readonly lockRefusal: string | null;
  /** Simulated runs made. */
  readonly simulations: number;
}

/**
 * One simulated run per level: the repeats of a client count under one condition.
 *
 * @internal
 */
export interface WriteLevelGroup {
  readonly key: string;
  readonly points: readonly WritePoint[];
  readonly run: WritePathRun;
}

/**
 * The points grouped into levels (commit rule, shared rows, clients), each sized to `transactions`.
 *
 * @internal
 */
export function groupLevels(
  points: readonly WritePoint[],
  transactions: number,
): WriteLevelGroup[] {
  const groups = new Map<string, WritePoint[]>();
  for (const p of points) {
    const key = `${p.synchronousCommit}|${p.hotRows}|${p.n}`;
    groups.set(key, [...(groups.get(key) ?? []), p]);
  }
  return [...groups.entries()].map(([key, members]) => {
    const first = members[0] as WritePoint;
    return {
      key,
      points: members,
      run: {
        clients: first.n,
        hotRows: first.hotRows,
        synchronousCommit: first.synchronousCommit,
        transactions,
        expectedPerSec: members.reduce((a, p) => a + p.x, 0) / members.length,
      },
    };
  });
}

/**
 * Runs a search may make on these points: one simulation per level and trial.
 *
 * @internal
 */
export function searchRuns(points: readonly WritePoint[]): number {
  return (SEARCH_STEPS + 2) * groupLevels(points, 1).length;
}

function objective(
  points: readonly WritePoint[],
  transactions: number,
  residuals: ResidualKind,
  counter: { runs: number },
): (model: WritePathModel) => number {
  const groups = groupLevels(points, transactions);
  const meanX = points.reduce((a, p) => a + p.x, 0) / points.length;
  return (model) => {
    let sum = 0;
    for (const group of groups) {
      counter.runs++;
      const predicted = simulateWritePath(model, group.run);
      for (const point of group.points) {
        const r =
          residuals === "relative" ? predicted / point.x - 1 : (predicted - point.x) / meanX;
        sum += r * r;
      }
    }
    return sum;
  };
}

/**
 * The runs each stage fits: `base` (synchronous_commit off, no shared row) for
 * D, C, σ, κ; `flushRuns` (on, no shared row) for F; `lockRuns` (2 or more
 * clients on a shared row, with commits that flush only if F is fitted) for the
 * lock hold.
 *
 * @internal
 */
export function stagePoints(points: readonly WritePoint[]): {
  base: WritePoint[];
  flushRuns: WritePoint[];
  lockRuns: WritePoint[];
} {
  const free = points.filter((p) => p.hotRows === 0);
  const flushRuns = free.filter((p) => p.synchronousCommit === "on");
  return {
    base: free.filter((p) => p.synchronousCommit === "off"),
    flushRuns,
    lockRuns: points.filter(
      (p) => p.hotRows > 0 && p.n > 1 && (p.synchronousCommit === "off" || flushRuns.length > 0),
    ),
  };
}

function distinctLevels(points: readonly WritePoint[]): number {
  return new Set(points.map((p) => p.n)).size;
}

/**
 * Fits the write path; throws when the runs cannot give D and C (no runs with
 * synchronous_commit off and no shared row at three client counts).
 *
 * @internal
 */
export function fitWritePath(
  points: readonly WritePoint[],
  options: {
    readonly cores: number;
    readonly statements: number;
    readonly transactions: number;
    readonly residuals: ResidualKind;
  },
): WritePathFit {
  const { cores, statements, transactions, residuals } = options;
  const { base, flushRuns, lockRuns } = stagePoints(points);
  if (distinctLevels(base) < 3) {
    throw new RangeError(
      `measurements: the write path needs runs with synchronous_commit off and no shared row (pgbench -N) at 3 or more client counts, got ${distinctLevels(base)}: with a flush in every commit, its time cannot be told from the client's.`,
    );
  }
  // D, Z, σ and κ need more levels than parameters: on fewer than five, σ and
  // κ stay 0 (three levels fit four parameters exactly, any way, and the
  // arbitrary split of D and Z then moves the flush and the hold).
  const loop = fitClosedLoop(base, cores, residuals, distinctLevels(base) >= CONTENTION_LEVELS);
  const counter = { runs: 0 };
  let model: WritePathModel = {
    cores,
    demandMs: loop.demandMs,
    thinkMs: loop.clientMs,
    roundTripMs: 0,
    statements,
    flushMs: 0,
    sigma: loop.sigma,
    kappa: loop.kappa,
  };
  let flushRefusal: string | null = null;
  if (flushRuns.length === 0) {
    flushRefusal =
      "no runs with synchronous_commit on and no shared row (pgbench -N): nothing measures the flush alone";
  } else {
    const cost = objective(flushRuns, transactions, residuals, counter);
    const [low, high] = FLUSH_RANGE_MS;
    const best = goldenSection(
      (lnF) => cost({ ...model, flushMs: Math.exp(lnF) }),
      Math.log(low),
      Math.log(high),
      SEARCH_STEPS,
    );
    model = { ...model, flushMs: Math.exp(best.x) };
  }
  let lockRefusal: string | null = null;
  if (lockRuns.length === 0) {
    lockRefusal =
      flushRefusal === null
        ? "no runs of 2 or more clients sharing a row (pgbench's TPC-B-like script): no transaction ever waited for a lock"
        : "no runs of 2 or more clients sharing a row with synchronous_commit off, and the flush, which the lock is held across, was not fitted";
  } else {
    const clientMs = model.thinkMs;
    const split = (share: number): WritePathModel => ({
      ...model,
      thinkMs: clientMs * (1 - share),
      roundTripMs: (clientMs * share) / statements,
    });
    const cost = objective(lockRuns, transactions, residuals, counter);
    const best = goldenSection((share) => cost(split(share)), 0, 1, SEARCH_STEPS);
    model = split(best.x);
  }
  if (flushRefusal !== null && lockRefusal !== null) {
    throw new RangeError(
      `measurements: neither the flush nor the lock hold can be fitted: ${flushRefusal}; ${lockRefusal}.`,
    );
  }
  return { model, flushRefusal, lockRefusal, simulations: counter.runs };
}

/**
 * A row's lock hold at light load: from the first statement (which takes it)
 * to the end of the commit — the statements' CPU, the round trips between
 * them and one flush.
 *
 * @remarks Since 0.2.0
 */
export function lockHoldMs(model: WritePathModel): number {
  return model.demandMs + (model.statements - 1) * model.roundTripMs + model.flushMs;
}
