// The scenario: plain JSON, validated by one strict zod schema. Unknown keys are
// errors (typos are caught); every field is described (the descriptions become
// the JSON Schema that editors use for completion); defaults are filled in, so
// the resolved scenario shows every value the run used.
import * as z from "zod";
import { DistributionSpecSchema, LatencyOverridesSchema } from "../latency/index.js";

// zod 4 numbers already reject NaN and ±Infinity.
const nonNegative = () => z.number().nonnegative();
const positiveInt = () => z.number().int().positive();
const share = () => z.number().min(0).max(1);

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 } as const;

/**
 * The longest duration a field takes, in ms: far longer than a run (warm-up plus
 * duration is at most 1e12 ms), so a timeout can still mean "never", yet small
 * enough that sums of durations stay finite.
 *
 * @remarks Since 0.2.0
 */
export const MAX_DURATION_MS = 1e15;

/**
 * A duration: a number of milliseconds, or a string with a unit
 * (`"500ms"`, `"30s"`, `"2m"`, `"1h"`).
 *
 * @remarks Since 0.1.0
 */
export const DurationSchema = z
  .union([
    nonNegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|h)\s*$/, {
      message: 'expected a duration such as 500, "500ms", "30s", "2m" or "1h"',
    }),
  ])
  .transform((v, ctx) => {
    let ms = v as number;
    if (typeof v === "string") {
      const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)\s*$/.exec(v) as RegExpExecArray;
      ms = Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    }
    if (ms <= MAX_DURATION_MS) return ms;
    // A string of 400 digits matches the pattern yet resolves to Infinity ms.
    ctx.addIssue({
      code: "custom",
      input: v,
      message: `expected a duration of at most 1e15 ms (about 31,700 years)${typeof v === "string" ? `; resolves to ${ms} ms` : ""}`,
    });
    return z.NEVER;
  })
  .describe('Milliseconds, or a string with a unit: "500ms", "30s", "2m", "1h"');

const RateSchema = z
  .union([
    nonNegative().describe("A constant rate in operations per second"),
    z.strictObject({
      steps: z
        .array(
          z.strictObject({
            at: DurationSchema.describe(
              "When this step starts, counted from the start of the run: the warm-up included",
            ),
            rate: nonNegative().describe("Operations per second from then on"),
          }),
        )
        .min(1)
        .describe(
          "Piecewise-constant rate; `at` counts from the start of the warm-up, and the first step should start at 0 (before it the rate is 0)",
        ),
    }),
    z.strictObject({
      ramp: z.strictObject({
        from: nonNegative().describe(
          "Rate at time 0, the start of the warm-up (operations per second)",
        ),
        to: nonNegative().describe("Rate at the end of the ramp (operations per second)"),
        over: DurationSchema.describe("How long the ramp takes; the rate stays at `to` after it"),
      }),
    }),
  ])
  .describe(
    "Open arrivals: Poisson at this rate (operations per second), constant, in steps, or a ramp",
  );

const PopularitySchema = z
  .discriminatedUnion("kind", [
    z.strictObject({ kind: z.literal("uniform") }),
    z.strictObject({
      kind: z.literal("zipf"),
      s: z.number().positive().default(0.99).describe("Zipf exponent (YCSB uses 0.99)"),
    }),
    z.strictObject({
      kind: z.literal("hotspot"),
      keyShare: share().default(0.2).describe("Share of the keys that are hot"),
      opShare: share().default(0.8).describe("Share of the operations that go to the hot keys"),
    }),
    z.strictObject({
      kind: z.literal("recency"),
      s: z
        .number()
        .positive()
        .default(0.99)
        .describe("Zipf exponent over distance from the newest key"),
    }),
  ])
  .describe(
    "Which keys are popular: uniform, zipf, hotspot, or recency (newest keys hottest; writes insert)",
  );

/**
 * The `workload` section.
 *
 * @remarks Since 0.1.0
 */
export const WorkloadSchema = z
  .strictObject({
    rate: RateSchema.optional(),
    clients: positiveInt()
      .max(1_000_000_000)
      .optional()
      .describe(
        "Closed loop: this many clients, each issuing its next operation after the previous one and a think time",
      ),
    thinkTime: DistributionSpecSchema.default(0).describe(
      "Closed loop: think time between operations (ms)",
    ),
    readRatio: share().default(0.9).describe("Share of operations that are reads"),
    transactions: z
      .strictObject({
        share: share()
          .default(0)
          .describe("Share of operations that are multi-statement transactions"),
        statements: DistributionSpecSchema.default(3).describe(
          "Statements per transaction (a draw, rounded, at least 2)",
        ),
      })
      .prefault({})
      .describe("Multi-statement transactions"),
    keys: z
      .strictObject({
        count: positiveInt().max(100_000_000).default(100_000).describe("Number of keys (rows)"),
        popularity: PopularitySchema.prefault({ kind: "zipf" }),
      })
      .prefault({})
      .describe("The key space"),
    sessions: positiveInt()
      .max(1_000_000_000)
      .default(1000)
      .describe(
        "Users; each operation belongs to one session (per-session state is kept only by the policies and readOwnWrites that need it)",
      ),
    sessionState: z
      .strictObject({
        share: share().describe("Share of the sessions that rely on session state"),
        feature: z
          .enum(["set", "listen", "advisory-lock", "sql-prepare", "temp-table", "protocol-prepare"])
          .default("set")
          .describe(
            "What they rely on: SET, LISTEN, session advisory locks, SQL PREPARE, temp tables, or protocol-level prepared statements",
          ),
      })
      .optional()
      .describe(
        "Sessions that rely on session state, which pgbouncer's transaction and statement modes break",
      ),
    lockingReads: share()
      .default(0)
      .describe(
        "Share of reads that are locking reads, SELECT … FOR UPDATE: they take row locks, so they must run on the primary (ProxySQL's usual first rule sends them there)",
      ),
    readOwnWrites: share()
      .default(0)
      .describe(
        "Share of reads that read the key the same session wrote last (read-after-write, as a user reloading the page after posting)",
      ),
  })
  .superRefine((w, ctx) => {
    if (w.rate === undefined && w.clients === undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["rate"],
        message: "expected either `rate` (open arrivals) or `clients` (closed loop)",
        input: undefined,
      });
    } else if (w.rate !== undefined && w.clients !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: ["clients"],
        message: "expected either `rate` (open arrivals) or `clients` (closed loop), not both",
        input: w.clients,
      });
    }
  })
  .describe("Who sends what, and when");

/**
 * The `database` section: the primary node.
 *
 * @remarks Since 0.1.0
 */
export const DatabaseSchema = z
  .strictObject({
    engine: z.enum(["postgresql", "mysql"]).default("postgresql").describe("The engine modelled"),
    cores: positiveInt().max(4096).default(8).describe("CPU cores"),
    // Gunther's USL takes 0 ≤ σ, κ < 1; 1 is let in as the fully serial limit. Larger
    // values overflow the slowdown at many connections (κ near 1e308 gives Infinity).
    sigma: nonNegative()
      .max(1)
      .default(0)
      .describe("USL contention σ: the serial share of the work, in [0, 1]"),
    kappa: nonNegative()
      .max(1)
      .default(0)
      .describe("USL coherency κ: crosstalk cost between concurrent queries, in [0, 1]"),
    maxConnections: positiveInt()
      .max(1_000_000)
      .default(100)
      .describe("max_connections: one more gets 'too many clients' (PostgreSQL default 100)"),
    memoryPerConnectionMB: nonNegative()
      .max(1_000_000)
      .default(7.5)
      .describe("Memory per open connection (MB); PostgreSQL uses roughly 5–10 MB"),
    readTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a read statement (ms at one connection)",
    ),
    writeTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work of a write statement (ms at one connection)",
    ),
    connectionSetupTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
      "Server work to start a backend for a new connection (ms)",
    ),
  })
  .describe("The database server");

/**
 * The `client` section: how the application holds connections.
 *
 * @remarks Since 0.1.0
 */
export const ClientSchema = z
  .strictObject({
    connections: z
      .enum(["persistent", "per-request"])
      .default("persistent")
      .describe(
        "persistent: an application-side pool per instance; per-request: open and close a connection for every request",
      ),
    instances: positiveInt()
      .max(100_000)
      .default(1)
      .describe("Application instances, each with its own pool"),
    poolSize: positiveInt()
      .max(100_000)
      .default(10)
      .describe("Persistent connections per instance"),
    connectionTimeout: DurationSchema.default(30_000).describe(
      "How long a request waits for a pooled connection before failing (HikariCP default 30 s)",
    ),
    roundTrip: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Network round trip between application and database (ms)",
    ),
    connectRoundTrips: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .describe("Round trips to open a connection (TCP handshake, startup, authentication)"),
  })
  .describe("The application's database driver");

/**
 * The `pool` section: a pgbouncer in front of every database node. Names and
 * defaults are pgbouncer 1.25's.
 *
 * @remarks Since 0.1.0
 */
export const PoolSchema = z
  .strictObject({
    poolMode: z
      .enum(["session", "transaction", "statement"])
      .default("session")
      .describe(
        "pool_mode: when a server connection goes back to the pool (pgbouncer's default: session)",
      ),
    defaultPoolSize: positiveInt()
      .max(100_000)
      .default(20)
      .describe("default_pool_size: server connections per pool"),
    minPoolSize: z
      .number()
      .int()
      .nonnegative()
      .max(100_000)
      .default(0)
      .describe("min_pool_size: server connections kept open"),
    reservePoolSize: z
      .number()
      .int()
      .nonnegative()
      .max(100_000)
      .default(0)
      .describe("reserve_pool_size: extra connections once a client has waited reservePoolTimeout"),
    reservePoolTimeout: DurationSchema.default(5_000).describe("reserve_pool_timeout"),
    maxClientConn: positiveInt()
      .max(10_000_000)
      .default(100)
      .describe("max_client_conn: client connections accepted"),
    maxDbConnections: z
      .number()
      .int()
      .nonnegative()
      .default(0)
      .describe("max_db_connections: server connections at most; 0 = unlimited"),
    queryWaitTimeout: DurationSchema.default(120_000).describe(
      "query_wait_timeout: a client waiting longer for a server is disconnected; 0 = never",
    ),
    serverIdleTimeout: DurationSchema.default(600_000).describe("server_idle_timeout; 0 = never"),
    serverLifetime: DurationSchema.default(3_600_000).describe("server_lifetime; 0 = unlimited"),
    serverConnectTimeout: DurationSchema.default(15_000).describe("server_connect_timeout"),
    serverLoginRetry: DurationSchema.default(15_000).describe("server_login_retry"),
    maxPreparedStatements: z
      .number()
      .int()
      .nonnegative()
      .default(200)
      .describe(
        "max_prepared_statements: > 0 lets protocol-level prepared statements work in transaction mode",
      ),
    serverRoundTrip: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Round trip between pgbouncer and the database (ms); the client's roundTrip is then application ↔ pgbouncer",
    ),
    serverConnectRoundTrips: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .describe("Round trips for pgbouncer to open a server connection"),
  })
  .describe("pgbouncer in front of every database node (one pool per node)");

const hostgroupId = () => z.number().int().nonnegative().max(2_147_483_647);

const QueryRuleSchema = z
  .strictObject({
    ruleId: positiveInt()
      .max(2_147_483_647)
      .describe("rule_id: rules are tried in increasing ruleId; each ruleId at most once"),
    match: z
      .strictObject({
        kind: z
          .enum(["read", "write"])
          .optional()
          .describe("read: a SELECT; write: INSERT, UPDATE or DELETE (absent: either)"),
        forUpdate: z
          .boolean()
          .optional()
          .describe(
            "true: a locking read, SELECT … FOR UPDATE; false: anything else (absent: either)",
          ),
        inTransaction: z
          .boolean()
          .optional()
          .describe(
            "true: a statement of a multi-statement transaction; false: a single statement (absent: either)",
          ),
      })
      .default({})
      .describe(
        "What the rule matches — the features a match_digest regex would key on; {} matches every query",
      ),
    destinationHostgroup: hostgroupId()
      .optional()
      .describe(
        "destination_hostgroup: where matching queries go (the writer or the reader hostgroup); a later matching rule may change it unless this one applies",
      ),
    cacheTtl: DurationSchema.optional().describe(
      "cache_ttl: matching single-statement reads are answered from the query cache for this long after the result is stored (writes never invalidate it; writes are never cached)",
    ),
    apply: z
      .boolean()
      .default(false)
      .describe("apply: stop at this rule when it matches (ProxySQL's default: false, go on)"),
  })
  .describe("One mysql_query_rules row");

type QueryRuleOutput = z.output<typeof QueryRuleSchema>;

/** ProxySQL's usual read/write split: locking reads to the writer, other reads to the readers. */
function defaultQueryRules(writer: number, reader: number): QueryRuleOutput[] {
  return [
    { ruleId: 1, match: { forUpdate: true }, destinationHostgroup: writer, apply: true },
    { ruleId: 2, match: { kind: "read" }, destinationHostgroup: reader, apply: true },
  ];
}

/**
 * The last rule that gives a write (single statement, or in a transaction) its
 * destination, when that destination is `hostgroup`; else undefined. Follows
 * the rules as the proxy does: ruleId order, a later match overrides, apply stops.
 */
function ruleSendingWritesTo(
  rules: readonly QueryRuleOutput[],
  hostgroup: number,
): { index: number; inTransaction: boolean } | undefined {
  const order = rules
    .map((_, i) => i)
    .sort((a, b) => (rules[a]?.ruleId ?? 0) - (rules[b]?.ruleId ?? 0));
  for (const inTransaction of [false, true]) {
    let setter = -1;
    let destination: number | undefined;
    for (const i of order) {
      const r = rules[i] as QueryRuleOutput;
      const m = r.match;
      if (m.kind === "read" || m.forUpdate === true) continue;
      if (m.inTransaction !== undefined && m.inTransaction !== inTransaction) continue;
      if (r.destinationHostgroup !== undefined) {
        destination = r.destinationHostgroup;
        setter = i;
      }
      if (r.apply) break;
    }
    if (destination === hostgroup) return { index: setter, inTransaction };
  }
  return undefined;
}

/**
 * The `proxy` section: a ProxySQL between the application and the database
 * nodes. Names and defaults are ProxySQL 2.x's.
 *
 * @remarks Since 0.1.0
 */
export const ProxySchema = z
  .strictObject({
    maxConnections: positiveInt()
      .max(10_000_000)
      .default(2048)
      .describe("mysql-max_connections: client connections ProxySQL accepts; one more is refused"),
    writerHostgroup: hostgroupId().default(10).describe("The writer hostgroup's id: the primary"),
    readerHostgroup: hostgroupId()
      .default(20)
      .describe(
        "The reader hostgroup's id: the replicas (and the primary, if readers.primaryWeight > 0)",
      ),
    readers: z
      .strictObject({
        primaryWeight: z
          .number()
          .int()
          .nonnegative()
          .max(10_000_000)
          .default(0)
          .describe(
            "The primary's weight in the reader hostgroup; 0 leaves it out (the usual set-up)",
          ),
        replicaWeights: z
          .array(z.number().int().positive().max(10_000_000))
          .max(64)
          .optional()
          .describe(
            "Each replica's weight in the reader hostgroup, in replica order (default 1 each)",
          ),
      })
      .prefault({})
      .describe("Who serves the reader hostgroup, and how reads are spread (mysql_servers.weight)"),
    queryRules: z
      .array(QueryRuleSchema)
      .max(1000)
      .optional()
      .describe(
        "mysql_query_rules (default: rule 1 sends locking reads to the writer hostgroup, rule 2 other reads to the reader hostgroup, both with apply; anything unmatched goes to the writer, the user's default hostgroup)",
      ),
    multiplexing: z
      .boolean()
      .default(true)
      .describe(
        "mysql-multiplexing: lend backend connections per statement (off inside transactions, and for good after session state)",
      ),
    maxBackendConnections: positiveInt()
      .max(1_000_000)
      .default(1000)
      .describe("mysql_servers.max_connections: backend connections per server and hostgroup"),
    backendRoundTrip: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Round trip between ProxySQL and a backend (ms), per statement; the client's roundTrip is then application ↔ ProxySQL",
    ),
    backendConnectRoundTrips: z
      .number()
      .int()
      .nonnegative()
      .max(100)
      .default(3)
      .describe(
        "Round trips for ProxySQL to open a backend connection (TCP, handshake, authentication)",
      ),
    queryCacheSizeMB: nonNegative()
      .max(1_000_000)
      .default(256)
      .describe("mysql-query_cache_size_MB: the query cache's memory (0 = nothing is cached)"),
    queryCacheEntryBytes: positiveInt()
      .max(1_000_000_000)
      .default(1024)
      .describe(
        "Estimated bytes per cache entry (a small result set, its key and bookkeeping — an estimate; measure yours): the cache holds queryCacheSizeMB ÷ this many entries, least recently used evicted first",
      ),
    queryCacheHitTime: DistributionSpecSchema.default("ramRead").describe(
      "Cost of answering a read from the query cache (ms): a lookup in ProxySQL's memory",
    ),
    monitorReplicationLagInterval: DurationSchema.default(10_000).describe(
      "mysql-monitor_replication_lag_interval: how often the monitor reads each replica's Seconds_Behind_Master",
    ),
    maxReplicationLag: z
      .number()
      .int()
      .nonnegative()
      .max(31_536_000)
      .default(0)
      .describe(
        "mysql_servers.max_replication_lag, in whole seconds: a replica whose Seconds_Behind_Master is strictly greater at a check is SHUNNED until a later check finds it at or under; 0 = off (ProxySQL's default). Seconds_Behind_Master does not see lag in transit",
      ),
    monitorSlaveLagWhenNull: z
      .number()
      .int()
      .nonnegative()
      .max(31_536_000)
      .default(60)
      .describe(
        "mysql-monitor_slave_lag_when_null, in whole seconds: the lag the monitor assumes when Seconds_Behind_Master is NULL (the replica has applied all it received and its receiver is cut off); above maxReplicationLag the replica is SHUNNED",
      ),
    connectTimeoutServerMax: DurationSchema.default(10_000).describe(
      "mysql-connect_timeout_server_max: a query that finds no ONLINE server or no backend connection within this fails (hostgroup_unavailable)",
    ),
  })
  .superRefine((p, ctx) => {
    if (p.writerHostgroup === p.readerHostgroup) {
      ctx.addIssue({
        code: "custom",
        path: ["readerHostgroup"],
        message: `expected a reader hostgroup other than the writer hostgroup (${p.writerHostgroup})`,
        input: p.readerHostgroup,
      });
    }
    if (p.monitorReplicationLagInterval <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["monitorReplicationLagInterval"],
        message: "expected a duration > 0",
        input: p.monitorReplicationLagInterval,
      });
    }
    const rules = p.queryRules;
    if (rules === undefined) return;
    const seen = new Set<number>();
    rules.forEach((r, i) => {
      if (seen.has(r.ruleId)) {
        ctx.addIssue({
          code: "custom",
          path: ["queryRules", i, "ruleId"],
          message: "expected a ruleId no other rule has",
          input: r.ruleId,
        });
      }
      seen.add(r.ruleId);
      const d = r.destinationHostgroup;
      if (d !== undefined && d !== p.writerHostgroup && d !== p.readerHostgroup) {
        ctx.addIssue({
          code: "custom",
          path: ["queryRules", i, "destinationHostgroup"],
          message: `expected the writer hostgroup (${p.writerHostgroup}) or the reader hostgroup (${p.readerHostgroup}); no servers are in hostgroup ${d}`,
          input: d,
        });
      }
    });
    const bad = ruleSendingWritesTo(rules, p.readerHostgroup);
    if (bad !== undefined) {
      const rule = rules[bad.index] as QueryRuleOutput;
      ctx.addIssue({
        code: "custom",
        path: ["queryRules", bad.index, "destinationHostgroup"],
        message: `rule ${rule.ruleId} sends writes${bad.inTransaction ? " in transactions" : ""} to the reader hostgroup (${p.readerHostgroup}): replicas are read-only (read_only=1), so every such write would fail; match reads only (match.kind "read") or send it to the writer hostgroup (${p.writerHostgroup})`,
        input: p.readerHostgroup,
      });
    }
  })
  .transform((p) => ({
    ...p,
    queryRules: p.queryRules ?? defaultQueryRules(p.writerHostgroup, p.readerHostgroup),
  }))
  .describe(
    "ProxySQL between the application and the nodes: query rules route to the writer or reader hostgroup, multiplexing, a query cache, lag shunning",
  );

const OutageSchema = z.strictObject({
  at: DurationSchema.describe("When the replica becomes unreachable"),
  for: DurationSchema.describe(
    "How long it stays unreachable; records sent meanwhile arrive after it",
  ),
});

const ReplicaSchema = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, {
        message: "expected a name of letters, digits, _ or -",
      })
      .optional()
      .describe("The replica's name (default replica-1, replica-2, …)"),
    cores: positiveInt().max(4096).optional().describe("CPU cores (default: the primary's)"),
    maxConnections: positiveInt()
      .max(1_000_000)
      .optional()
      .describe("max_connections (default: the primary's)"),
    network: DistributionSpecSchema.optional().describe(
      "Round trip between the primary and this replica (default: replication.network), e.g. crossRegionRoundTrip",
    ),
    applyTime: DistributionSpecSchema.optional().describe(
      "Apply work per transaction (default: replication.applyTime)",
    ),
    applyWorkers: positiveInt()
      .max(256)
      .optional()
      .describe("Parallel appliers (default: replication.applyWorkers)"),
    outages: z
      .array(OutageSchema)
      .max(1000)
      .default([])
      .describe("Windows when the replica is unreachable"),
  })
  .describe("One replica");

/**
 * The `replication` section: read replicas fed by the primary's log.
 *
 * @remarks Since 0.1.0
 */
export const ReplicationSchema = z
  .strictObject({
    replicas: z
      .union([positiveInt().max(64), z.array(ReplicaSchema).min(1).max(64)])
      .describe("How many replicas, or a list with per-replica settings"),
    log: z
      .enum(["wal", "binlog"])
      .optional()
      .describe("wal (PostgreSQL streaming) or binlog (MySQL); default from database.engine"),
    binlogFormat: z
      .enum(["row", "statement"])
      .default("row")
      .describe("MySQL binlog_format: row events carry row images, statement events the SQL text"),
    bytesPerWrite: nonNegative()
      .max(1_000_000_000)
      .optional()
      .describe(
        "Log bytes per committed write (default: wal 250, binlog row 400, binlog statement 150 — estimates; measure yours)",
      ),
    mode: z
      .enum(["async", "semi-sync", "sync"])
      .default("async")
      .describe("How commits wait for replicas"),
    acks: positiveInt()
      .max(64)
      .default(1)
      .describe("semi-sync and sync: replicas whose acknowledgement a commit waits for"),
    timeout: DurationSchema.default(10_000).describe(
      "semi-sync: rpl_semi_sync_source_timeout; after it the source goes async until a replica catches up",
    ),
    synchronousCommit: z
      .enum(["remote_write", "on", "remote_apply"])
      .default("on")
      .describe(
        "sync: PostgreSQL synchronous_commit — standby wrote, flushed, or applied the commit",
      ),
    network: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "Round trip between the primary and a replica (ms)",
    ),
    flushTime: DistributionSpecSchema.default("ssdRandomRead").describe(
      "Time for a replica to flush received log to disk (ms)",
    ),
    applyTime: DistributionSpecSchema.default("ssdRandomRead").describe(
      "Replica work to apply one transaction (core-ms): reading the page it changes",
    ),
    applyWorkers: positiveInt()
      .max(256)
      .optional()
      .describe(
        "Parallel appliers: default 1 for wal (PostgreSQL replays in one process), 4 for binlog (replica_parallel_workers since MySQL 8.0.27)",
      ),
    lagSampleInterval: DurationSchema.default(100).describe(
      "How often lag is sampled for the report and time series",
    ),
  })
  .superRefine((r, ctx) => {
    const n = typeof r.replicas === "number" ? r.replicas : r.replicas.length;
    if (r.mode !== "async" && r.acks > n) {
      ctx.addIssue({
        code: "custom",
        path: ["acks"],
        message: `expected acks ≤ the number of replicas (${n})`,
        input: r.acks,
      });
    }
    if (r.lagSampleInterval <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["lagSampleInterval"],
        message: "expected a duration > 0",
        input: r.lagSampleInterval,
      });
    }
  })
  .describe("Read replicas fed by WAL or binlog replication");

const ConsistencySchema = z
  .discriminatedUnion("policy", [
    z.strictObject({ policy: z.literal("none") }),
    z.discriminatedUnion("by", [
      z.strictObject({
        policy: z.literal("read-your-writes"),
        by: z.literal("window"),
        window: DurationSchema.default(2_000).describe(
          "After a write, the session reads from the primary for this long",
        ),
      }),
      z.strictObject({
        policy: z.literal("read-your-writes"),
        by: z.literal("lsn"),
        maxWait: DurationSchema.default(100).describe(
          "How long a read waits for its replica to apply the session's last write before going to the primary",
        ),
      }),
    ]),
    z.discriminatedUnion("by", [
      z.strictObject({ policy: z.literal("monotonic-reads"), by: z.literal("pinning") }),
      z.strictObject({
        policy: z.literal("monotonic-reads"),
        by: z.literal("lsn"),
        maxWait: DurationSchema.default(100).describe(
          "How long a read waits for its replica to reach the session's last-read LSN before going to the primary",
        ),
      }),
    ]),
  ])
  .describe("What the router guarantees each session");

/**
 * The `routing` section: how reads and writes find their node.
 *
 * @remarks Since 0.1.0
 */
export const RoutingSchema = z
  .strictObject({
    via: z
      .enum(["app", "proxy", "dns"])
      .default("app")
      .describe(
        "app: the application picks the connection; proxy: one extra hop per statement; dns: a read endpoint resolving to one replica per instance",
      ),
    proxyHop: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "via proxy: the extra round trip per statement (ms)",
    ),
    dnsTtl: DurationSchema.default(30_000).describe(
      "via dns: how long a resolved read endpoint is cached",
    ),
    readBalancing: z
      .enum(["round-robin", "random", "least-connections", "least-lag"])
      .default("round-robin")
      .describe("How reads are spread over replicas"),
    maxReplicationLag: DurationSchema.optional().describe(
      "A replica whose lag is strictly greater gets no reads until it is back under (checked every lagCheckInterval)",
    ),
    lagCheckInterval: DurationSchema.default(1_000).describe(
      "How often lag is checked for shunning",
    ),
    consistency: ConsistencySchema.default({ policy: "none" }),
  })
  .superRefine((r, ctx) => {
    if (r.lagCheckInterval <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["lagCheckInterval"],
        message: "expected a duration > 0",
        input: r.lagCheckInterval,
      });
    }
  })
  .describe("Read/write routing over the primary and replicas");

/**
 * The whole scenario. Absent optional sections mean the component is absent;
 * `workload` is required, `database` and `client` have defaults.
 *
 * @remarks Since 0.1.0
 */
export const ScenarioSchema = z
  .strictObject({
    $schema: z.string().optional().describe("Path to the JSON Schema, for editors"),
    name: z.string().max(200).default("scenario").describe("A name for reports"),
    description: z.string().max(5000).optional().describe("What the scenario is about"),
    seed: z
      .number()
      .int()
      .min(0)
      .max(Number.MAX_SAFE_INTEGER)
      .default(1)
      .describe("Master seed: same scenario and seed, same report"),
    duration: DurationSchema.default(60_000).describe("Measured time after the warm-up"),
    warmup: DurationSchema.default(5_000).describe("Time run before measuring starts"),
    latency: LatencyOverridesSchema.default({}),
    workload: WorkloadSchema,
    database: DatabaseSchema.prefault({}),
    client: ClientSchema.prefault({}),
    pool: PoolSchema.optional(),
    replication: ReplicationSchema.optional(),
    routing: RoutingSchema.optional(),
    proxy: ProxySchema.optional(),
    variants: z
      .array(
        z.strictObject({
          name: z.string().min(1).max(100).describe("A short name for the comparison table"),
          description: z
            .string()
            .max(2000)
            .optional()
            .describe("What this variant changes, and why"),
          patch: z
            .record(z.string(), z.unknown())
            .describe(
              "Changes to the scenario: objects merge key by key, anything else (numbers, strings, arrays) replaces; null removes a section",
            ),
        }),
      )
      .max(20)
      .optional()
      .describe(
        "Plans to compare with this one: `dbsim run` runs the scenario and each variant with the same seed and prints them side by side",
      ),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>(["base"]);
    (s.variants ?? []).forEach((v, i) => {
      if (seen.has(v.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["variants", i, "name"],
          message:
            v.name === "base"
              ? 'expected a variant name other than "base" (the scenario itself)'
              : "expected a name no other variant has",
          input: v.name,
        });
      }
      seen.add(v.name);
    });
    if (
      s.routing !== undefined &&
      s.replication === undefined &&
      s.routing.consistency.policy !== "none"
    ) {
      ctx.addIssue({
        code: "custom",
        path: ["routing", "consistency"],
        message:
          "expected a replication section: a consistency policy needs replicas to route around",
        input: s.routing.consistency,
      });
    }
    checkProxy(s, ctx);
    if (s.duration <= 0) {
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: "expected a duration > 0",
        input: s.duration,
      });
    }
    if (s.duration + s.warmup > 1e12) {
      ctx.addIssue({
        code: "custom",
        path: ["duration"],
        message: "expected warmup + duration ≤ 1e12 ms (about 31 years of simulated time)",
        input: s.duration,
      });
    }
  })
  .describe("A dbsim scenario: a workload and a scaling plan");

/** The proxy's checks that need the rest of the scenario: routing, replicas. */
function checkProxy(
  s: {
    readonly proxy?: z.output<typeof ProxySchema> | undefined;
    readonly routing?: unknown;
    readonly replication?: z.output<typeof ReplicationSchema> | undefined;
  },
  ctx: z.RefinementCtx,
): void {
  const p = s.proxy;
  if (p === undefined) return;
  if (s.routing !== undefined) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy"],
      message:
        "expected either `routing` (the application or a plain proxy splits reads and writes) or `proxy` (ProxySQL's query rules do), not both",
      input: p,
    });
  }
  const rep = s.replication;
  const replicas =
    rep === undefined ? 0 : typeof rep.replicas === "number" ? rep.replicas : rep.replicas.length;
  // When the proxy section has problems of its own, zod skips its transform, so the
  // defaults (queryRules) are missing: its issues are reported, nothing more to check.
  if (p.queryRules === undefined || p.readers === undefined) return;
  const weights = p.readers.replicaWeights;
  if (weights !== undefined && weights.length !== replicas) {
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "readers", "replicaWeights"],
      message: `expected one weight per replica (${replicas})`,
      input: weights,
    });
  }
  if (replicas > 0 || p.readers.primaryWeight > 0) return;
  p.queryRules.forEach((r, i) => {
    if (r.destinationHostgroup !== p.readerHostgroup) return;
    ctx.addIssue({
      code: "custom",
      path: ["proxy", "queryRules", i, "destinationHostgroup"],
      message: `rule ${r.ruleId} sends queries to the reader hostgroup (${p.readerHostgroup}), which has no servers: every such query would wait connectTimeoutServerMax and fail (hostgroup_unavailable); add replicas (a replication section), put the primary in it (proxy.readers.primaryWeight > 0), or give queryRules that do not use it (the default rules send reads there)`,
      input: r.destinationHostgroup,
    });
  });
}

/**
 * A scenario as written (input of {@link parseScenario}).
 *
 * @remarks Since 0.1.0
 */
export type ScenarioInput = z.input<typeof ScenarioSchema>;

/**
 * A scenario with every default filled in.
 *
 * @remarks Since 0.1.0
 */
export type Scenario = z.output<typeof ScenarioSchema>;
