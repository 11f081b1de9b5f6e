// The simulation: a clock in milliseconds and a queue of pending events, after
// SimPy's core.py (now, schedule, step, run). Events run in (time, priority,
// sequence) order; only stepping moves the clock; every run is bounded.
import { LivelockError, SimulationError } from "./errors.js";
import { type AnyOfValue, condition, Process, type ProcessGenerator, SimEvent } from "./events.js";
import { Entry, type EntryAction, EventQueue, type LaneEvent } from "./queue.js";
import { RandomStream, type UniformSource } from "./random.js";

/**
 * A scheduled callback, as returned by {@link Simulation.schedule} and
 * {@link Simulation.at}; pass it to {@link Simulation.cancel}.
 *
 * @remarks Since 0.1.0
 */
export interface EventHandle {
  /** Brand: handles come only from `schedule` and `at`. */
  readonly __eventHandle: never;
}

/**
 * Called for every event the simulation runs, in order (for trace hashes and debugging).
 *
 * @remarks Since 0.1.0
 */
export type TraceFn = (time: number, priority: number, sequence: number) => void;

/**
 * Options for a {@link Simulation}.
 *
 * @remarks Since 0.1.0
 */
export interface SimulationOptions {
  /** The master seed every random stream derives from. Default 1. */
  seed?: number | string;
  /** Streams to replace by user generators, by label (each returns uniforms in [0, 1)). */
  rngs?: Readonly<Record<string, UniformSource>>;
  /** Called for every event run, in order. Off by default (costs a call per event). */
  trace?: TraceFn;
  /**
   * Most events {@link Simulation.run} lets run at one instant before it
   * throws a {@link LivelockError} (the clock standing still means something
   * retries at no time cost). Default {@link DEFAULT_MAX_EVENTS_PER_INSTANT};
   * `Infinity` turns the check off.
   *
   * @remarks Since 0.2.0
   */
  maxEventsPerInstant?: number;
}

/**
 * Limits for {@link Simulation.run}. Every run is bounded: without `until` it
 * stops when no event is left or after `maxEvents`.
 *
 * @remarks Since 0.1.0
 */
export interface RunOptions {
  /** Stop before the first event at or after this time (ms) and set the clock to it. Default ∞. */
  until?: number;
  /** Stop after this many events in this call. Default 1e9. */
  maxEvents?: number;
}

/**
 * Why a run stopped: no events left, the `until` time reached, the event limit
 * reached, or `stop()` called.
 *
 * @remarks Since 0.1.0
 */
export type StopReason = "empty" | "until" | "maxEvents" | "stopped";

/**
 * What {@link Simulation.run} did.
 *
 * @remarks Since 0.1.0
 */
export interface RunResult {
  /** Why the run stopped. */
  readonly reason: StopReason;
  /** Events run by this call. */
  readonly events: number;
  /** The clock when the run stopped (ms). */
  readonly now: number;
  /** True when the run stopped at `maxEvents` rather than by finishing or reaching `until`. */
  readonly limitReached: boolean;
}

/**
 * The default bound on events per `run` call.
 *
 * @remarks Since 0.1.0
 */
export const DEFAULT_MAX_EVENTS = 1_000_000_000;

/**
 * The default bound on events at one instant (see
 * {@link SimulationOptions.maxEventsPerInstant}).
 *
 * @remarks Since 0.2.0
 */
export const DEFAULT_MAX_EVENTS_PER_INSTANT = 1_000_000;

function checkDelay(delay: number): void {
  if (!(delay >= 0) || delay === Number.POSITIVE_INFINITY) {
    if (delay < 0) throw new SimulationError("NEGATIVE_DELAY", `Negative delay ${delay} ms`);
    throw new SimulationError(
      "BAD_TIME",
      `Delay ${delay} ms is not a finite number of milliseconds`,
    );
  }
}

/** `time` must be a finite time at or after `now`. */
function checkTime(time: number, now: number): void {
  if (!Number.isFinite(time)) {
    throw new SimulationError("BAD_TIME", `Time ${time} ms is not a finite number`);
  }
  if (time < now) {
    throw new SimulationError("PAST_TIME", `Time ${time} ms is in the past (now is ${now} ms)`);
  }
}

function checkPriority(priority: number): void {
  if (!Number.isFinite(priority)) {
    throw new SimulationError("BAD_PRIORITY", `Priority ${priority} is not a finite number`);
  }
}

function checkLimits(until: number, maxEvents: number, now: number): void {
  if (Number.isNaN(until) || until < now) {
    throw new SimulationError(
      "BAD_LIMIT",
      `run({ until: ${until} }) must be a time at or after now (${now} ms)`,
    );
  }
  if (!(maxEvents >= 0) || !Number.isFinite(maxEvents)) {
    throw new SimulationError(
      "BAD_LIMIT",
      `run({ maxEvents: ${maxEvents} }) must be a finite number ≥ 0`,
    );
  }
}

function livelock(time: number, action: EntryAction | null, events: number): LivelockError {
  const handler =
    typeof action === "function"
      ? action.name || "anonymous callback"
      : (action?.constructor.name ?? "event");
  return new LivelockError(time, events, handler);
}

/**
 * A discrete-event simulation: a clock in simulated milliseconds, a queue of
 * events ordered by (time, priority, sequence), seeded random streams, and
 * SimPy-style processes.
 *
 * @example
 * ```ts
 * const sim = new Simulation({ seed: 42 });
 * sim.schedule(5, () => console.log(sim.now)); // 5
 * sim.run();
 * ```
 *
 * @remarks Since 0.1.0
 */
export class Simulation {
  /** The master seed. */
  readonly seed: number | string;
  private clock = 0;
  private seq = 0;
  private processed = 0;
  private readonly queue = new EventQueue();
  private readonly streams = new Map<string, RandomStream>();
  private readonly replacements: Readonly<Record<string, UniformSource>>;
  private readonly trace: TraceFn | undefined;
  private running = false;
  private stopRequested = false;
  private readonly maxPerInstant: number;
  /** Events run at the current instant so far, across `run` calls. */
  private atInstant = 0;

  /** @param options - seed, stream replacements, trace hook */
  constructor(options: SimulationOptions = {}) {
    const seed = options.seed ?? 1;
    if (typeof seed === "number" && !Number.isFinite(seed)) {
      throw new SimulationError("BAD_SEED", `Seed ${seed} is not a finite number`);
    }
    this.seed = seed;
    const perInstant = options.maxEventsPerInstant ?? DEFAULT_MAX_EVENTS_PER_INSTANT;
    if (!(perInstant >= 1)) {
      throw new SimulationError(
        "BAD_LIMIT",
        `maxEventsPerInstant ${perInstant} is not a number ≥ 1 (Infinity turns the check off)`,
      );
    }
    this.maxPerInstant = perInstant;
    this.replacements = options.rngs ?? {};
    this.trace = options.trace;
  }

  /** The current simulated time in milliseconds. */
  get now(): number {
    return this.clock;
  }

  /** Events run since the simulation was created. */
  get eventsProcessed(): number {
    return this.processed;
  }

  /** Pending events (cancelled ones excluded). */
  get pending(): number {
    return this.queue.length;
  }

  /**
   * Runs `fn` after `delay` ms. Equal times run by `priority` (lower first,
   * default 0), then in scheduling order.
   *
   * @returns a handle for {@link Simulation.cancel}
   */
  schedule(delay: number, fn: () => void, priority = 0): EventHandle {
    checkDelay(delay);
    checkPriority(priority);
    const entry = new Entry(this.clock + delay, priority, this.seq++, fn);
    this.queue.push(entry);
    return entry as unknown as EventHandle;
  }

  /**
   * Runs `fn` at absolute time `time` (ms), which must not be in the past.
   *
   * @returns a handle for {@link Simulation.cancel}
   */
  at(time: number, fn: () => void, priority = 0): EventHandle {
    checkTime(time, this.clock);
    checkPriority(priority);
    const entry = new Entry(time, priority, this.seq++, fn);
    this.queue.push(entry);
    return entry as unknown as EventHandle;
  }

  /**
   * @internal As {@link Simulation.at}, in the same order (the same sequence number),
   * for a caller that forgets the handle once the callback has run; `spent` is reused
   * as {@link Simulation._scheduleOwned} reuses it. The workload's open arrivals:
   * one pending at a time, each scheduled from the one before.
   */
  _atOwned(time: number, fn: () => void, priority: number, spent: EventHandle | null): EventHandle {
    checkTime(time, this.clock);
    checkPriority(priority);
    const entry =
      spent === null
        ? new Entry(time, priority, this.seq++, fn)
        : this.queue.reuse(spent as unknown as Entry, time, priority, this.seq++, fn);
    this.queue.push(entry);
    return entry as unknown as EventHandle;
  }

  /**
   * Cancels a scheduled callback.
   *
   * @returns true if it was pending, false if it had already run or been cancelled
   */
  cancel(handle: EventHandle): boolean {
    const entry = handle as unknown as Entry;
    // Null once it has run or was cancelled (only the queue's entries are ever handles).
    if (entry.action === null) return false;
    this.queue.cancel(entry);
    return true;
  }

  /** The time of the next event, or `Infinity` when none is pending. */
  peek(): number {
    // The lane's events are at the current time, and nothing pending is earlier.
    if (this.queue.laneLength !== 0) return this.clock;
    const next = this.queue.peek();
    return next === undefined ? Number.POSITIVE_INFINITY : next.time;
  }

  /**
   * Runs the next event.
   *
   * @returns false when no event was pending
   */
  step(): boolean {
    if (this.running) {
      throw new SimulationError("REENTRANT_RUN", "step() was called from inside an event");
    }
    this.running = true;
    try {
      const entry = this.queue.peek();
      if (this.queue.laneFirst(entry, this.clock)) {
        this.atInstant++;
        this.runLaneHead();
        return true;
      }
      if (entry === undefined) return false;
      this.queue.popPeeked();
      this.atInstant = entry.time === this.clock ? this.atInstant + 1 : 1;
      this.runEntry(entry);
      return true;
    } finally {
      this.running = false;
    }
  }

  /**
   * Runs events until none is left, the clock would reach `until`, `maxEvents`
   * have run, or {@link Simulation.stop} is called. With `until`, the clock is
   * set to `until` when the run gets there (events at exactly `until` stay pending).
   */
  run(options: RunOptions = {}): RunResult {
    const until = options.until ?? Number.POSITIVE_INFINITY;
    const maxEvents = options.maxEvents ?? DEFAULT_MAX_EVENTS;
    checkLimits(until, maxEvents, this.clock);
    if (this.running) {
      throw new SimulationError("REENTRANT_RUN", "run() was called from inside an event");
    }
    this.running = true;
    this.stopRequested = false;
    const queue = this.queue;
    const maxPerInstant = this.maxPerInstant;
    let atInstant = this.atInstant;
    let events = 0;
    let reason: StopReason = "empty";
    try {
      for (;;) {
        if (this.stopRequested) {
          reason = "stopped";
          break;
        }
        const next = queue.peek();
        // The lane's head (an event at the current time) or the heap's least entry.
        const lane = queue.laneFirst(next, this.clock);
        if (!lane && next === undefined) {
          reason = "empty";
          break;
        }
        const time = lane ? this.clock : (next as Entry).time;
        if (time >= until) {
          reason = "until";
          break;
        }
        // Checked after the two above: a run that had exactly the events it needed finished.
        if (events >= maxEvents) {
          reason = "maxEvents";
          break;
        }
        // One compare per event; the counter only grows while the clock stands still.
        if (time === this.clock) {
          if (++atInstant > maxPerInstant) {
            const action = lane ? queue.laneHeadEvent() : (next as Entry).action;
            throw livelock(time, action, atInstant - 1);
          }
        } else atInstant = 1;
        if (lane) this.runLaneHead();
        else {
          queue.popPeeked();
          this.runEntry(next as Entry);
        }
        events++;
      }
    } finally {
      this.atInstant = atInstant;
      this.running = false;
    }
    if (reason === "until" || (reason === "empty" && until !== Number.POSITIVE_INFINITY)) {
      // A new instant: what ran at the last one does not count toward it.
      if (until !== this.clock) this.atInstant = 0;
      this.clock = until;
      reason = "until";
    }
    return { reason, events, now: this.clock, limitReached: reason === "maxEvents" };
  }

  /** Stops the current run after the event that is running now. */
  stop(): void {
    this.stopRequested = true;
  }

  /**
   * The random stream for `label`, derived from (seed, label): adding a stream
   * never changes the draws of another. The same label returns the same stream.
   */
  rng(label: string): RandomStream {
    let stream = this.streams.get(label);
    if (stream === undefined) {
      // Own keys only: a label like "constructor" must not pick up Object.prototype members.
      const source = Object.hasOwn(this.replacements, label) ? this.replacements[label] : undefined;
      stream = new RandomStream(this.seed, label, source);
      this.streams.set(label, stream);
    }
    return stream;
  }

  /** A new pending event that you trigger with `succeed` or `fail`. */
  event<T = unknown>(): SimEvent<T> {
    return new SimEvent<T>(this);
  }

  /** An event that succeeds with `value` after `delay` ms. */
  timeout<T = undefined>(delay: number, value?: T): SimEvent<T> {
    checkDelay(delay);
    const ev = new SimEvent<T>(this);
    ev._markTriggered(value as T);
    this._enqueueEvent(ev, delay, 0);
    return ev;
  }

  /**
   * Starts a process from a generator (call the generator function:
   * `sim.process(worker())`). The process starts at the current time.
   */
  process<R>(generator: ProcessGenerator<R>): Process<R> {
    return new Process<R>(this, generator);
  }

  /** An event that succeeds with all values once every event has succeeded (fails with the first failure). */
  allOf(events: readonly SimEvent<unknown>[]): SimEvent<unknown[]> {
    return condition(this, events, true) as SimEvent<unknown[]>;
  }

  /** An event that succeeds with the first event to succeed, as `{ index, value }`. */
  anyOf(events: readonly SimEvent<unknown>[]): SimEvent<AnyOfValue> {
    return condition(this, events, false) as SimEvent<AnyOfValue>;
  }

  /** @internal Queues an event's processing after `delay`. */
  _enqueueEvent(event: LaneEvent, delay: number, priority: number): void {
    // At the current instant with priority 0 (most of the kernel's own events): the now lane, no entry.
    if (delay === 0 && priority === 0) this.queue.pushNow(event, this.seq++);
    else this.queue.push(new Entry(this.clock + delay, priority, this.seq++, event));
  }

  /**
   * @internal As {@link Simulation.schedule} with priority 0, in the same order (the
   * same sequence number), for a caller that forgets the handle once the callback has
   * run or it has cancelled it. `spent` is a handle of the caller's whose callback
   * has run (it may be running now), whose entry is reused; or null. A handle kept
   * after it was passed as `spent` could cancel a later, unrelated event.
   */
  _scheduleOwned(delay: number, fn: () => void, spent: EventHandle | null): EventHandle {
    checkDelay(delay);
    const time = this.clock + delay;
    const entry =
      spent === null
        ? new Entry(time, 0, this.seq++, fn)
        : this.queue.reuse(spent as unknown as Entry, time, 0, this.seq++, fn);
    this.queue.push(entry);
    return entry as unknown as EventHandle;
  }

  /** Runs the now lane's head: an event at the current time with priority 0. */
  private runLaneHead(): void {
    const queue = this.queue;
    this.processed++;
    if (this.trace !== undefined) this.trace(this.clock, 0, queue.laneHeadSeq());
    queue.takeLane()._process();
  }

  private runEntry(entry: Entry): void {
    this.clock = entry.time;
    this.processed++;
    if (this.trace !== undefined) this.trace(entry.time, entry.priority, entry.seq);
    const action = entry.action as EntryAction;
    entry.action = null;
    if (typeof action === "function") action();
    else action._process();
  }
}
