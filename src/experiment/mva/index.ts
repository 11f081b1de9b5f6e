// The analytic estimate beside the simulation (exact MVA, Erlang C).
export { type AnalyticEstimate, analyticEstimate } from "./estimate.js";
export {
  type ClosedSolution,
  closedOneStation,
  erlangC,
  type LoadDependentStation,
  openResponseMs,
} from "./queueing.js";
