// Which scenarios the analytic estimate can reduce to a product-form network:
// the settings it knows (any other, such as a newer mechanism's, is a reason to
// give no figures), and why each section it cannot reduce is not product form.
import type { Scenario } from "../../scenario/index.js";

const KNOWN = {
  // A scenario's variants are other plans: the estimate is of the base plan.
  scenario: [
    "$schema",
    "variants",
    "name",
    "description",
    "seed",
    "duration",
    "warmup",
    "latency",
    "workload",
    "database",
    "client",
  ],
  workload: [
    "rate",
    "clients",
    "thinkTime",
    "readRatio",
    "transactions",
    "keys",
    "sessions",
    "lockingReads",
    "readOwnWrites",
  ],
  database: [
    "engine",
    "cores",
    "sigma",
    "kappa",
    "maxConnections",
    "memoryPerConnectionMB",
    "readTime",
    "writeTime",
    "connectionSetupTime",
    "mechanisms",
    "size",
    "prices",
  ],
  client: [
    "connections",
    "instances",
    "poolSize",
    "connectionTimeout",
    "roundTrip",
    "connectRoundTrips",
  ],
} as const;

const WHY_SECTION: Readonly<Record<string, string>> = {
  replication:
    "replication: the replicas apply the log with a bounded number of threads queued outside their cores, a second class of work that is not product form",
  pool: "pool (pgbouncer): a server connection is held while a request waits in other queues (simultaneous resource possession)",
  proxy:
    "proxy (ProxySQL): backend connections are held across queues, and its query cache answers some reads",
  routing:
    "routing: a routing policy decides by state (lag, sessions), which a product-form network cannot express",
  timeline:
    "timeline: timed events change the system during the run; the estimate is of a steady state",
};

/**
 * The server mechanisms' settings: they shape nothing when
 * `database.mechanisms` is "none" (the pure processor-sharing server the
 * estimate models), and every one of them is resolved to a default, so they
 * are known here; with the mechanisms on, the mechanisms are the reason.
 */
const MECHANISM_SETTINGS = [
  "rowBytes",
  "indexEntryBytes",
  "diskReadTime",
  "fsyncTime",
  "diskParallelism",
  "diskIops",
  "sharedBuffersMB",
  "innodbBufferPoolSizeMB",
  "lockTimeout",
  "deadlockTimeout",
  "innodbLockWaitTimeout",
  "commitDelay",
  "commitSiblings",
  "binlogGroupCommitSyncDelay",
  "binlogGroupCommitSyncNoDelayCount",
];

/** Settings the estimate does not know, and the sections it cannot reduce. */
export function unsupported(s: Scenario): string[] {
  const reasons: string[] = [];
  const record = s as unknown as Record<string, unknown>;
  for (const [key, value] of Object.entries(record)) {
    if (value === undefined) continue;
    if (key === "timeline" && Array.isArray(value) && value.length === 0) continue;
    if (!(KNOWN.scenario as readonly string[]).includes(key)) {
      reasons.push(WHY_SECTION[key] ?? `${key}: a section the estimate does not cover`);
    }
  }
  if (s.database.mechanisms !== "none") {
    reasons.push(
      'database.mechanisms: the buffer pool, row locks and the log flush are on — a lock queue and group commit are not product form; set database.mechanisms to "none" for the pure processor-sharing server the estimate models',
    );
  }
  for (const part of ["workload", "database", "client"] as const) {
    const section = record[part] as Record<string, unknown>;
    for (const key of Object.keys(section)) {
      if (part === "database" && MECHANISM_SETTINGS.includes(key)) continue;
      if (!(KNOWN[part] as readonly string[]).includes(key)) {
        reasons.push(`${part}.${key}: a setting the estimate does not cover`);
      }
    }
  }
  return reasons;
}
