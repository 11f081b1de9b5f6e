// The consistency layer: an operation history, offline checkers for the session
// guarantees of Terry et al. 1994 (read your writes, monotonic reads, monotonic
// writes, writes follow reads) with a staleness measure, and an online monitor that
// counts the same violations in bounded memory. It imports only metrics. Every export
// is listed by hand so nothing leaks by accident.

export { acrossShards } from "./across-shards.js";
export type {
  CheckAllResult,
  CheckOptions,
  CheckResult,
  HistoryInput,
  MonotonicWritesOptions,
  StalenessResult,
  Violation,
} from "./checkers.js";
export {
  checkAll,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkWritesFollowReads,
  measureStaleness,
} from "./checkers.js";
export type { ConcurrentWrite, ConcurrentWritesResult } from "./concurrent-writes.js";
export { checkConcurrentWrites, lastWriterWins } from "./concurrent-writes.js";
export type { HistoryOp, HistoryOptions } from "./history.js";
export {
  DEFAULT_HISTORY_LIMIT,
  HISTORY_BYTES_PER_OP,
  History,
  HistoryFormatError,
  historyOpToJSONLine,
  parseHistoryLine,
} from "./history.js";
export { checkLostWrites } from "./lost-writes.js";
export type { MonitorCounts } from "./monitor.js";
export { ConsistencyMonitor } from "./monitor.js";
