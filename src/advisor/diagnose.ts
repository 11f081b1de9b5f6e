// From a plan's evidence to symptoms and the step the seeds' "when to reach for
// what" table names for each: too many reads -> read replica; too many
// connections -> connection pool; same data queried repeatedly -> cache; rows
// too numerous for one node, or write throughput limited -> sharding (or write
// batching); and, before all of them, scale up. A node counts as busy from 70 %
// CPU: in an M/M/1 queue the mean wait is ρ/(1 − ρ) services, 2.3 at 70 %, and
// it grows without bound towards 100 % (Kleinrock, Queueing Systems I, 1975).
import type { Evidence, NodeEvidence } from "./evidence.js";
import type { Profile } from "./profile.js";
import type { ScenarioStep } from "./scenario-steps.js";
import type { SloResult } from "./score.js";

/** CPU utilisation from which a node counts as busy. */
export const BUSY_UTILIZATION = 0.7;
/** Buffer pool hit ratio below which the rows no longer fit a node's memory. */
export const LOW_HIT_RATIO = 0.9;
/**
 * Shard imbalance (busiest shard's operations over the mean's) from which a
 * shard counts as hot: it needs half again the capacity of an average shard,
 * so every shard must be sized for it. A rule of thumb, not a measurement; a
 * hash placement of uniform rows stays near 1 (the shard-key scenario: 1.01).
 *
 * @remarks Since 0.2.0
 */
export const HOT_SHARD_IMBALANCE = 1.5;
/**
 * Share of single-shard operations below which cross-shard queries are a
 * symptom: more than one operation in ten scatters to several shards and
 * waits for the slowest.
 *
 * @remarks Since 0.2.0
 */
export const SCATTER_SHARE = 0.9;

/**
 * What a diagnosis needs of the workload: a profile, or a scenario's workload
 * (the offered rate, its read share, its key popularity).
 *
 * @remarks Since 0.2.0
 */
export interface DiagnosisWorkload {
  readonly workload: { readonly rate: number; readonly readShare: number };
  readonly data: { readonly popularity: { readonly kind: string; readonly s?: number } };
}

/**
 * Something the runs showed, with the figures it rests on and the steps it calls for.
 *
 * @remarks Since 0.2.0
 */
export interface Symptom {
  /** A stable code. */
  readonly code:
    | "slo-missed"
    | "reads-saturate"
    | "writes-saturate"
    | "too-many-connections"
    | "rows-outgrow-memory"
    | "replica-falling-behind"
    | "read-your-writes-violated"
    | "hot-shard"
    | "scatter-queries";
  /** A sentence for people. */
  readonly message: string;
  /** The figures it rests on (report fields, averaged over the seeds). */
  readonly figures: Readonly<Record<string, number>>;
  /**
   * The steps the table suggests for it, first the first to try (a profile's
   * advice takes the plan steps among them).
   */
  readonly steps: readonly ScenarioStep[];
}

const pct = (x: number): string => `${(x * 100).toFixed(0)} %`;

function busiest(nodes: readonly NodeEvidence[], pick: (n: NodeEvidence) => boolean) {
  let best: NodeEvidence | undefined;
  for (const n of nodes)
    if (pick(n) && (best === undefined || n.utilization > best.utilization)) best = n;
  return best;
}

function skewed(profile: DiagnosisWorkload): boolean {
  const p = profile.data.popularity;
  return p.kind === "hotspot" || (p.kind === "zipf" && (p.s ?? 0) >= 0.8);
}

/**
 * Replicas that carry the offered reads at {@link BUSY_UTILIZATION}: the busy
 * node's CPU per read (utilisation × cores / reads served) times the reads
 * offered to the database (those the cache does not answer, per shard), over
 * what one node of that size gives. The router sends every read to a replica.
 */
function replicasNeeded(profile: DiagnosisWorkload, e: Evidence, reader: NodeEvidence): number {
  if (reader.readsPerSec <= 0) return 1;
  const coreMsPerRead = (reader.utilization * reader.cores) / reader.readsPerSec;
  const shards = new Set(e.nodes.map((n) => n.name.split("/")[0])).size;
  const missShare = 1 - (e.cacheHitRatio ?? 0);
  const perShard = e.nodes.some((n) => n.name.includes("/")) ? shards : 1;
  const reads = (profile.workload.rate * profile.workload.readShare * missShare) / perShard;
  return Math.max(1, Math.ceil((reads * coreMsPerRead) / (reader.cores * BUSY_UTILIZATION)));
}

function loadSymptoms(profile: DiagnosisWorkload, e: Evidence): Symptom[] {
  const out: Symptom[] = [];
  const churning = e.connectionsOpenedPerSec >= CHURN_PER_SEC;
  const reader = busiest(e.nodes, (n) => n.readsPerSec >= n.writesPerSec);
  if (reader && reader.utilization >= BUSY_UTILIZATION) {
    out.push({
      code: "reads-saturate",
      message: `${reader.name} is ${pct(reader.utilization)} busy serving ${reader.readsPerSec.toFixed(0)} reads/s: too many reads for it${churning ? " (part of that CPU starts a backend for each new connection)" : ""}`,
      figures: {
        utilization: reader.utilization,
        readsPerSec: reader.readsPerSec,
        replicasNeeded: replicasNeeded(profile, e, reader),
      },
      steps: skewed(profile)
        ? ["replica", "cache", "scale-up", "cqrs"]
        : ["replica", "scale-up", "cache", "cqrs"],
    });
  }
  const writer = busiest(e.nodes, (n) => n.role === "primary" && n.writesPerSec > n.readsPerSec);
  if (writer && writer.utilization >= BUSY_UTILIZATION) {
    out.push({
      code: "writes-saturate",
      message: `${writer.name} is ${pct(writer.utilization)} busy with ${writer.writesPerSec.toFixed(0)} writes/s: write throughput limited`,
      figures: { utilization: writer.utilization, writesPerSec: writer.writesPerSec },
      steps: ["scale-up", "shard", "write-batching"],
    });
  }
  const cold = e.nodes.find(
    (n) =>
      n.bufferPoolHitRatio !== null &&
      n.bufferPoolHitRatio < LOW_HIT_RATIO &&
      (n.diskUtilization ?? 0) >= 0.5,
  );
  if (cold) {
    out.push({
      code: "rows-outgrow-memory",
      message: `${cold.name} finds ${pct(cold.bufferPoolHitRatio ?? 0)} of its pages in memory and its disk is ${pct(cold.diskUtilization ?? 0)} busy: the rows outgrow one node`,
      figures: {
        hitRatio: cold.bufferPoolHitRatio ?? 0,
        diskUtilization: cold.diskUtilization ?? 0,
      },
      steps: ["scale-up", "shard"],
    });
  }
  return out;
}

/** Connections opened per second from which the churn itself is a symptom. */
export const CHURN_PER_SEC = 100;

const CONNECTION_ERRORS = [
  "too_many_clients",
  "connection_timeout",
  "max_client_conn",
  "query_wait_timeout",
];

function connectionSymptoms(e: Evidence): Symptom[] {
  const figures: Record<string, number> = {};
  for (const kind of CONNECTION_ERRORS) {
    const n = e.errorsByKind[kind];
    if (n !== undefined) figures[kind] = n;
  }
  // A connection per request makes the server start a backend for each (the
  // many-clients scenario): churn is a connection problem even without errors.
  const churn = e.connectionsOpenedPerSec;
  if (churn >= CHURN_PER_SEC) figures.connectionsOpenedPerSec = churn;
  if (Object.keys(figures).length === 0) return [];
  const list = Object.entries(figures)
    .map(([k, n]) => `${k} ${Number(n.toPrecision(4))}`)
    .join(", ");
  return [
    {
      code: "too-many-connections",
      message: `too many connections (${list}; errors summed over the runs)`,
      figures,
      steps: ["pool", "scale-up"],
    },
  ];
}

function replicaSymptoms(e: Evidence): Symptom[] {
  const behind = e.verdicts.filter((v) => v === "failing" || v === "overloaded").length;
  if (e.replayLagP99Ms === null || behind === 0) return [];
  return [
    {
      code: "replica-falling-behind",
      message: `replay lag p99 ${e.replayLagP99Ms.toFixed(1)} ms and ${behind} run(s) judged ${e.verdicts.join("/")}`,
      figures: { replayLagP99Ms: e.replayLagP99Ms },
      steps: ["shard"],
    },
  ];
}

/** A primary serving more writes than reads: a write p99 missed there is write-bound. */
function writeBound(e: Evidence): NodeEvidence | undefined {
  return busiest(e.nodes, (n) => n.role === "primary" && n.writesPerSec > n.readsPerSec);
}

function sloSteps(s: SloResult, profile: DiagnosisWorkload, e: Evidence): ScenarioStep[] {
  // Without a replica nothing can be promoted: the writes wait for a new node.
  if (s.slo === "availability") return e.nodes.some((n) => n.role === "replica") ? [] : ["replica"];
  // A commit that waits for a replica's receipt is on it when the primary dies.
  if (s.slo === "lostWrites") return ["semi-sync"];
  if (s.slo === "readP99Ms" && skewed(profile)) return ["cache", "replica"];
  if (s.slo === "writeP99Ms" && writeBound(e)) return ["scale-up", "shard", "write-batching"];
  return [];
}

function sloSymptoms(
  slos: readonly SloResult[],
  profile: DiagnosisWorkload,
  e: Evidence,
): Symptom[] {
  return slos
    .filter((s) => s.status === "missed" && s.slo !== "budgetPerHour")
    .map((s) => {
      const writer = s.slo === "writeP99Ms" ? writeBound(e) : undefined;
      const bound = writer
        ? ` on ${writer.name}, which serves mostly writes (${writer.writesPerSec.toFixed(0)}/s, ${pct(writer.utilization)} busy)`
        : "";
      return {
        code: "slo-missed" as const,
        message: `${s.slo} missed: ${fmt(s.value)} against ${fmt(s.target)}${s.withinNoise ? " (within noise)" : ""}${bound}`,
        figures: { value: s.value ?? 0, target: s.target ?? 0 },
        steps: sloSteps(s, profile, e),
      };
    });
}

function consistencySymptoms(e: Evidence): Symptom[] {
  const violations = e.readYourWritesViolations;
  if (violations <= 0) return [];
  const share = e.reads > 0 ? violations / e.reads : 0;
  return [
    {
      code: "read-your-writes-violated",
      message: `${violations.toFixed(0)} reads a run (${(share * 100).toPrecision(2)} % of reads) did not see the session's own write: a replica had not applied it yet`,
      figures: { readYourWritesViolations: violations, share },
      steps: ["read-primary-after-write", "sync-replication"],
    },
  ];
}

function shardingSymptoms(e: Evidence): Symptom[] {
  const sh = e.sharding;
  if (sh === null) return [];
  const out: Symptom[] = [];
  if (sh.imbalance >= HOT_SHARD_IMBALANCE) {
    out.push({
      code: "hot-shard",
      message: `the busiest shard serves ${sh.imbalance.toFixed(2)} times the mean shard's operations (sharded by ${sh.key}): a hot shard`,
      figures: { imbalance: sh.imbalance },
      steps: ["shard-key", "shard"],
    });
  }
  if (sh.singleShardShare < SCATTER_SHARE) {
    out.push({
      code: "scatter-queries",
      message: `${pct(1 - sh.singleShardShare)} of operations touched several shards (sharded by ${sh.key}): each waits for the slowest shard and the merge`,
      figures: { singleShardShare: sh.singleShardShare },
      steps: ["shard-key"],
    });
  }
  return out;
}

function fmt(x: number | null): string {
  return x === null ? "–" : Number(x.toPrecision(4)).toString();
}

/**
 * The symptoms of a plan's runs: SLOs missed, then what the resources show.
 *
 * @remarks Since 0.2.0
 */
export function diagnose(
  profile: Profile | DiagnosisWorkload,
  evidence: Evidence,
  slos: readonly SloResult[],
): Symptom[] {
  return [
    ...sloSymptoms(slos, profile, evidence),
    ...connectionSymptoms(evidence),
    ...loadSymptoms(profile, evidence),
    ...replicaSymptoms(evidence),
    ...consistencySymptoms(evidence),
    ...shardingSymptoms(evidence),
  ];
}
