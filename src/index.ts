// dbsim: deterministic discrete-event simulation of database scaling
// architectures. Every public name is listed here by hand, so nothing leaks by
// accident.

// Kernel
export {
  type AnyOfValue,
  DEFAULT_MAX_EVENTS,
  type EventCallback,
  type EventHandle,
  Interrupt,
  PriorityResource,
  Process,
  type ProcessGenerator,
  RandomStream,
  Request,
  Resource,
  type ResourceOptions,
  type RunOptions,
  type RunResult,
  SimEvent,
  Simulation,
  SimulationError,
  type SimulationErrorCode,
  type SimulationOptions,
  type StopReason,
  Store,
  type StoreOptions,
  type TraceFn,
  type UniformSource,
} from "./kernel/index.js";

// Latency table and distributions
export {
  type ConstantDistribution,
  compileDistribution,
  DISTRIBUTION_KINDS,
  type DistributionKind,
  type DistributionObject,
  type DistributionSpec,
  DistributionSpecSchema,
  describeDistribution,
  distributionMean,
  type EmpiricalDistribution,
  type ExponentialDistribution,
  isLatencyRowName,
  LATENCY_ROW_NAMES,
  LATENCY_TABLE,
  LatencyError,
  type LatencyErrorCode,
  type LatencyOverrides,
  LatencyOverridesSchema,
  type LatencyRow,
  type LatencyRowName,
  type LatencyTable,
  type LognormalDistribution,
  type MixtureDistribution,
  type MixturePart,
  ms,
  type NormalDistribution,
  ns,
  type ParetoDistribution,
  resolveLatencyTable,
  type Sampler,
  s,
  type UniformDistribution,
  us,
} from "./latency/index.js";

// Metrics
export {
  Counter,
  CounterMap,
  Histogram,
  type HistogramOptions,
  type HistogramSummary,
  isAfterWarmup,
  type RateWindow,
  type Resettable,
  TimeWeighted,
  WarmupGate,
  WindowedRate,
  type WindowedRateOptions,
} from "./metrics/index.js";

// Models (the request path's contract and the building blocks)
export {
  type ClientConfig,
  type ConnectionPolicy,
  DatabaseClient,
  type ServerPort,
} from "./models/client/client.js";
export {
  type Done,
  ERROR_KINDS,
  type ErrorKind,
  Operation,
  type OperationKind,
  type Service,
} from "./models/operation.js";
export { DatabaseServer, type ServerConfig } from "./models/server/server.js";
export {
  createKeyChooser,
  type KeyChooser,
  type KeyPopularity,
  ZipfSampler,
} from "./models/workload/keys.js";
export {
  type DrawFn,
  type RateSchedule,
  Workload,
  type WorkloadConfig,
} from "./models/workload/workload.js";

// Scenario, run and report
export {
  BUILTIN_SCENARIOS,
  builtinScenario,
  builtinScenarioNames,
  ClientSchema,
  DatabaseSchema,
  DEFAULT_SCENARIO,
  type DiagramEdge,
  type DiagramNode,
  DurationSchema,
  diagram,
  formatIssue,
  type LatencySummary,
  LatencySummarySchema,
  type NodeReport,
  NodeReportSchema,
  type ParseResult,
  parseScenario,
  type Report,
  ReportSchema,
  type RunScenarioOptions,
  renderMermaid,
  resolveScenario,
  roundFigure,
  runScenario,
  runScenarioDetailed,
  type Scenario,
  ScenarioError,
  type ScenarioInput,
  type ScenarioIssue,
  type ScenarioRun,
  ScenarioSchema,
  scenarioJsonSchema,
  type TopologyGraph,
  topologyOf,
  WorkloadSchema,
} from "./scenario/index.js";
