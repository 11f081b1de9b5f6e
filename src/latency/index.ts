// The latency layer's public surface: the published table, distribution specs and
// their samplers. Every export is listed by hand so nothing leaks by accident.
export { MAX_DRAW_MS } from "./bounds.js";
export { compileDistribution, type Sampler } from "./compile.js";
export { describeDistribution } from "./describe.js";
export {
  type ConstantDistribution,
  DISTRIBUTION_KINDS,
  type DistributionKind,
  type DistributionObject,
  type DistributionSpec,
  type EmpiricalDistribution,
  type ExponentialDistribution,
  type LognormalDistribution,
  type MixtureDistribution,
  type MixturePart,
  type NormalDistribution,
  type ParetoDistribution,
  type UniformDistribution,
} from "./distribution-types.js";
export { DistributionSpecSchema, MAX_MIXTURE_DEPTH } from "./distributions.js";
export { LatencyError, type LatencyErrorCode } from "./errors.js";
export { distributionMean } from "./mean.js";
export {
  type LatencyOverrides,
  LatencyOverridesSchema,
  resolveLatencyTable,
} from "./resolve.js";
export {
  isLatencyRowName,
  LATENCY_ROW_NAMES,
  LATENCY_TABLE,
  type LatencyRow,
  type LatencyRowName,
  type LatencyTable,
} from "./table.js";
export { ms, ns, s, us } from "./units.js";
