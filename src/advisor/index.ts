// The advisor: a workload profile scored against a scaling plan by simulating
// it, explained from the runs' evidence, and a bounded walk of the progression.
export {
  type Advice,
  type AdviseOptions,
  advise,
  NOT_SCORED,
  type Suggestion,
} from "./advise.js";
export {
  adviseScenario,
  type ScenarioAdvice,
  type ScenarioAdviseOptions,
  type ScenarioSuggestion,
} from "./advise-scenario.js";
export {
  type AvailabilityEvidence,
  availabilityPerSeed,
  crashScenario,
  type FailureModel,
  FailureModelSchema,
} from "./availability.js";
export { BUILTIN_PROFILES, builtinProfile } from "./builtins.js";
export { reportCostPerHour } from "./cost.js";
export {
  BUSY_UTILIZATION,
  CHURN_PER_SEC,
  type DiagnosisWorkload,
  diagnose,
  HOT_SHARD_IMBALANCE,
  LOW_HIT_RATIO,
  SCATTER_SHARE,
  type Symptom,
} from "./diagnose.js";
export {
  type Evidence,
  gatherEvidence,
  type NodeEvidence,
  type ShardingEvidence,
} from "./evidence.js";
export { formatAdvice, formatSearch } from "./format.js";
export {
  AdvisorError,
  type ProfileParseResult,
  parseProfile,
  resolvePlan,
  resolveProfile,
} from "./parse.js";
export { planLabel, planScenario } from "./plan-scenario.js";
export {
  type Plan,
  type PlanInput,
  PlanSchema,
  type Profile,
  type ProfileInput,
  ProfileSchema,
  profileJsonSchema,
  SloSchema,
} from "./profile.js";
export { comparePlans, type RankKey, rankPlans } from "./rank.js";
export { applyScenarioStep, type ScenarioStep } from "./scenario-steps.js";
export {
  type PlanScore,
  profileSeeds,
  type ScoreOptions,
  type SloResult,
  scorePlan,
} from "./score.js";
export {
  type ScenarioScore,
  type ScenarioScoreOptions,
  type SloInput,
  scoreScenario,
} from "./score-scenario.js";
export {
  planSearch,
  SEARCH_STAGES,
  type SearchEstimate,
  type SearchOptions,
  type SearchResult,
  searchPlans,
} from "./search.js";
export { applyStep, nextSize, PROGRESSION, type Step } from "./steps.js";
export { COMPONENT_TRAITS, type ComponentTraits, planTraits } from "./traits.js";
