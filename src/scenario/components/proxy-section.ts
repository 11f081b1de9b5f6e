// The `proxy` section (ProxySQL) and its report section: the schemas and the
// checks that need the rest of the scenario. The component is in proxy.ts.
import * as z from "zod";
import { instanceField, pricesField } from "../cost-fields.js";
import {
  count,
  DistributionSpecSchema,
  DurationSchema,
  nonNegative,
  positiveInt,
  requirePositiveDuration,
  SpreadSchema,
} from "../fields.js";

const num = () => z.number();

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
      "mysql-monitor_replication_lag_interval: how often the monitor reads each replica's Seconds_Behind_Source",
    ),
    maxReplicationLag: z
      .number()
      .int()
      .nonnegative()
      .max(31_536_000)
      .default(0)
      .describe(
        "mysql_servers.max_replication_lag, in whole seconds: a replica whose Seconds_Behind_Source is strictly greater at a check is SHUNNED until a later check finds it at or under; 0 = off (ProxySQL's default). Seconds_Behind_Source does not see lag in transit",
      ),
    monitorSlaveLagWhenNull: z
      .number()
      .int()
      .nonnegative()
      .max(31_536_000)
      .default(60)
      .describe(
        "mysql-monitor_slave_lag_when_null, in whole seconds: the lag the monitor assumes when Seconds_Behind_Source is NULL (the replica has applied all it received and its receiver is cut off); above maxReplicationLag the replica is SHUNNED",
      ),
    connectTimeoutServerMax: DurationSchema.default(10_000).describe(
      "mysql-connect_timeout_server_max: a query that finds no ONLINE server or no backend connection within this fails (hostgroup_unavailable)",
    ),
    // No default in the schema, so resolved scenarios without a crash stay as they were.
    monitorReadOnlyInterval: DurationSchema.optional().describe(
      "mysql-monitor_read_only_interval: how often the monitor reads read_only on every backend; a promoted replica joins the writer hostgroup at the first read after its promotion (default 1000 ms, lib/MySQL_Thread.cpp; the sample proxysql.cnf sets 1500)",
    ),
    instanceType: instanceField("The EC2 instance type ProxySQL runs on", "m5.large"),
    prices: pricesField("EC2 instance type"),
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
    requirePositiveDuration(
      p.monitorReplicationLagInterval,
      ["monitorReplicationLagInterval"],
      ctx,
    );
    if (p.monitorReadOnlyInterval !== undefined)
      requirePositiveDuration(p.monitorReadOnlyInterval, ["monitorReadOnlyInterval"], ctx);
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

/** @internal The proxy's checks that need the rest of the scenario: routing, replicas. */
export function checkProxy(
  s: {
    readonly proxy?: z.output<typeof ProxySchema> | undefined;
    readonly routing?: unknown;
    readonly replication?: { readonly replicas: number | readonly unknown[] } | undefined;
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
