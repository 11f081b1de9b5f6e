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
  | "EVENT_ALREADY_TRIGGERED";

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
