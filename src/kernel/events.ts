// Events and processes, after SimPy's events.py. An event is pending, then
// triggered (it has a value or an error and waits in the queue), then processed
// (its callbacks have run). A process is a generator that yields events and is
// resumed with each one's value; it is itself an event whose value is the
// generator's return value. A failed event that nobody handles stops the run.
import { SimulationError } from "./errors.js";
import type { Simulation } from "./simulation.js";

/**
 * A function run when an event is processed. Declared through a method
 * signature so its parameter is bivariant: that keeps `SimEvent<T>` covariant
 * in `T`, so a `SimEvent<string>` is a `SimEvent<unknown>` and a generator that
 * does `yield* sim.timeout(5, "x")` is a valid {@link ProcessGenerator}.
 *
 * @remarks Since 0.1.0
 */
export type EventCallback<T> = {
  /** Runs with the processed event (the method form is what makes it bivariant). */
  bivarianceHack(event: SimEvent<T>): void;
}["bivarianceHack"];

// An event's `_state`: the stage in the two low bits, and two flags above them. One
// small integer, not a stage, an ok flag and a defused flag: an event is made per step
// of a process, and each field is a store.
const PENDING = 0;
const TRIGGERED = 1;
const PROCESSED = 2;
const STAGE = 3;
const FAILED = 4;
const DEFUSED = 8;

/**
 * What waits on an event: a callback, or a process resumed through its method, so a
 * process needs no closure of its own to wait (one fewer allocation per process).
 */
type Listener<T> = EventCallback<T> | { _resume(event: SimEvent<unknown>): void };

/** Calls one listener with the event that has been processed. */
function notify<T>(listener: Listener<T>, event: SimEvent<T>): void {
  if (typeof listener === "function") listener(event);
  else listener._resume(event as SimEvent<unknown>);
}

const NO_START = 0;
const START_AWAITED = 1;
const START_SKIPPED = 2;

/** The bound on how many already-processed events a process may yield in a row without time passing. */
const MAX_IMMEDIATE_RESUMES = 1_000_000;

/**
 * Something that happens at an instant of simulated time: a timeout, a granted
 * resource request, the end of a process, or an event you trigger yourself.
 * Processes wait on events by yielding them; callbacks attach with {@link SimEvent.on}.
 *
 * Inside a process, a plain `yield event` is the fast form (SimPy's idiom) and
 * evaluates to the event's value as `unknown`; `yield* event` waits the same way and
 * gives the value with its type, for an iterator object and two iterator results.
 *
 * @remarks Since 0.1.0
 */
export class SimEvent<T = unknown> {
  /** The simulation this event belongs to. */
  readonly sim: Simulation;
  /**
   * @internal What waits: one listener, or an array of them in the order they were
   * added. Almost every event has exactly one, so the array is made only for a second,
   * and one field serves both (a field is a store per event).
   */
  _cb: Listener<T> | Listener<T>[] | null = null;
  /** @internal The stage (PENDING, TRIGGERED, PROCESSED) and the FAILED and DEFUSED flags. */
  _state = PENDING;
  /** @internal The value, or the error once the event failed. */
  _value: unknown = undefined;

  /** @param sim - the simulation the event belongs to */
  constructor(sim: Simulation) {
    this.sim = sim;
  }

  /** True once the event has a value or an error. */
  get triggered(): boolean {
    return (this._state & STAGE) !== PENDING;
  }

  /** True once the event's callbacks have run. */
  get processed(): boolean {
    return (this._state & STAGE) === PROCESSED;
  }

  /** True unless the event failed. Meaningful once triggered. */
  get ok(): boolean {
    return (this._state & FAILED) === 0;
  }

  /** The event's value. Throws when the event is not triggered yet or failed. */
  get value(): T {
    if ((this._state & STAGE) === PENDING) {
      throw new SimulationError("NOT_RUNNING", "The value of a pending event is not available yet");
    }
    if ((this._state & FAILED) !== 0) throw this._value;
    return this._value as T;
  }

  /**
   * Triggers the event with a value; its callbacks run at the current time,
   * after the events already scheduled for this instant.
   */
  succeed(value?: T): this {
    this.assertPending();
    this._state |= TRIGGERED;
    this._value = value;
    this.sim._enqueueEvent(this, 0, 0);
    return this;
  }

  /**
   * Triggers the event with an error. Processes waiting on it have the error
   * thrown into them; if nothing handles it, the run stops with it.
   */
  fail(error: unknown): this {
    this.assertPending();
    this._state |= TRIGGERED | FAILED;
    this._value = error;
    this.sim._enqueueEvent(this, 0, 0);
    return this;
  }

  /** Marks a failure as handled, so it does not stop the run. */
  defuse(): this {
    this._state |= DEFUSED;
    return this;
  }

  /**
   * Runs `callback` when the event is processed. If it already was, the
   * callback runs at once.
   */
  on(callback: (event: this) => void): this {
    if ((this._state & STAGE) === PROCESSED) callback(this);
    else this._addCallback(callback as EventCallback<T>);
    return this;
  }

  /**
   * Lets `const v = yield* event` give the event's value with its type inside a
   * process; a plain `yield event` waits the same way without the iterator. A
   * hand-written iterator rather than a generator, so a `yield*` costs one small object.
   */
  [Symbol.iterator](): Iterator<SimEvent<T>, T, unknown> {
    return new EventIterator(this);
  }

  /** @internal */
  _addCallback(callback: Listener<T>): void {
    const cb = this._cb;
    if (cb === null) this._cb = callback;
    else if (Array.isArray(cb)) cb.push(callback);
    else this._cb = [cb, callback];
  }

  /** @internal Removes a callback added before; false when it was not there. */
  _removeCallback(callback: Listener<T>): boolean {
    const cb = this._cb;
    if (cb === callback) {
      this._cb = null;
      return true;
    }
    if (!Array.isArray(cb)) return false;
    const i = cb.indexOf(callback);
    if (i < 0) return false;
    cb.splice(i, 1);
    // Null again once nobody waits: a process that ends with `_cb` null skips its end event.
    if (cb.length === 0) this._cb = null;
    return true;
  }

  /** @internal Called by the simulation when the event leaves the queue. */
  _process(): void {
    this._state = (this._state & ~STAGE) | PROCESSED;
    const cb = this._cb;
    this._cb = null;
    if (cb !== null) {
      if (!Array.isArray(cb)) notify(cb, this);
      else for (let i = 0; i < cb.length; i++) notify(cb[i] as Listener<T>, this);
    }
    // Read after the callbacks: a callback (a process, allOf/anyOf) that handles the failure defuses it.
    if ((this._state & (FAILED | DEFUSED)) === FAILED) {
      const err = this._value;
      if (err instanceof Error) throw err;
      throw new SimulationError("PROCESS_FAILED", `Unhandled event failure: ${String(err)}`);
    }
  }

  /** @internal Marks the event triggered without queueing it (timeouts queue themselves). */
  _markTriggered(value: T): void {
    this._state |= TRIGGERED;
    this._value = value;
  }

  private assertPending(): void {
    if ((this._state & STAGE) !== PENDING) {
      throw new SimulationError(
        "EVENT_ALREADY_TRIGGERED",
        "This event was already triggered; an event triggers once",
      );
    }
  }
}

/**
 * What `yield* event` iterates: yields the event once, then returns the value the
 * process was resumed with. A class (methods on the prototype) so a `yield*`
 * costs one small object and no closures.
 */
class EventIterator<T> implements Iterator<SimEvent<T>, T, unknown> {
  private event: SimEvent<T> | null;

  constructor(event: SimEvent<T>) {
    this.event = event;
  }

  next(value?: unknown): IteratorResult<SimEvent<T>, T> {
    const event = this.event;
    if (event === null) return { value: value as T, done: true };
    this.event = null;
    return { value: event, done: false };
  }

  throw(error?: unknown): IteratorResult<SimEvent<T>, T> {
    throw error;
  }

  return(value?: T): IteratorResult<SimEvent<T>, T> {
    this.event = null;
    return { value: value as T, done: true };
  }
}

/**
 * The error thrown into a process by {@link Process.interrupt}. Its `cause`
 * is what the interrupter passed.
 *
 * @remarks Since 0.1.0
 */
export class Interrupt extends Error {
  /** @param cause - what the interrupter passed */
  constructor(cause?: unknown) {
    super(`Interrupted${cause === undefined ? "" : `: ${String(cause)}`}`, { cause });
    this.name = "Interrupt";
  }
}

/**
 * The body of a process: a generator that yields events and receives each
 * one's value when it is processed. Wait with a plain `yield event` (its value
 * comes back as `unknown`), or with `yield* event` for the value typed.
 *
 * @remarks Since 0.1.0
 */
export type ProcessGenerator<R = unknown> = Generator<SimEvent<unknown>, R, unknown>;

/**
 * A running generator function. It is an event itself: it succeeds with the
 * generator's return value, or fails with what the generator threw.
 *
 * @example
 * ```ts
 * const p = sim.process((function* () {
 *   const req = server.request();
 *   yield req; // the fast form, as SimPy writes it: wait for the slot
 *   yield sim.timeout(5);
 *   server.release(req);
 *   return "done";
 * })());
 * // Another process: `yield* p` gives "done" typed as string; a plain `yield p`, as unknown.
 * ```
 *
 * @remarks Since 0.1.0
 */
export class Process<R = unknown> extends SimEvent<R> {
  private readonly generator: ProcessGenerator<R>;
  private target: SimEvent<unknown> | null = null;
  /**
   * The start: NO_START once it has run, START_AWAITED while it is queued,
   * START_SKIPPED while it is queued but an interrupt came first. The process is its
   * own start event (its first queue entry), as SimPy's `Initialize` is one event, so a
   * process costs no separate event object or closure to start.
   */
  private start = START_AWAITED;

  /**
   * Use `sim.process(generator)` rather than this constructor.
   *
   * @param sim - the simulation
   * @param generator - the generator object to drive
   */
  constructor(sim: Simulation, generator: ProcessGenerator<R>) {
    super(sim);
    this.generator = generator;
    sim._enqueueEvent(this, 0, 0);
  }

  /** True while the generator has not returned or thrown. */
  get isAlive(): boolean {
    return (this._state & STAGE) === PENDING;
  }

  /**
   * Throws an {@link Interrupt} with `cause` into the process at its current
   * `yield`, at the current time. The event it was waiting on is no longer awaited.
   */
  interrupt(cause?: unknown): void {
    if (!this.isAlive) {
      throw new SimulationError("NOT_RUNNING", "Cannot interrupt a process that has finished");
    }
    const signal = new SimEvent<unknown>(this.sim);
    signal._value = new Interrupt(cause);
    signal._cb = () => {
      if (!this.isAlive) return;
      if (this.start === START_AWAITED) this.start = START_SKIPPED;
      else this.target?._removeCallback(this);
      this.resume(signal);
    };
    signal._state = TRIGGERED | FAILED | DEFUSED;
    this.sim._enqueueEvent(signal, 0, -Infinity);
  }

  /**
   * @internal The queue runs a process twice: its start (always first: it was queued
   * when the process was made, and its end is queued later at the same time or after)
   * and, once the generator is done, its end as an event.
   */
  override _process(): void {
    if (this.start === NO_START) {
      super._process();
      return;
    }
    const awaited = this.start === START_AWAITED;
    this.start = NO_START;
    if (awaited) this.resume(null);
  }

  /** @internal Called when the event the process waits on is processed. */
  _resume(event: SimEvent<unknown>): void {
    this.resume(event);
  }

  /** Runs the generator on from its `yield`; `event` null is its start. */
  private resume(event: SimEvent<unknown> | null): void {
    this.target = null;
    let current = event;
    for (let n = 0; ; n++) {
      let step: IteratorResult<SimEvent<unknown>, R>;
      try {
        if (current === null) {
          step = this.generator.next(undefined);
        } else if ((current._state & FAILED) === 0) {
          step = this.generator.next(current._value);
        } else {
          current._state |= DEFUSED;
          step = this.generator.throw(current._value);
        }
      } catch (error) {
        this.fail(error);
        return;
      }
      if (step.done) {
        if (this._cb === null) {
          // Nobody waits on the process: it is done now, without a trip through
          // the queue. A callback attached later runs at once (see `on`).
          this._state = (this._state & ~STAGE) | PROCESSED;
          this._value = step.value;
        } else {
          this.succeed(step.value);
        }
        return;
      }
      const next = step.value;
      if (!(next instanceof SimEvent)) {
        this.generator.return(undefined as R);
        this.fail(
          new SimulationError(
            "BAD_YIELD",
            `A process yielded ${String(next)}; expected an event (sim.timeout(ms), a request, a process, allOf/anyOf)`,
          ),
        );
        return;
      }
      if (next.sim !== this.sim) {
        this.fail(
          new SimulationError("BAD_YIELD", "A process yielded an event of another simulation"),
        );
        return;
      }
      if ((next._state & STAGE) !== PROCESSED) {
        next._addCallback(this);
        this.target = next;
        return;
      }
      // Already processed: continue at once with its value, as SimPy does.
      if (n >= MAX_IMMEDIATE_RESUMES) {
        this.fail(
          new SimulationError(
            "BAD_YIELD",
            `A process yielded ${MAX_IMMEDIATE_RESUMES} processed events in a row without time passing`,
          ),
        );
        return;
      }
      current = next;
    }
  }
}

/**
 * The value of an `anyOf` condition: which event fired first and its value.
 *
 * @remarks Since 0.1.0
 */
export interface AnyOfValue {
  /** The position of the first processed event in the list given to `anyOf`. */
  readonly index: number;
  /** That event's value. */
  readonly value: unknown;
}

/** @internal Builds the event behind `allOf` / `anyOf`. */
export function condition(
  sim: Simulation,
  events: readonly SimEvent<unknown>[],
  needAll: boolean,
): SimEvent<unknown[]> | SimEvent<AnyOfValue> {
  for (const e of events) {
    if (!(e instanceof SimEvent) || e.sim !== sim) {
      throw new SimulationError(
        "BAD_YIELD",
        `allOf/anyOf takes events of this simulation; got ${String(e)}`,
      );
    }
  }
  if (needAll) {
    const result = new SimEvent<unknown[]>(sim);
    let done = 0;
    const check = (e: SimEvent<unknown>): void => {
      if ((result._state & STAGE) !== PENDING) {
        if ((e._state & FAILED) !== 0) e._state |= DEFUSED;
        return;
      }
      if ((e._state & FAILED) !== 0) {
        e._state |= DEFUSED;
        result.fail(e._value);
        return;
      }
      done++;
      if (done === events.length) result.succeed(events.map((x) => x._value));
    };
    if (events.length === 0) result.succeed([]);
    for (const e of events) e.on(check);
    return result;
  }
  const result = new SimEvent<AnyOfValue>(sim);
  if (events.length === 0) {
    return result.succeed({ index: -1, value: undefined });
  }
  events.forEach((e, index) => {
    e.on((x) => {
      if ((result._state & STAGE) !== PENDING) {
        if ((x._state & FAILED) !== 0) x._state |= DEFUSED;
        return;
      }
      if ((x._state & FAILED) !== 0) {
        x._state |= DEFUSED;
        result.fail(x._value);
        return;
      }
      result.succeed({ index, value: x._value });
    });
  });
  return result;
}
