// The report: plain JSON with its own zod schema, so a consumer can validate a
// report file and a test can check that every figure is a finite number. Fields
// of components a scenario does not have are absent.
import * as z from "zod";

const num = () => z.number();

/**
 * Latency percentiles of one kind of operation, in ms.
 *
 * @remarks Since 0.1.0
 */
export const LatencySummarySchema = z.strictObject({
  count: z.number().int().nonnegative(),
  mean: num(),
  p50: num(),
  p90: num(),
  p95: num(),
  p99: num(),
  p999: num(),
  max: num(),
});

/**
 * A database node's figures over the measured window.
 *
 * @remarks Since 0.1.0
 */
export const NodeReportSchema = z.strictObject({
  name: z.string(),
  role: z.enum(["primary", "replica"]),
  cores: z.number().int().positive(),
  utilization: num().describe("Mean share of cores busy, min(N, cores)/cores"),
  concurrencyMean: num().describe("Mean statements in service (N)"),
  statementsPerSec: num(),
  readsServed: z.number().int().nonnegative(),
  writesServed: z.number().int().nonnegative(),
  connectionsMax: z.number().int().nonnegative(),
  connectionsMean: num(),
  memoryMB: num().describe(
    "Peak memory held by connections (connectionsMax × memory per connection)",
  ),
});

/**
 * The client's figures.
 *
 * @remarks Since 0.1.0
 */
export const ClientReportSchema = z.strictObject({
  connections: z.enum(["persistent", "per-request"]),
  connectionsOpened: z
    .number()
    .int()
    .nonnegative()
    .describe("Connection set-ups paid in the window"),
  waitingMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Most requests waiting at once for a pooled connection"),
});

const SpreadSchema = z.strictObject({ mean: num(), p99: num(), max: num() });

const SecondsBehindSourceSchema = z
  .strictObject({
    mean: num(),
    p99: num(),
    max: num(),
    samples: z.number().int().nonnegative().describe("Lag samples in the window"),
    nullSamples: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Samples at which MySQL would show NULL: the applier had applied all it received while the receiver was cut off (an outage). ProxySQL takes NULL as mysql-monitor_slave_lag_when_null",
      ),
  })
  .describe(
    "As MySQL's Seconds_Behind_Source would show it, sampled: mean, p99 and max over the samples that were a number (0 when none was), and how many were NULL",
  );

/**
 * The replication figures.
 *
 * @remarks Since 0.1.0
 */
export const ReplicationReportSchema = z.strictObject({
  log: z.enum(["wal", "binlog"]),
  mode: z.enum(["async", "semi-sync", "sync"]),
  primaryLsn: z.number().int().nonnegative(),
  commitWaitMs: SpreadSchema.describe("Time commits waited for replicas before returning"),
  semiSync: z.strictObject({
    timeouts: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Commits that returned without their acks because semi-sync timed out and the source went async",
      ),
    fallbacks: z.number().int().nonnegative().describe("Switches from semi-sync to async"),
  }),
  replicas: z.array(
    z.strictObject({
      name: z.string(),
      appliedLsn: z.number().int().nonnegative(),
      replayLagMs: SpreadSchema.describe(
        "Replay lag (ms), per record: for every write the replica made visible in the window, the time from its commit on the primary. Exact, not sampled. PostgreSQL's pg_stat_replication.replay_lag measures the same delay at the primary, so it adds the standby's reply trip",
      ),
      oldestUnappliedAgeMs: SpreadSchema.describe(
        "Age of the oldest committed write not yet visible on the replica (ms; 0 when caught up): how stale its data is. Mean and p99 over the lag samples; max exact (the age peaks just before each apply, and at the end of the window)",
      ),
      lagMs: SpreadSchema.describe(
        "Deprecated since 0.2.0, removed in 0.3.0: the same figures as oldestUnappliedAgeMs",
      ),
      lagBytes: SpreadSchema.describe(
        "Log bytes committed and not yet applied: mean and p99 over the lag samples; max exact (the byte lag peaks at commits)",
      ),
      secondsBehindSource: SecondsBehindSourceSchema,
    }),
  ),
});

/**
 * The routing figures.
 *
 * @remarks Since 0.1.0
 */
export const RoutingReportSchema = z.strictObject({
  via: z.enum(["app", "proxy", "dns"]),
  readBalancing: z.string(),
  consistency: z.string(),
  readsToPrimary: z.number().int().nonnegative(),
  readsToReplicas: z.number().int().nonnegative(),
  movedToPrimary: z.strictObject({
    byPolicy: z
      .number()
      .int()
      .nonnegative()
      .describe("Reads the consistency policy sent to the primary"),
    byLag: z
      .number()
      .int()
      .nonnegative()
      .describe("Reads sent to the primary because every replica was shunned"),
  }),
  lsnWaits: z.strictObject({
    count: z.number().int().nonnegative(),
    timeouts: z.number().int().nonnegative(),
    meanWaitMs: num(),
  }),
  movedReadLatencyMs: num().describe("Mean latency of reads moved to the primary"),
  replicaReadLatencyMs: num().describe("Mean latency of reads served by replicas"),
});

/**
 * The consistency figures (counted online, per session guarantee).
 *
 * @remarks Since 0.1.0
 */
export const ConsistencyReportSchema = z.strictObject({
  violations: z.strictObject({
    readYourWrites: z.number().int().nonnegative(),
    monotonicReads: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Reads served at a snapshot that lacks a write an earlier read of the session observed, on any key (Terry et al. 1994), or that returned an older version of a key than the session had read",
      ),
    monotonicReadsPerKey: z
      .number()
      .int()
      .nonnegative()
      .describe(
        "Reads that returned an older version of their key than the session had read before: the per-key form (since 0.2.0), which misses a session that goes back in time on another key",
      ),
    monotonicWrites: z.number().int().nonnegative(),
    writesFollowReads: z.number().int().nonnegative(),
  }),
  staleReads: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "Reads that returned an older version than the newest write acknowledged when they were issued",
    ),
  versionsBehind: z.strictObject({ mean: num(), max: z.number().int().nonnegative() }),
});

/**
 * One pgbouncer's figures, named after SHOW POOLS and SHOW STATS.
 *
 * @remarks Since 0.1.0
 */
export const PoolReportSchema = z.strictObject({
  name: z.string(),
  node: z.string(),
  clientsMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Client connections, most at once (cl_active + cl_waiting + idle)"),
  clientsMean: num(),
  clientsWaitingMax: z.number().int().nonnegative().describe("cl_waiting, most at once"),
  clientsWaitingMean: num().describe("cl_waiting, time average"),
  serversActiveMax: z.number().int().nonnegative().describe("sv_active, most at once"),
  serversActiveMean: num(),
  serverConnectionsMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Server connections open, most at once"),
  serversIdleMax: z.number().int().nonnegative().describe("sv_idle, most at once"),
  serversIdleMean: num().describe("sv_idle, time average"),
  serverConnectionsOpened: z.number().int().nonnegative(),
  serverLoginFailures: z.number().int().nonnegative(),
  waitMs: z
    .strictObject({ mean: num(), p99: num(), max: num() })
    .describe("Time clients waited for a server connection (avg_wait_time, maxwait)"),
  xactPerSec: num().describe("Transactions per second (total_xact_count over the window)"),
  queryPerSec: num().describe("Statements per second (total_query_count over the window)"),
  sessionStateBroken: z
    .number()
    .int()
    .nonnegative()
    .describe("Operations relying on session state that this pool mode breaks"),
});

/**
 * The pooling figures: totals over every pool, and each pool.
 *
 * @remarks Since 0.1.0
 */
export const PoolingReportSchema = z.strictObject({
  poolMode: z.enum(["session", "transaction", "statement"]),
  waitMs: z.strictObject({ mean: num(), p99: num(), max: num() }),
  clientsWaitingMax: z.number().int().nonnegative(),
  serverConnectionsMax: z
    .number()
    .int()
    .nonnegative()
    .describe("Sum over pools of each pool's most server connections"),
  pools: z.array(PoolReportSchema),
});

const count = () => z.number().int().nonnegative();

/**
 * One `mysql_servers` row's figures, after ProxySQL's stats_mysql_connection_pool.
 *
 * @remarks Since 0.1.0
 */
export const ProxyServerReportSchema = z.strictObject({
  name: z.string().describe('"hostgroup <id>/<server>": a server in two hostgroups is two rows'),
  hostgroup: count(),
  server: z.string(),
  weight: count(),
  status: z.enum(["ONLINE", "SHUNNED"]).describe("Status at the end of the run"),
  connectionsMax: count().describe("Backend connections open (ConnUsed + ConnFree), most at once"),
  connectionsUsedMax: count().describe("Backend connections in use (ConnUsed), most at once"),
  connectionsOpened: count().describe("Backend connections opened (ConnOK)"),
  connectErrors: count().describe("Backend connection attempts the server refused (ConnERR)"),
  queries: count().describe("Statements run on it"),
  shunEvents: count().describe("Times the monitor shunned it for replication lag"),
  shunnedMs: num().describe("Time it spent SHUNNED in the window (ms)"),
});

/**
 * The ProxySQL figures.
 *
 * @remarks Since 0.1.0
 */
export const ProxyReportSchema = z.strictObject({
  frontendConnectionsMax: count().describe("Client connections to ProxySQL, most at once"),
  frontendConnectionsMean: num(),
  frontendRefused: count().describe("Client connections refused past mysql-max_connections"),
  multiplexing: z.boolean().describe("mysql-multiplexing"),
  multiplexingDisabled: count().describe(
    "Frontend connections with multiplexing switched off by session state at some time in the window: those still open and pinned at the warm-up cut plus those switched off after it",
  ),
  hostgroups: z
    .array(
      z.strictObject({
        name: z.string(),
        hostgroup: count(),
        role: z.enum(["writer", "reader"]),
        queries: count().describe("Statements sent to its servers"),
      }),
    )
    .describe("Queries per hostgroup (cache hits are in none)"),
  rules: z
    .array(
      z.strictObject({
        name: z.string(),
        ruleId: count(),
        hits: count().describe("Statements the rule matched (stats_mysql_query_rules.hits)"),
      }),
    )
    .describe("Hits per query rule, in ruleId order"),
  unmatchedQueries: count().describe(
    "Statements no rule gave a destination: they went to the default (writer) hostgroup",
  ),
  cache: z.strictObject({
    hits: count().describe("Reads answered from the query cache"),
    misses: count().describe("Cacheable reads that found no live entry"),
    hitRatio: num().describe("hits / (hits + misses); 0 when nothing was cacheable"),
    staleHits: count().describe(
      "Hits that returned an older version than the primary held: writes do not invalidate",
    ),
    evictions: count().describe("Entries evicted (least recently used) to stay within the size"),
    entriesMax: count().describe("Entries held, most at once"),
    capacityEntries: count().describe("query_cache_size_MB ÷ the entry size estimate"),
  }),
  backendWaitMs: SpreadSchema.describe(
    "Time queries waited for a backend connection (every acquire, waits of 0 included)",
  ),
  backendWaits: count().describe("Queries that had to wait for a backend connection"),
  hostgroupUnavailable: z.strictObject({
    noOnlineServer: count().describe(
      "Queries failed: no ONLINE server in their hostgroup within connectTimeoutServerMax",
    ),
    noBackendConnection: count().describe(
      "Queries failed: no backend connection came free within connectTimeoutServerMax",
    ),
  }),
  servers: z.array(ProxyServerReportSchema),
});

/**
 * One reason behind a {@link VerdictSchema | verdict}: a code a program can
 * match, a sentence for people, and the figures it rests on.
 *
 * @remarks Since 0.2.0
 */
export const VerdictReasonSchema = z.strictObject({
  code: z
    .enum([
      "cut-short",
      "backlog-growing",
      "replica-falling-behind",
      "requests-failed",
      "node-saturated",
    ])
    .describe("What was found; docs/report.md gives each code's rule"),
  subject: z.string().describe('The node or replica it concerns, or "" for the whole run'),
  message: z.string(),
  figures: z.record(z.string(), num()),
});

/**
 * Whether the figures describe a plan that carries its offered load: offered
 * against completed, the work left in flight, whether the backlog or a
 * replica's unapplied log grew through the window, and nodes near capacity.
 *
 * @remarks Since 0.2.0
 */
export const VerdictSchema = z.strictObject({
  status: z
    .enum(["ok", "saturated", "failing", "overloaded", "cut-short"])
    .describe("The most severe reason's status; ok when there is none"),
  reasons: z.array(VerdictReasonSchema),
  offeredPerSec: num().describe("Operations issued per second in the window"),
  completedPerSec: num().describe("Operations completed without error per second"),
  failedPerSec: num().describe("Operations that ended in an error per second"),
  inFlightAtStart: count().describe("Operations issued and not yet finished when the window began"),
  inFlightAtEnd: count().describe(
    "Operations issued and not yet finished when the run ended (issued − completed − failed)",
  ),
  inFlightGrowth: num().describe(
    "Growth of the work in flight over the window, by a least-squares line through the window means",
  ),
  windowMs: num().describe("Length of each of the equal windows the measured period is cut into"),
  inFlightByWindow: z.array(num()).describe("Time-average work in flight in each window"),
  replicas: z.array(
    z.strictObject({
      name: z.string(),
      backlogAtStart: count().describe("Log records committed and not yet applied"),
      backlogAtEnd: count(),
      backlogGrowth: num().describe("Least-squares growth of the backlog over the window"),
      backlogByWindow: z.array(num()).describe("Mean backlog in each window (10 samples each)"),
    }),
  ),
});

/**
 * The report of a run.
 *
 * @remarks Since 0.1.0
 */
export const ReportSchema = z.strictObject({
  version: z
    .string()
    .describe("The dbsim version that made the report: figures move as the models improve"),
  scenario: z.string(),
  seed: z.number().int().nonnegative(),
  events: z.number().int().nonnegative().describe("Events the kernel ran"),
  simulatedMs: num().describe("Simulated time, warm-up included"),
  warmupMs: num(),
  durationMs: num().describe("The measured window"),
  stoppedBy: z
    .enum(["end", "eventLimit", "aborted", "overloaded"])
    .describe(
      "end: the run reached its end time; eventLimit: it hit maxEvents first; aborted: its abort signal fired; overloaded: more operations were in flight than limits.maxInFlight. Figures cover the time run",
    ),
  stopDetail: z
    .string()
    .optional()
    .describe("When stoppedBy is not end: what stopped the run, when, and the limit"),
  throughput: z.strictObject({
    offeredPerSec: num().describe("Operations issued per second in the window"),
    completedPerSec: num().describe("Operations completed without error per second in the window"),
  }),
  latency: z.strictObject({
    read: LatencySummarySchema,
    write: LatencySummarySchema,
    all: LatencySummarySchema,
  }),
  errors: z.strictObject({
    total: z.number().int().nonnegative(),
    byKind: z.record(z.string(), z.number().int().nonnegative()),
  }),
  client: ClientReportSchema,
  nodes: z.array(NodeReportSchema),
  pool: PoolingReportSchema.optional(),
  replication: ReplicationReportSchema.optional(),
  routing: RoutingReportSchema.optional(),
  proxy: ProxyReportSchema.optional(),
  consistency: ConsistencyReportSchema.optional(),
  verdict: VerdictSchema,
});

/**
 * The report of a run (see {@link ReportSchema}).
 *
 * @remarks Since 0.1.0
 */
export type Report = z.infer<typeof ReportSchema>;

/**
 * The ProxySQL figures of a report (see {@link ProxyReportSchema}).
 *
 * @remarks Since 0.1.0
 */
export type ProxyReport = z.infer<typeof ProxyReportSchema>;

/**
 * The verdict of a report (see {@link VerdictSchema}).
 *
 * @remarks Since 0.2.0
 */
export type Verdict = z.infer<typeof VerdictSchema>;

/**
 * One reason of a verdict (see {@link VerdictReasonSchema}).
 *
 * @remarks Since 0.2.0
 */
export type VerdictReason = z.infer<typeof VerdictReasonSchema>;

/**
 * Latency percentiles of one kind of operation, in ms.
 *
 * @remarks Since 0.1.0
 */
export type LatencySummary = z.infer<typeof LatencySummarySchema>;

/**
 * A database node's figures.
 *
 * @remarks Since 0.1.0
 */
export type NodeReport = z.infer<typeof NodeReportSchema>;

/**
 * Rounds a figure for the report: 6 significant digits, so reports are short
 * and do not carry last-bit noise. A non-finite value throws a RangeError: a
 * report never holds NaN, and a figure silently shown as 0 would lie (inputs
 * that could overflow are bounded by the schema, so this is a bug to report).
 *
 * @remarks Since 0.1.0; throws on non-finite values since 0.2.0 (0 before)
 */
export function roundFigure(x: number): number {
  if (!Number.isFinite(x)) {
    throw new RangeError(
      `a report figure came out as ${x}, not a finite number (a bug: please report the scenario and seed)`,
    );
  }
  if (x === 0) return 0;
  return Number(x.toPrecision(6));
}
