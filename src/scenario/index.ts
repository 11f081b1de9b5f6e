// The scenario layer: schema, parsing, the composition root, run and report.

export {
  BUILTIN_SCENARIOS,
  builtinScenario,
  builtinScenarioNames,
  DEFAULT_SCENARIO,
} from "./builtins.js";
export type { ComparisonColumn } from "./components/component.js";
export { ERROR_KINDS } from "./components/index.js";
export { DEFAULT_CACHE_NODE_TYPE, DEFAULT_HOST_INSTANCE, planCost } from "./cost.js";
export { CostItemSchema, type CostReport, CostReportSchema } from "./cost-schema.js";
export { diagram, renderMermaid, topologyOf } from "./diagram.js";
export { estimateWork, type MemoryItem, type WorkEstimate } from "./estimate.js";
export type { DiagramEdge, DiagramNode, TopologyGraph } from "./graph.js";
export { topologyColumns } from "./graph.js";
export { scenarioJsonSchema } from "./json-schema.js";
export {
  checkWorkLimits,
  DEFAULT_LIMITS,
  type RunLimits,
  resolveLimits,
  WorkLimitError,
} from "./limits.js";
export {
  formatIssue,
  InputError,
  type ParseResult,
  parseScenario,
  resolveScenario,
  ScenarioError,
  type ScenarioIssue,
} from "./parse.js";
export { type RateOf, rateOf } from "./rate-steps.js";
export {
  ConsistencyReportSchema,
  type LatencySummary,
  LatencySummarySchema,
  type NodeReport,
  NodeReportSchema,
  PoolingReportSchema,
  PoolReportSchema,
  type ProxyReport,
  ProxyReportSchema,
  ProxyServerReportSchema,
  ReplicationReportSchema,
  type Report,
  ReportSchema,
  RoutingReportSchema,
  roundFigure,
  type Verdict,
  type VerdictReason,
  VerdictReasonSchema,
  VerdictSchema,
} from "./report.js";
export {
  type LagPoint,
  type LagSeries,
  type LatencyHistograms,
  type RunScenarioOptions,
  runScenario,
  runScenarioDetailed,
  type ScenarioRun,
} from "./run.js";
export {
  ClientSchema,
  DatabaseSchema,
  DurationSchema,
  MAX_DURATION_MS,
  PoolSchema,
  ProxySchema,
  ReplicationSchema,
  RoutingSchema,
  type Scenario,
  type ScenarioInput,
  ScenarioSchema,
  WorkloadSchema,
} from "./schema.js";
export type { AbortSignalLike, RunProgress, StoppedBy } from "./stops.js";
export {
  alignColumns,
  formatDuration,
  formatFigure,
  NO_DATA,
  percentText,
  perSecText,
} from "./table-text.js";
export { componentColumns, componentSummaries, componentTables } from "./tables.js";
export {
  MAX_WINDOWS,
  type TimeSeriesReport,
  TimeSeriesReportSchema,
  TimeSeriesWindowSchema,
} from "./time-series.js";
export { type TimelineEntry, TimelineEntrySchema, TimelineSchema } from "./timeline.js";
export type { TimedEvent } from "./timeline-fields.js";
export { mergePatch, resolveVariants, runVariants, type ScenarioVariant } from "./variants.js";
