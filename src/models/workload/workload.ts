// The workload: who sends what, and when. Open arrivals are a Poisson process
// whose rate may step or ramp over time (steps are exact, because the
// exponential is memoryless; a ramp is drawn by thinning, Lewis & Shedler 1979).
// Closed clients loop: issue, wait for the answer, think, issue again. Each
// operation belongs to a session, is a read with probability readRatio, and is a
// multi-statement transaction with probability transactions.share; a share of
// the reads (lockingReads) are locking reads, SELECT … FOR UPDATE. A write
// transaction's statements may each touch a row of their own (transactions.rows);
// the server versions every one of them at the commit.
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import { type Done, Operation, type Service, type SessionStateFeature } from "../operation.js";
import { createKeyChooser, type KeyChooser, type KeyPopularity } from "./keys.js";

/**
 * New operations are issued after everything else that happens at the same
 * instant, so an answer delivered at t always counts as before a request made
 * at t (the checkers' and the monitor's rule for equal instants).
 */
const ARRIVAL_PRIORITY = 1;

/**
 * An arrival rate in operations per second, constant or changing over time.
 *
 * @remarks Since 0.1.0
 */
export type RateSchedule =
  | { readonly kind: "constant"; readonly perSec: number }
  | {
      readonly kind: "steps";
      /** From `atMs` on, the rate is `perSec`; the first step starts at 0. */
      readonly steps: readonly { readonly atMs: number; readonly perSec: number }[];
    }
  | {
      readonly kind: "ramp";
      readonly fromPerSec: number;
      readonly toPerSec: number;
      readonly overMs: number;
    };

/**
 * A sampler of non-negative numbers drawn from a random stream.
 *
 * @remarks Since 0.1.0
 */
export type DrawFn = (rng: RandomStream) => number;

/**
 * The rows a write transaction's statements touch: "same", every statement the
 * operation's key; "distinct", each statement its own row drawn from the key
 * popularity, in the order drawn (so two transactions may lock two hot rows in
 * opposite orders and deadlock); "distinct-sorted", the same rows locked in
 * ascending key order, one global lock order, which rules deadlocks out.
 *
 * @remarks Since 0.2.0
 */
export type TransactionRows = "same" | "distinct" | "distinct-sorted";

/**
 * The resolved workload, as the model takes it.
 *
 * @remarks Since 0.1.0
 */
export interface WorkloadConfig {
  /** Open Poisson arrivals at a rate, or closed clients with think time. */
  readonly arrivals:
    | { readonly kind: "open"; readonly rate: RateSchedule }
    | { readonly kind: "closed"; readonly clients: number; readonly thinkMs: DrawFn };
  /** Share of operations that are reads, in [0, 1]. */
  readonly readRatio: number;
  /**
   * Share of operations that are multi-statement transactions, their statement
   * count (rounded, ≥ 2), and the rows a write transaction's statements touch
   * (default "same": every statement on the operation's key; see {@link TransactionRows}).
   */
  readonly transactions: {
    readonly share: number;
    readonly statements: DrawFn;
    readonly rows?: TransactionRows;
  };
  /** The key space. */
  readonly keys: { readonly count: number; readonly popularity: KeyPopularity };
  /** Number of sessions (users); open arrivals pick one at random, closed client i is session i mod sessions. */
  readonly sessions: number;
  /** Share of reads that read the key their session wrote last (when it has written one). */
  readonly readOwnWrites: number;
  /** Share of reads that are locking reads, `SELECT … FOR UPDATE` (default 0). */
  readonly lockingReads?: number;
  /** A share of the sessions relies on a session-state feature (every operation of theirs). */
  readonly sessionState?: { readonly share: number; readonly feature: SessionStateFeature };
  /** No operation is issued at or after this time (ms). */
  readonly stopAtMs: number;
  /**
   * Most operations issued and not yet complete at once. Issuing one more stops
   * the simulation instead (see {@link Workload.overloadedAtMs}), so a plan that
   * cannot keep up ends the run honestly rather than queueing until memory runs
   * out. Default: no bound.
   *
   * @remarks Since 0.2.0
   */
  readonly maxInFlight?: number;
  /**
   * The key an operation uses for the key the popularity drew, given the
   * operation's id (a services plan: the same position in the key range of the
   * service it is for). Default: the drawn key. It draws nothing from the
   * workload's streams, so the rest of the workload stays the same.
   *
   * @remarks Since 0.2.0
   */
  readonly keyOf?: (drawn: number, id: number) => number;
}

/**
 * Generates operations and submits them to the front of the request path.
 *
 * @remarks Since 0.1.0
 */
export class Workload {
  /** Operations issued so far. */
  issued = 0;
  /** Operations completed so far (errors included). */
  completedCount = 0;
  /**
   * The time (ms) the workload stopped the simulation because `maxInFlight`
   * operations were in flight, or null while it has not.
   *
   * @remarks Since 0.2.0
   */
  overloadedAtMs: number | null = null;
  private readonly sim: Simulation;
  private readonly config: WorkloadConfig;
  private readonly target: Service;
  private readonly onComplete: Done;
  /** Stamps the completion time where the application sees it, then reports it. */
  private readonly completed: Done = (op) => {
    op.completedAt = this.sim.now;
    this.completedCount++;
    this.onComplete(op);
  };
  /** The open arrivals' rate (set by `start`); one callback per workload, not per arrival. */
  private openRate: RateSchedule | null = null;
  /**
   * The queue entry of the last open arrival (or ramp candidate), reused for the
   * next: one is pending at a time, each scheduled from the one before as it runs.
   * Re-timing an entry writes its time in place, where a fresh one per arrival would
   * be a young object stored into the event queue's old arrays, each store through
   * the collector's write barrier.
   */
  private arrivalEntry: EventHandle | null = null;
  private readonly arriveNow = (): void => this.arrive(this.openRate as RateSchedule);
  /** A ramp's rejected candidate: the next one is drawn from its time, which is now. */
  private readonly nextCandidate = (): void =>
    this.scheduleRamp(this.openRate as Extract<RateSchedule, { kind: "ramp" }>, this.sim.now);
  private readonly maxInFlight: number;
  private readonly arrivalRng: RandomStream;
  private readonly opRng: RandomStream;
  private readonly keys: KeyChooser;
  /** The key each session wrote last, or −1 (for read-after-write). */
  private readonly lastWritten: Int32Array | null;

  /**
   * @param sim - the simulation
   * @param config - the resolved workload
   * @param target - the first component on the request path
   * @param onComplete - called with every completed operation (the report collects here)
   */
  constructor(sim: Simulation, config: WorkloadConfig, target: Service, onComplete: Done) {
    this.sim = sim;
    this.config = config;
    this.target = target;
    this.onComplete = onComplete;
    this.arrivalRng = sim.rng("workload.arrivals");
    this.opRng = sim.rng("workload.operations");
    this.keys = createKeyChooser(
      config.keys.popularity,
      config.keys.count,
      sim.rng("workload.keys"),
    );
    this.lastWritten = config.readOwnWrites > 0 ? new Int32Array(config.sessions).fill(-1) : null;
    this.maxInFlight = config.maxInFlight ?? Number.POSITIVE_INFINITY;
  }

  /** Operations issued and not yet complete. */
  get inFlight(): number {
    return this.issued - this.completedCount;
  }

  /** False (and the simulation stopped) when one more operation would pass `maxInFlight`. */
  private admit(): boolean {
    if (this.issued - this.completedCount < this.maxInFlight) return true;
    if (this.overloadedAtMs === null) this.overloadedAtMs = this.sim.now;
    this.sim.stop();
    return false;
  }

  /** Schedules the first arrivals. Call once, at time 0. */
  start(): void {
    const arrivals = this.config.arrivals;
    if (arrivals.kind === "open") {
      this.openRate = arrivals.rate;
      this.scheduleOpen(arrivals.rate);
      return;
    }
    const thinkRng = this.sim.rng("workload.think");
    for (let c = 0; c < arrivals.clients; c++) {
      const session = c % this.config.sessions;
      const onDone: Done = (op) => {
        this.completed(op);
        const think = arrivals.thinkMs(thinkRng);
        if (this.sim.now + think >= this.config.stopAtMs) return;
        this.sim.schedule(think, issueNext, ARRIVAL_PRIORITY);
      };
      const issueNext = (): void => {
        if (this.admit()) this.target.submit(this.makeOperation(session), onDone);
      };
      // Start each client after one think time so they do not move in lock step.
      const first = arrivals.thinkMs(thinkRng);
      if (first < this.config.stopAtMs) this.sim.schedule(first, issueNext, ARRIVAL_PRIORITY);
    }
  }

  private scheduleOpen(rate: RateSchedule, from: number = this.sim.now): void {
    if (rate.kind === "ramp") {
      this.scheduleRamp(rate, from);
      return;
    }
    const next = this.nextArrival(rate, from);
    if (next < this.config.stopAtMs) this.arriveAt(next, this.arriveNow);
  }

  /** Schedules the next open arrival or ramp candidate on the entry of the one before. */
  private arriveAt(time: number, fn: () => void): void {
    this.arrivalEntry = this.sim._atOwned(time, fn, ARRIVAL_PRIORITY, this.arrivalEntry);
  }

  private arrive(rate: RateSchedule): void {
    if (!this.admit()) return;
    const op = this.makeOperation(Math.floor(this.opRng.next() * this.config.sessions));
    this.target.submit(op, this.completed);
    this.scheduleOpen(rate);
  }

  /**
   * A ramp is drawn by thinning (Lewis & Shedler 1979): candidates at the peak
   * rate, each kept with probability rate(t) / peak. Every candidate is an
   * event of its own, kept or not, so the run's event bound and the kernel's
   * check for a clock standing still (a peak rate whose gaps underflow) apply.
   */
  private scheduleRamp(rate: Extract<RateSchedule, { kind: "ramp" }>, from: number): void {
    const peak = Math.max(rate.fromPerSec, rate.toPerSec);
    if (peak <= 0) return;
    const rng = this.arrivalRng;
    const t = from + rng.exponential(1000 / peak);
    if (t >= this.config.stopAtMs) return;
    const f = rate.overMs > 0 ? Math.min(1, t / rate.overMs) : 1;
    const at = rate.fromPerSec + (rate.toPerSec - rate.fromPerSec) * f;
    this.arriveAt(t, rng.next() * peak < at ? this.arriveNow : this.nextCandidate);
  }

  /** The time of the next open arrival after `now` (Infinity when the rate stays 0). */
  private nextArrival(rate: RateSchedule, now: number): number {
    const rng = this.arrivalRng;
    switch (rate.kind) {
      case "constant":
        return rate.perSec > 0
          ? now + rng.exponential(1000 / rate.perSec)
          : Number.POSITIVE_INFINITY;
      case "steps": {
        let t = now;
        for (;;) {
          const { perSec, endMs } = stepAt(rate.steps, t);
          const next = perSec > 0 ? t + rng.exponential(1000 / perSec) : Number.POSITIVE_INFINITY;
          if (next < endMs) return next;
          // Memoryless: restart the draw at the step boundary with the new rate.
          if (endMs === Number.POSITIVE_INFINITY) return Number.POSITIVE_INFINITY;
          t = endMs;
        }
      }
      case "ramp":
        // Drawn candidate by candidate in scheduleRamp.
        return Number.POSITIVE_INFINITY;
    }
  }

  private mapKey(drawn: number): number {
    const keyOf = this.config.keyOf;
    return keyOf === undefined ? drawn : keyOf(drawn, this.issued);
  }

  private makeOperation(session: number): Operation {
    const rng = this.opRng;
    const isRead = rng.next() < this.config.readRatio;
    const tx = this.config.transactions;
    const statements =
      tx.share > 0 && rng.next() < tx.share ? Math.max(2, Math.round(tx.statements(rng))) : 1;
    let key: number;
    const own = this.lastWritten;
    if (!isRead) {
      key = this.mapKey(this.keys.write());
      if (own !== null) own[session] = key;
    } else if (
      own !== null &&
      (own[session] as number) >= 0 &&
      rng.next() < this.config.readOwnWrites
    ) {
      key = own[session] as number;
    } else {
      key = this.mapKey(this.keys.read());
    }
    const op = new Operation(
      this.issued++,
      session,
      isRead ? "read" : "write",
      key,
      statements,
      this.sim.now,
    );
    const rows = tx.rows ?? "same";
    if (!isRead && statements > 1 && rows !== "same") {
      op.statementKeys = this.transactionRows(key, statements, rows === "distinct-sorted");
    }
    const state = this.config.sessionState;
    if (state !== undefined && usesSessionState(session, state.share))
      op.sessionState = state.feature;
    // Drawn only when asked for, so scenarios without locking reads keep their draws.
    const locking = this.config.lockingReads ?? 0;
    if (isRead && locking > 0 && rng.next() < locking) op.forUpdate = true;
    return op;
  }

  /**
   * The rows of a write transaction: `key` (drawn first, the operation's own)
   * and up to `statements` − 1 more distinct ones drawn as reads draw them (for
   * recency, existing rows rather than inserts); the operation's key runs last
   * unless `sorted` puts every row in ascending order.
   */
  private transactionRows(key: number, statements: number, sorted: boolean): number[] {
    const count = this.config.keys.count;
    const rows: number[] = [];
    const wanted = Math.min(statements, count) - 1;
    // Rejection is quick unless a few rows take nearly every draw; past the bound
    // the next free key upward is taken, so the loop always ends.
    for (let tries = 0; rows.length < wanted && tries < 64 * statements; tries++) {
      const row = this.keys.read();
      if (row !== key && !rows.includes(row)) rows.push(row);
    }
    for (let row = (key + 1) % count; rows.length < wanted; row = (row + 1) % count) {
      if (row !== key && !rows.includes(row)) rows.push(row);
    }
    rows.push(key);
    if (sorted) rows.sort((a, b) => a - b);
    return rows;
  }
}

/**
 * Whether session `s` is one of the share that uses session state: a fixed
 * pseudo-random choice (Knuth's multiplicative hash), the same in every run.
 */
function usesSessionState(s: number, share: number): boolean {
  return (Math.imul(s + 1, 0x9e3779b1) >>> 0) / 2 ** 32 < share;
}

function stepAt(
  steps: readonly { readonly atMs: number; readonly perSec: number }[],
  t: number,
): { perSec: number; endMs: number } {
  let perSec = 0;
  let endMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i] as { atMs: number; perSec: number };
    if (s.atMs <= t) perSec = s.perSec;
    else {
      endMs = s.atMs;
      break;
    }
  }
  return { perSec, endMs };
}
