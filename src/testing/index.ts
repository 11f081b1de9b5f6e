// dbsim/testing: helpers for property-based tests of simulations. fast-check is
// a peer dependency of this entry only; the main entry does not need it. The
// consistency checkers and History are re-exported (the very same functions and
// class as in the main entry) so a property test needs only this import besides
// the runner.
export type {
  CheckAllResult,
  CheckOptions,
  CheckResult,
  HistoryInput,
  HistoryOp,
  MonotonicWritesOptions,
  StalenessResult,
  Violation,
} from "../consistency/index.js";
export {
  acrossShards,
  checkAll,
  checkConcurrentWrites,
  checkLostWrites,
  checkMonotonicReads,
  checkMonotonicReadsPerKey,
  checkMonotonicWrites,
  checkReadYourWrites,
  checkWritesFollowReads,
  History,
  measureStaleness,
} from "../consistency/index.js";
export {
  type ArbHistoryOptions,
  type ArbScenarioOptions,
  arbDistributionSpec,
  arbHistory,
  arbHistoryOp,
  arbScenario,
  arbSeed,
  type ConsistencyPolicyInput,
  type RoutingInput,
  type SectionChoice,
} from "./arbitraries.js";
export { createTraceHasher, type TraceHasher } from "./trace-hash.js";
