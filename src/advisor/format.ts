// Advice and search results as text for people: each SLO with its value, its
// interval over the seeds and its margin; the evidence; the steps checked with
// their figures; the seeds that reproduce every run.
import type { Advice, Suggestion } from "./advise.js";
import type { PlanScore, SloResult } from "./score.js";
import type { SearchResult } from "./search.js";

const fig = (x: number | null): string => (x === null ? "–" : String(Number(x.toPrecision(4))));
const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;

/** A share near 1 (availability) needs its nines: 0.99861, not 0.9986. */
const nines = (x: number | null): string =>
  x === null
    ? "–"
    : String(Number(x.toPrecision(Math.max(4, 2 - Math.floor(Math.log10(1 - x || 1e-12))))));

/** A margin under 1 % keeps two significant digits rather than rounding to 0 %. */
const marginPct = (x: number): string =>
  x !== 0 && Math.abs(x) < 0.01 ? `${(x * 100).toPrecision(2)} %` : pct(x);

function sloLine(s: SloResult): string {
  if (s.status === "not scored")
    return `  ${s.slo.padEnd(16)} not scored${s.note === undefined ? "" : `: ${s.note}`}`;
  const f = s.slo === "availability" ? nines : fig;
  const ci = s.ci95 ? `95 % CI ${f(s.ci95.low)}–${f(s.ci95.high)}` : "";
  const margin =
    s.margin === null ? "" : `margin ${s.margin >= 0 ? "+" : ""}${marginPct(s.margin)}`;
  const noise = s.withinNoise ? " (within noise: the interval holds the target)" : "";
  return `  ${s.slo.padEnd(16)} ${s.status.padEnd(7)} ${f(s.value)} against ${f(s.target)}, ${ci}, ${margin}${noise}`;
}

function costText(score: PlanScore): string {
  return score.costPerHour === null
    ? "cost per hour unknown (an item has no price: the report's cost.unpriced names it)"
    : `$${score.costPerHour.toFixed(2)} per hour (instance hours of its database, pgbouncer and cache nodes)`;
}

function evidenceLines(score: PlanScore): string[] {
  const e = score.evidence;
  const nodes = e.nodes
    .map(
      (n) =>
        `${n.name} ${pct(n.utilization)} CPU, ${fig(n.readsPerSec)} reads/s, ${fig(n.writesPerSec)} writes/s`,
    )
    .map((t) => `    ${t}`);
  const extra = [
    e.cacheHitRatio === null ? "" : `cache hit ratio ${pct(e.cacheHitRatio)}`,
    e.replayLagP99Ms === null ? "" : `replay lag p99 ${fig(e.replayLagP99Ms)} ms`,
    e.poolWaitMs === null ? "" : `pool wait mean ${fig(e.poolWaitMs)} ms`,
    `connections opened ${fig(e.connectionsOpenedPerSec)}/s`,
    `verdicts ${e.verdicts.join(", ")}`,
  ].filter((t) => t !== "");
  return [...nodes, `    ${extra.join("; ")}`];
}

/** A plan's score as lines. */
function scoreLines(score: PlanScore): string[] {
  const door = score.reversible ? "reversible" : "one-way door (sharding)";
  return [
    `Plan: ${score.label}`,
    `  SLOs met: ${score.met} of ${score.scored} scored`,
    ...score.slos.map(sloLine),
    `  ${costText(score)}; complexity ${score.complexity}, ${door}`,
    "  evidence (mean over the seeds):",
    ...evidenceLines(score),
    ...availabilityLines(score),
  ];
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

function availabilityLines(score: PlanScore): string[] {
  const a = score.availability;
  if (a === null) return [];
  const promoted = a.promoted[0] ?? null;
  const how = promoted === null ? "no replica: down until replaced" : `${promoted} promoted`;
  return [
    `  ${a.shard?.node ?? "primary"} crash at ${fig(a.crashAtMs)} ms (one per ${fig(a.intervalMs / 3_600_000)} h${a.shard ? ` per shard, ${a.shard.shards} shards` : ""}): ${how}; recovery ${fig(mean(a.recoveryMs))} ms, acknowledged writes lost ${fig(mean(a.lostWrites))} (RPO ${fig(mean(a.rpoMs))} ms)`,
  ];
}

function suggestionLine(s: Suggestion, i: number): string {
  const read = s.score.slos.find((x) => x.slo === "readP99Ms");
  const cost =
    s.score.costPerHour === null ? "cost unknown" : `$${s.score.costPerHour.toFixed(2)}/h`;
  return `  ${i + 1}. ${s.step} -> ${s.score.label}: ${s.score.met} of ${s.score.scored} SLOs met, read p99 ${fig(read?.value ?? null)} ms, ${cost}, complexity ${s.score.complexity}${s.better ? "" : " (not better)"} — for ${s.because.join(", ")}`;
}

/**
 * Advice as text.
 *
 * @remarks Since 0.2.0
 */
export function formatAdvice(advice: Advice): string {
  const lines = [
    `Profile ${advice.profile}: every plan run with seeds ${advice.seeds.join(", ")}`,
    ...scoreLines(advice.current),
    "Symptoms:",
    ...(advice.symptoms.length === 0
      ? ["  none: every SLO is met and no resource is busy"]
      : advice.symptoms.map((s) => `  - ${s.message}`)),
  ];
  if (advice.suggestions.length > 0) {
    lines.push(
      "Steps checked by simulation, best first:",
      ...advice.suggestions.map(suggestionLine),
    );
  }
  lines.push(
    advice.nextStep === null
      ? "Next step: none that ranks better than this plan"
      : `Next step: ${advice.nextStep.step} (${advice.nextStep.score.label})`,
    "Not scored:",
    ...advice.notScored.map((n) => `  - ${n}`),
    "Reproduce a run: --format json gives each plan's scenario; dbsim run it with --seed <one of the seeds>",
  );
  return `${lines.join("\n")}\n`;
}

/**
 * A search's result as text.
 *
 * @remarks Since 0.2.0
 */
export function formatSearch(result: SearchResult): string {
  const e = result.estimate;
  const lines = [
    `Search: ${e.runs} runs at most, about ${e.eventsPerRun.toExponential(2)} events each; stages ${e.stages.join(", ")}${e.trimmed.length > 0 ? `; left out to stay within the bounds: ${e.trimmed.join(", ")}` : ""}`,
    `Plans meeting every SLO scored, best first (${result.best.length} of ${result.explored.length} explored):`,
  ];
  if (result.best.length === 0) lines.push("  none");
  for (const score of result.best) {
    lines.push(...scoreLines(score), `  seeds ${score.seeds.join(", ")}`);
  }
  lines.push("Every plan explored, best first:");
  for (const s of result.explored) {
    const cost = s.costPerHour === null ? "cost unknown" : `$${s.costPerHour.toFixed(2)}/h`;
    lines.push(
      `  ${s.label}: ${s.met} of ${s.scored} SLOs met, ${cost}, complexity ${s.complexity}`,
    );
  }
  lines.push("Not walked:", ...result.notScored.map((n) => `  - ${n}`));
  return `${lines.join("\n")}\n`;
}
