// The error the latency layer throws when a distribution or a table cannot be used.
// Schemas report problems as zod issues; this is for the programmatic entry points
// (compileDistribution, distributionMean, resolveLatencyTable), which fail once,
// at set-up, with every problem named in one message.

/**
 * The codes a {@link LatencyError} can carry.
 *
 * - `INVALID_DISTRIBUTION`: a spec or table row does not satisfy `DistributionSpecSchema`.
 * - `ROW_CYCLE`: rows refer to each other in a loop, so no row in it has a value.
 *
 * @remarks Since 0.1.0
 */
export type LatencyErrorCode = "INVALID_DISTRIBUTION" | "ROW_CYCLE";

/**
 * An error raised while validating or compiling latency distributions. Its message
 * names the bad value, where it is, and what was expected.
 *
 * @remarks Since 0.1.0
 */
export class LatencyError extends Error {
  /** What went wrong, as a stable code. */
  readonly code: LatencyErrorCode;

  /**
   * @param code - a stable code for the kind of error
   * @param message - a sentence naming the bad value and what was expected
   */
  constructor(code: LatencyErrorCode, message: string) {
    super(message);
    this.name = "LatencyError";
    this.code = code;
  }
}
