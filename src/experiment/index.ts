// Experiments: sweeps over a scenario's parameters with replications, their
// statistics, and the partial results of shards with their merge. Browser-safe:
// the worker pool lives in the Node-only entry (dbsim/node).
export {
  formatExperimentCsv,
  formatExperimentJson,
  formatExperimentJsonLines,
} from "./format.js";
export {
  type GridAxis,
  type GridPoint,
  gridPoints,
  pointScenario,
  rangeValues,
  setPath,
  type ValueRange,
} from "./grid.js";
export { canonicalJson, fnv1a64 } from "./hash.js";
export {
  histogramCdf,
  histogramToPortable,
  mergeHistograms,
  type PooledPercentiles,
  type PortableHistogram,
  pooledPercentiles,
  portableHistogram,
} from "./histogram.js";
export {
  type ChartSeries,
  type ChartSpec,
  type ExperimentHtmlOptions,
  experimentReportHtml,
  type HtmlRunPlan,
  lineChart,
  runReportHtml,
  topologySvg,
} from "./html/index.js";
export { checkPartials, mergePartials, PartialResultSchema, parsePartial } from "./merge.js";
export { metricPathProblem, metricValue } from "./metrics.js";
export {
  type AnalyticEstimate,
  analyticEstimate,
  type ClosedSolution,
  closedOneStation,
  erlangC,
  type LoadDependentStation,
  openResponseMs,
} from "./mva/index.js";
export {
  ExperimentError,
  type ExperimentParseResult,
  type ExperimentPlan,
  MAX_EXPERIMENT_RUNS,
  parseExperiment,
  resolveExperiment,
} from "./parse.js";
export {
  type PointPrecision,
  type Precision,
  pointPrecision,
  roundSizes,
} from "./precision.js";
export {
  type Comparison,
  type ExperimentResult,
  finalizeResult,
  MergeError,
  type MetricSummary,
  type PartialResult,
  type PointRuns,
  type PooledLatency,
  type RoundedInterval,
  type RunRecord,
} from "./result.js";
export {
  assemblePartial,
  checkRunLimits,
  executeRun,
  experimentHash,
  experimentRounds,
  planRuns,
  type RunExperimentOptions,
  type RunTask,
  runExperiment,
  runExperimentPartial,
  runPlanPartial,
  type Shard,
  WHOLE,
} from "./run.js";
export {
  type Experiment,
  type ExperimentInput,
  ExperimentSchema,
  experimentJsonSchema,
} from "./schema.js";
export { deriveSeed } from "./seeds.js";
export {
  batchMeansInterval,
  type Interval,
  mean,
  mser5,
  type PairedComparison,
  pairedComparison,
  type SampleSummary,
  sampleVariance,
  studentTCentral,
  studentTQuantile,
  summarizeSample,
  tInterval,
  type WarmupSuggestion,
  welchInterval,
} from "./stats.js";
export {
  averageSeries,
  TRANSIENT_WINDOWS,
  type TransientCheck,
  TransientCheckSchema,
  transientOf,
} from "./transient.js";
