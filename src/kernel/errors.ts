/**
 * The codes a {@link SimulationError} can carry.
 *
 * @remarks Since 0.1.0
 */
export type SimulationErrorCode =
  | "NEGATIVE_DELAY"
  | "BAD_TIME"
  | "PAST_TIME"
  | "BAD_PRIORITY"
  | "BAD_SEED"
  | "BAD_LIMIT"
  | "BAD_CAPACITY"
  | "BAD_UNIFORM"
  | "EMPTY_PICK"
  | "BAD_RELEASE"
  | "BAD_YIELD"
  | "PROCESS_FAILED"
  | "NOT_RUNNING"
  | "REENTRANT_RUN"
  | "EVENT_ALREADY_TRIGGERED"
  | "LIVELOCK";

/**
 * An error raised by the simulation kernel. Its `code` says what went wrong and
 * its message names the bad value (`Negative delay -3 ms`).
 *
 * @remarks Since 0.1.0
 */
export class SimulationError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: SimulationErrorCode;

  /**
   * @param code - a stable code for the kind of error
   * @param message - a sentence naming the bad value and what was expected
   */
  constructor(code: SimulationErrorCode, message: string) {
    super(message);
    this.name = "SimulationError";
    this.code = code;
  }
}

/**
 * Thrown by {@link Simulation.run} when more events than
 * `SimulationOptions.maxEventsPerInstant` run at one instant: the clock stands
 * still (something retries at no time cost), so the run would never reach its
 * end. The queue is left as it was, before the event that tripped the limit.
 *
 * @remarks Since 0.2.0
 */
export class LivelockError extends SimulationError {
  /** The instant the clock stood still at (ms). */
  readonly timeMs: number;
  /** Events run at that instant before the run stopped. */
  readonly events: number;
  /** The name of the callback or event type that was about to run again (`"anonymous callback"` when it has none). */
  readonly handler: string;
  /** The component that retries, when the caller could tell (e.g. `"database primary (max_connections 10)"`). */
  readonly component: string | undefined;

  /**
   * @param timeMs - the instant
   * @param events - events run at it
   * @param handler - the name of the next callback or event type
   * @param context - what the caller knows: the component, and a hint at the fix
   */
  constructor(
    timeMs: number,
    events: number,
    handler: string,
    context?: { readonly component: string; readonly hint: string },
  ) {
    super(
      "LIVELOCK",
      context === undefined
        ? `Livelock: ${events} events ran at ${timeMs} ms without the clock moving (next: ${handler}); something retries at no time cost`
        : `Livelock in ${context.component}: ${events} events ran at ${timeMs} ms without the clock moving; ${context.hint}`,
    );
    this.name = "LivelockError";
    this.timeMs = timeMs;
    this.events = events;
    this.handler = handler;
    this.component = context?.component;
  }
}
