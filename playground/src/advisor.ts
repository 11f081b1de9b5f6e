// The advisor's score of the page's plan: the page's own scenario, as written
// (nodes sized by cores), run for three seeds and judged against SLOs. Each
// page profile takes the SLOs of the built-in advisor profile with its workload
// (read-heavy → read-heavy, many-clients → connection-storm, cache-plans →
// catalog-reads); the others a default SLO set. The explanation is diagnosed
// from the page's runs. The next step is the advisor's: it is checked on the
// advisor's plan of the toggles (an RDS node size, the profile's workload),
// because a step is a change to an advisor plan, not to a scenario. Pure data
// in, plain data out, so the worker can post it and the page render it as text.
import {
  type Advice,
  advise,
  BUILTIN_PROFILES,
  diagnose,
  type PlanInput,
  type ProfileInput,
  planTraits,
  resolvePlan,
  resolveProfile,
  type ScenarioInput,
  type ScenarioScore,
  type SloInput,
  type SloResult,
  scoreScenario,
} from "dbsim";
import type { PlanJson, Toggles } from "./plan.js";

/** The advisor profile whose SLOs (and next steps) each page profile takes. */
export const ADVISOR_PROFILE: Readonly<Record<string, string>> = {
  "read-heavy": "read-heavy",
  "many-clients": "connection-storm",
  "cache-plans": "catalog-reads",
};

/** The score's slots, in the order the page lists them: fixed, so nothing moves. */
export const SCORE_SLOTS: readonly { key: string; label: string }[] = [
  { key: "readP99Ms", label: "Read p99 SLO" },
  { key: "writeP99Ms", label: "Write p99 SLO" },
  { key: "errorBudget", label: "Error budget" },
  { key: "staleReadBudget", label: "Stale read budget" },
  { key: "availability", label: "Availability" },
  { key: "budgetPerHour", label: "Budget per hour" },
  { key: "cost", label: "Cost per hour" },
  { key: "complexity", label: "Complexity, reversibility" },
  { key: "explanation", label: "Explanation" },
  { key: "next", label: "Next step (advisor's plan)" },
  { key: "runs", label: "Scenario scored, seeds" },
];

/** The score as the page shows it: a title and a sentence per slot, never markup. */
export interface ScoreView {
  readonly title: string;
  readonly slots: Readonly<Record<string, string>>;
}

/** Suggestions checked at most: each is three more runs. */
const MAX_SUGGESTIONS = 2;

/** The advisor's plan of the page's toggles (the node size is the profile's). */
export function advisorPlan(t: Toggles): PlanInput {
  return {
    ...(t.replica.on
      ? { replicas: { count: Math.min(15, t.replica.count), mode: t.replica.mode } }
      : {}),
    ...(t.pool.on ? { pool: { mode: t.pool.mode, size: t.pool.size } } : {}),
    ...(t.cache.on
      ? {
          cache: {
            pattern: t.cache.pattern,
            ...(t.cache.ttl === "none" ? {} : { ttl: t.cache.ttl }),
          },
        }
      : {}),
    ...(t.shard.on
      ? { shards: { count: Math.max(2, t.shard.count), strategy: t.shard.strategy } }
      : {}),
  };
}

/**
 * The advisor profile for a page plan, its simulation window the page's (so
 * the score takes about as long per run as the figures did), or why there is none.
 */
export function advisorProfile(plan: PlanJson): ProfileInput | string {
  const name = typeof plan.name === "string" ? plan.name : "";
  const advisorName = ADVISOR_PROFILE[name];
  const profile = advisorName === undefined ? undefined : BUILTIN_PROFILES[advisorName];
  if (profile === undefined) {
    return `the page profile "${name}" has no advisor profile yet (scored: ${Object.keys(ADVISOR_PROFILE).join(", ")})`;
  }
  const window = {
    ...(plan.duration !== undefined ? { duration: plan.duration } : {}),
    ...(plan.warmup !== undefined ? { warmup: plan.warmup } : {}),
  };
  return { ...profile, simulation: { ...profile.simulation, ...window } } as ProfileInput;
}

/**
 * The SLOs of page profiles without an advisor profile: a generic OLTP target
 * (read p99 10 ms, write p99 20 ms, 0.1 % of operations unserved), with the
 * schema's defaults for the rest (stale reads unconstrained, no budget).
 */
export const DEFAULT_SLO: SloInput = { readP99Ms: 10, writeP99Ms: 20, errorBudget: 0.001 };

/** Seeds of the score's runs. */
const SEEDS = 3;

/** The SLOs a page plan is judged against and where they come from. */
export function pageSlos(plan: PlanJson): { slo: SloInput; source: string; budget?: number } {
  const name = typeof plan.name === "string" ? plan.name : "";
  const advisorName = ADVISOR_PROFILE[name];
  const profile = advisorName === undefined ? undefined : BUILTIN_PROFILES[advisorName];
  if (advisorName === undefined || profile === undefined) {
    return { slo: DEFAULT_SLO, source: "default SLOs" };
  }
  return {
    slo: profile.slo,
    source: `${advisorName} profile's SLOs`,
    ...(profile.budgetPerHour !== undefined ? { budget: profile.budgetPerHour } : {}),
  };
}

/**
 * The page's own scenario scored: three runs, seeds derived from the
 * scenario's seed as the advisor derives a profile's (`deriveSeed(seed, 0, r)`).
 */
export function pageScore(plan: PlanJson): ScenarioScore {
  const { slo, budget } = pageSlos(plan);
  return scoreScenario(slo, plan as ScenarioInput, {
    seeds: SEEDS,
    ...(typeof plan.seed === "number" ? { seed: plan.seed } : {}),
    ...(budget !== undefined ? { budgetPerHour: budget } : {}),
  });
}

const fig = (x: number | null): string =>
  x === null ? "—" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);

function sloText(s: SloResult): string {
  if (s.status === "not scored") return `not scored${s.note ? `: ${s.note}` : ""}`;
  const margin =
    s.margin === null ? "" : `, margin ${s.margin >= 0 ? "+" : ""}${(s.margin * 100).toFixed(0)} %`;
  return `${s.status}: ${fig(s.value)} against ${fig(s.target)}${margin}${s.withinNoise ? " (within noise)" : ""}`;
}

function nextText(advice: Advice | null, why: string): string {
  if (advice === null) return why;
  const next = advice.nextStep;
  return advice.suggestions.length === 0
    ? "none: no symptom calls for a step"
    : next === null
      ? "none: no step checked ranks before this plan"
      : `${next.step} → ${next.score.label}: ${next.score.met} of ${next.score.scored} SLOs met (simulated on the advisor's plan, ${next.score.plan.size})`;
}

/** The page's runs' symptoms, diagnosed as the mapped advisor profile's workload. */
function explanation(score: ScenarioScore, profile: ProfileInput | string): string {
  if (typeof profile === "string") {
    return `Not diagnosed: ${profile}.`;
  }
  const symptoms = diagnose(resolveProfile(profile), score.evidence, score.slos);
  return symptoms.length === 0
    ? "No symptom: every resource has headroom."
    : symptoms.map((s) => s.message).join(" ");
}

function nodesText(score: ScenarioScore): string {
  const nodes = score.evidence.nodes;
  const cores = [...new Set(nodes.map((n) => n.cores))].join("/");
  return `${nodes.length} node${nodes.length === 1 ? "" : "s"} of ${cores} cores`;
}

/** Scores the page's plan: its own scenario against its SLOs; deterministic for a plan. */
export function scoreOf(plan: PlanJson, toggles: Toggles): ScoreView {
  const score = pageScore(plan);
  const { source } = pageSlos(plan);
  const profile = advisorProfile(plan);
  const advice =
    typeof profile === "string"
      ? null
      : advise(profile, { plan: advisorPlan(toggles), maxSuggestions: MAX_SUGGESTIONS });
  const traits = planTraits(resolvePlan(advisorPlan(toggles)));
  const slots: Record<string, string> = Object.fromEntries(
    score.slos.map((s) => [s.slo, sloText(s)]),
  );
  slots.cost =
    score.costPerHour === null
      ? `no price (${score.vcpus} cores)`
      : `$${score.costPerHour.toFixed(2)} / h`;
  slots.complexity = `${traits.complexity} point${traits.complexity === 1 ? "" : "s"}, ${traits.reversible ? "reversible" : "one-way door (sharding)"}`;
  slots.explanation = explanation(score, profile);
  slots.next = nextText(
    advice,
    "not checked: this page profile has no advisor profile to try steps on",
  );
  slots.runs = `the page's scenario, ${nodesText(score)}; seeds ${score.seeds.join(", ")}`;
  return {
    title: `Advisor score (${source}): ${score.met} of ${score.scored} SLOs met`,
    slots,
  };
}
