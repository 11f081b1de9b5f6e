// The analytic estimate beside the simulation (exact MVA, Erlang C).
export { type AnalyticEstimate, analyticEstimate } from "./estimate.js";
export {
  type ClosedSolution,
  closedMva,
  closedOneStation,
  erlangC,
  type LoadDependentStation,
  MAX_MVA_CUSTOMERS,
  openResponseMs,
} from "./queueing.js";
