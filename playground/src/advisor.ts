// The advisor's score of the page's plan: the page's own scenario, as written
// (nodes sized by cores), run for three seeds and judged against SLOs. Each
// page profile takes the SLOs of the built-in advisor profile with its workload
// (read-heavy → read-heavy, many-clients → connection-storm, cache-plans →
// catalog-reads); the others a default SLO set. The explanation is diagnosed
// from the page's runs, and each step the symptoms call for is applied to the
// page's scenario itself (applyScenarioStep) and simulated on the same seeds,
// so the next step's figures are those `dbsim run` gives for the stepped
// scenario. Pure data in, plain data out, so the worker can post it and the
// page render it as text.
import {
  adviseScenario,
  BUILTIN_PROFILES,
  type PlanInput,
  planTraits,
  resolvePlan,
  type ScenarioAdvice,
  type ScenarioInput,
  type ScenarioScore,
  type ScenarioSuggestion,
  type SloInput,
  type SloResult,
  scoreScenario,
} from "dbsim";
import type { PlanJson, Toggles } from "./plan.js";

/** The advisor profile whose SLOs each page profile takes. */
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
  { key: "next", label: "Next step (checked on this scenario)" },
  { key: "runs", label: "Scenario scored, seeds" },
];

/** The score as the page shows it: a title and a sentence per slot, never markup. */
export interface ScoreView {
  readonly title: string;
  readonly slots: Readonly<Record<string, string>>;
  /** The next step's scenario and the seeds it was simulated on, or null when there is none. */
  readonly next: {
    readonly step: string;
    readonly scenario: PlanJson;
    readonly seeds: readonly number[];
  } | null;
}

/** Suggestions checked at most: each is three more runs. */
const MAX_SUGGESTIONS = 3;

/** The advisor's plan of the page's toggles: its components give the complexity. */
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
  return scoreScenario(slo, plan as ScenarioInput, scoreOptions(plan, budget));
}

function scoreOptions(plan: PlanJson, budget: number | undefined) {
  return {
    seeds: SEEDS,
    ...(typeof plan.seed === "number" ? { seed: plan.seed } : {}),
    ...(budget !== undefined ? { budgetPerHour: budget } : {}),
  };
}

/**
 * The page's own scenario scored as {@link pageScore} does, diagnosed, and
 * each step its symptoms call for applied to it and simulated on the same seeds.
 */
export function pageAdvice(plan: PlanJson): ScenarioAdvice {
  const { slo, budget } = pageSlos(plan);
  return adviseScenario(slo, plan as ScenarioInput, {
    ...scoreOptions(plan, budget),
    maxSuggestions: MAX_SUGGESTIONS,
  });
}

const fig = (x: number | null): string =>
  x === null ? "—" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);

function sloText(s: SloResult): string {
  if (s.status === "not scored") return `not scored${s.note ? `: ${s.note}` : ""}`;
  const margin = s.margin === null ? "" : `, margin ${percent(s.margin)}`;
  return `${s.status}: ${fig(s.value)} against ${fig(s.target)}${margin}${s.withinNoise ? " (within noise)" : ""}`;
}

/** What a step did to the page's scenario, read from the stepped scenario itself. */
function stepText(g: ScenarioSuggestion): string {
  const next = g.score.scenario;
  switch (g.step) {
    case "scale-up":
      return `scale up to ${next.database?.size ?? `${next.database?.cores} cores`}`;
    case "replica":
      return `${String(next.replication?.replicas)} read replicas`;
    case "pool":
      return "pgbouncer, transaction pool of 20";
    case "cache":
      return "Redis cache-aside, TTL 5 min";
    case "semi-sync":
      return "semi-sync replication (a commit waits for a replica's receipt)";
    case "cqrs":
      return `a CQRS read model serving ${Math.round((next.cqrs?.projections[0]?.serves ?? 0) * 100)} % of the reads`;
    case "shard":
      return `${String(next.sharding?.shards)} shards`;
    case "read-primary-after-write":
      return "read from the primary for 1 s after a write";
    case "sync-replication":
      return "sync replication (remote_apply, every replica)";
    case "shard-key":
      return `shard by ${String(next.sharding?.key)}`;
    case "write-batching":
      return "write batching (commit_delay 0.5 ms)";
  }
}

/** A step's SLOs met and its p99s, each with its margin against the SLO. */
function figuresText(score: ScenarioScore): string {
  const p99 = (key: string) => {
    const s = score.slos.find((x) => x.slo === key);
    const margin = s?.margin === null || s?.margin === undefined ? "" : ` (${percent(s.margin)})`;
    return `${fig(s?.value ?? null)} ms${margin}`;
  };
  return `${score.met} of ${score.scored} SLOs met, read p99 ${p99("readP99Ms")}, write p99 ${p99("writeP99Ms")}`;
}

const percent = (margin: number): string =>
  `${margin >= 0 ? "+" : ""}${(margin * 100).toFixed(0)} %`;

function nextText(advice: ScenarioAdvice): string {
  const next = advice.nextStep;
  if (advice.suggestions.length === 0) {
    return advice.symptoms.length === 0
      ? "none: no symptom calls for a step"
      : "none: no step applies to this scenario";
  }
  if (next === null) {
    // The best tried only, so the slot keeps its height (the rest are ranked after it).
    const best = advice.suggestions[0] as ScenarioSuggestion;
    const had = new Set(advice.symptoms.map((x) => x.code));
    const fresh = [...new Set(best.symptoms.map((x) => x.code))].filter((c) => !had.has(c));
    const shows = fresh.length > 0 ? `, shows ${fresh.join(", ")}` : "";
    const count = advice.suggestions.length;
    return `none ranks before this scenario (${count} step${count === 1 ? "" : "s"} checked); the best, ${stepText(best)}: ${figuresText(best.score)}${shows}`;
  }
  const cures = next.cures.length === 0 ? "" : `; no longer ${next.cures.join(", ")}`;
  return `${stepText(next)}: ${figuresText(next.score)}${cures} (simulated on this scenario)`;
}

/** The page's runs' symptoms, diagnosed from the page's own scenario. */
function explanation(advice: ScenarioAdvice): string {
  return advice.symptoms.length === 0
    ? "No symptom: every resource has headroom."
    : advice.symptoms.map((s) => s.message).join("; ");
}

function nodesText(score: ScenarioScore): string {
  const nodes = score.evidence.nodes;
  const cores = [...new Set(nodes.map((n) => n.cores))].join("/");
  return `${nodes.length} node${nodes.length === 1 ? "" : "s"} of ${cores} cores`;
}

/** Scores the page's plan: its own scenario against its SLOs; deterministic for a plan. */
export function scoreOf(plan: PlanJson, toggles: Toggles): ScoreView {
  const advice = pageAdvice(plan);
  const score = advice.current;
  const { source } = pageSlos(plan);
  const traits = planTraits(resolvePlan(advisorPlan(toggles)));
  const slots: Record<string, string> = Object.fromEntries(
    score.slos.map((s) => [s.slo, sloText(s)]),
  );
  slots.cost =
    score.costPerHour === null
      ? `no price (${score.vcpus} cores)`
      : `$${score.costPerHour.toFixed(2)} / h`;
  slots.complexity = `${traits.complexity} point${traits.complexity === 1 ? "" : "s"}, ${traits.reversible ? "reversible" : "one-way door (sharding)"}`;
  slots.explanation = explanation(advice);
  slots.next = nextText(advice);
  slots.runs = `the page's scenario, ${nodesText(score)}; seeds ${score.seeds.join(", ")}`;
  const next = advice.nextStep;
  return {
    title: `Advisor score (${source}): ${score.met} of ${score.scored} SLOs met`,
    slots,
    next:
      next === null
        ? null
        : { step: next.step, scenario: next.score.scenario as PlanJson, seeds: next.score.seeds },
  };
}
