// The advisor's score of the page's plan. The page's profiles are scenarios;
// the advisor scores workload profiles, so each page profile maps onto the
// built-in advisor profile with the same workload (read-heavy → read-heavy,
// many-clients → connection-storm, cache-plans → catalog-reads: reads that
// saturate one node), and the page's toggles become the advisor's plan. The
// other page profiles have no advisor profile yet and say so. Pure data in,
// plain data out, so the worker can post it and the page render it as text.
import { type Advice, advise, BUILTIN_PROFILES, type PlanInput, type ProfileInput } from "dbsim";
import type { PlanJson, Toggles } from "./plan.js";

/** The advisor profile each page profile is scored as. */
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
  { key: "cost", label: "Cost per hour (advisor's plan)" },
  { key: "complexity", label: "Complexity, reversibility" },
  { key: "explanation", label: "Explanation" },
  { key: "next", label: "Next step" },
  { key: "runs", label: "Plan scored, seeds" },
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

const fig = (x: number | null): string =>
  x === null ? "—" : Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3);

function sloText(s: Advice["current"]["slos"][number]): string {
  if (s.status === "not scored") return `not scored${s.note ? `: ${s.note}` : ""}`;
  const margin =
    s.margin === null ? "" : `, margin ${s.margin >= 0 ? "+" : ""}${(s.margin * 100).toFixed(0)} %`;
  return `${s.status}: ${fig(s.value)} against ${fig(s.target)}${margin}${s.withinNoise ? " (within noise)" : ""}`;
}

function viewOf(advice: Advice): ScoreView {
  const c = advice.current;
  const next = advice.nextStep;
  const slots: Record<string, string> = Object.fromEntries(c.slos.map((s) => [s.slo, sloText(s)]));
  slots.cost =
    c.costPerHour === null ? `no price (${c.vcpus} vCPUs)` : `$${c.costPerHour.toFixed(2)} / h`;
  slots.complexity = `${c.complexity} point${c.complexity === 1 ? "" : "s"}, ${c.reversible ? "reversible" : "one-way door (sharding)"}`;
  slots.explanation =
    advice.symptoms.length === 0
      ? "No symptom: every resource has headroom."
      : advice.symptoms.map((s) => s.message).join(" ");
  slots.next =
    advice.suggestions.length === 0
      ? "none: no symptom calls for a step"
      : next === null
        ? "none: no step checked ranks before this plan"
        : `${next.step} → ${next.score.label}: ${next.score.met} of ${next.score.scored} SLOs met (simulated)`;
  slots.runs = `${c.label}; seeds ${advice.seeds.join(", ")}`;
  return {
    title: `Advisor score (${advice.profile} profile): ${c.met} of ${c.scored} SLOs met`,
    slots,
  };
}

/** Scores the page's plan with the advisor; deterministic for a plan. */
export function scoreOf(plan: PlanJson, toggles: Toggles): ScoreView {
  const profile = advisorProfile(plan);
  if (typeof profile === "string") {
    return { title: "Advisor score: not scored", slots: { explanation: profile } };
  }
  const advice = advise(profile, { plan: advisorPlan(toggles), maxSuggestions: MAX_SUGGESTIONS });
  return viewOf(advice);
}
