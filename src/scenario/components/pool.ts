// pgbouncer in front of every database node: a pool per node, and the pooling
// figures (SHOW POOLS / SHOW STATS) in the report.
import * as z from "zod";
import { Histogram } from "../../metrics/index.js";
import type { PoolErrorKind } from "../../models/pool/errors.js";
import { PgBouncer } from "../../models/pool/pgbouncer.js";
import { instanceField, pricesField } from "../cost-fields.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  positiveInt,
  roundFigure,
  spread,
} from "../fields.js";
import { alignColumns, formatFigure, perSecText, spreadMs } from "../table-text.js";
import type { Component, MeasuredWindow, Way } from "./component.js";

const num = () => z.number();

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
    instanceType: instanceField("The EC2 instance type each pgbouncer runs on", "m5.large"),
    prices: pricesField("EC2 instance type"),
  })
  .describe("pgbouncer in front of every database node (one pool per node)");

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

const PoolSection = PoolSchema.optional();
const PoolingSection = PoolingReportSchema.optional();
type PoolingReport = z.output<typeof PoolingReportSchema>;

/**
 * pgbouncer: puts a pool in front of every database node.
 *
 * @remarks Since 0.2.0
 */
export const pool: Component<typeof PoolSection, typeof PoolingSection> = {
  key: "pool",
  schema: PoolSection,
  report: { key: "pool", schema: PoolingSection },
  errorKinds: [
    {
      kind: "max_client_conn" satisfies PoolErrorKind,
      cause: (s) => `pgbouncer (maxClientConn ${s.pool?.maxClientConn} refuses new clients)`,
    },
    {
      kind: "query_wait_timeout" satisfies PoolErrorKind,
      cause: () => "pgbouncer (queryWaitTimeout)",
    },
    {
      kind: "statement_mode_transaction" satisfies PoolErrorKind,
      cause: () => "pgbouncer (statement pool mode refuses multi-statement transactions)",
    },
  ],
  table: (section) => poolTable(section),

  // pgbouncer's hop: the statement in and the answer out.
  estimate: (s) => ({ eventsPerOperation: s.pool === undefined ? 0 : 2 }),
  build(context, downstream) {
    const p = context.scenario.pool;
    if (p === undefined) return { downstream };
    const { sim, compile, graph } = context;
    const pools: { bouncer: PgBouncer; node: string }[] = [];
    const ways = downstream.ways.map((way): Way => {
      const bouncer = new PgBouncer(
        sim,
        {
          name: `pgbouncer-${way.name}`,
          poolMode: p.poolMode,
          defaultPoolSize: p.defaultPoolSize,
          minPoolSize: p.minPoolSize,
          reservePoolSize: p.reservePoolSize,
          reservePoolTimeoutMs: p.reservePoolTimeout,
          maxClientConn: p.maxClientConn,
          maxDbConnections: p.maxDbConnections,
          queryWaitTimeoutMs: p.queryWaitTimeout,
          serverIdleTimeoutMs: p.serverIdleTimeout,
          serverLifetimeMs: p.serverLifetime,
          serverConnectTimeoutMs: p.serverConnectTimeout,
          serverLoginRetryMs: p.serverLoginRetry,
          maxPreparedStatements: p.maxPreparedStatements,
          serverRoundTripMs: compile(p.serverRoundTrip),
          serverConnectRoundTrips: p.serverConnectRoundTrips,
        },
        way.port,
      );
      pools.push({ bouncer, node: way.name });
      const id = `pool_${way.diagramId}`;
      graph.before(way.diagramId, {
        id,
        label: `PgBouncer<br/>${p.poolMode} mode, pool ${p.defaultPoolSize}`,
        shape: "component",
      });
      graph.arrow({
        from: id,
        to: way.diagramId,
        label: `≤ ${p.defaultPoolSize + p.reservePoolSize} connections`,
      });
      return { ...way, port: bouncer, diagramId: id };
    });
    return {
      downstream: { ways },
      stats: {
        reset(now) {
          for (const x of pools) x.bouncer.resetStats(now);
        },
        section: (window) => poolingReport(p.poolMode, pools, window),
        probes: () =>
          pools.map(({ bouncer }) => ({
            name: `waiting.${bouncer.name}`,
            kind: "area" as const,
            read: (now: number) => bouncer.waiting.mean(now) * (now - bouncer.waiting.startMs),
          })),
      },
    };
  },
};

function poolingReport(
  poolMode: PoolingReport["poolMode"],
  pools: readonly { bouncer: PgBouncer; node: string }[],
  window: MeasuredWindow,
): PoolingReport {
  const { now, perSec } = window;
  const allWaits = new Histogram();
  let clientsWaitingMax = 0;
  let serverConnectionsMax = 0;
  const rows = pools.map(({ bouncer: b, node }) => {
    allWaits.merge(b.waitMs);
    clientsWaitingMax = Math.max(clientsWaitingMax, b.waiting.max);
    serverConnectionsMax += b.serversOpen.max;
    return {
      name: b.name,
      node,
      clientsMax: b.clients.max,
      clientsMean: roundFigure(b.clients.mean(now)),
      clientsWaitingMax: b.waiting.max,
      clientsWaitingMean: roundFigure(b.waiting.mean(now)),
      serversActiveMax: b.serversActive.max,
      serversActiveMean: roundFigure(b.serversActive.mean(now)),
      serverConnectionsMax: b.serversOpen.max,
      serversIdleMax: b.serversIdle.max,
      serversIdleMean: roundFigure(b.serversIdle.mean(now)),
      serverConnectionsOpened: b.stats.serverConnectionsOpened,
      serverLoginFailures: b.stats.serverLoginFailures,
      waitMs: spread(b.waitMs),
      xactPerSec: roundFigure(perSec(b.stats.xactCount)),
      queryPerSec: roundFigure(perSec(b.stats.queryCount)),
      sessionStateBroken: b.stats.sessionStateBroken,
    };
  });
  return {
    poolMode,
    waitMs: spread(allWaits),
    clientsWaitingMax,
    serverConnectionsMax,
    pools: rows,
  };
}

/** The pool section of the report's table. */
function poolTable(pool: PoolingReport): string[] {
  return [
    `Pool (pgbouncer, ${pool.poolMode} mode)`,
    ...alignColumns(
      [
        ["wait for a server connection (ms)", spreadMs(pool.waitMs)],
        ["clients waiting, most at once", String(pool.clientsWaitingMax)],
        ["server connections, sum of peaks", String(pool.serverConnectionsMax)],
      ],
      "ll",
    ),
    "",
    ...alignColumns(
      [
        [
          "pool",
          "cl max",
          "cl_waiting max",
          "cl_waiting mean",
          "sv_active max",
          "sv_idle max",
          "sv max",
          "opened",
          "login fails",
          "wait mean",
          "wait p99",
          "xact/s",
          "query/s",
          "state broken",
        ],
        ...pool.pools.map((p) => [
          p.name,
          String(p.clientsMax),
          String(p.clientsWaitingMax),
          p.clientsWaitingMean.toFixed(2),
          String(p.serversActiveMax),
          String(p.serversIdleMax),
          String(p.serverConnectionsMax),
          String(p.serverConnectionsOpened),
          String(p.serverLoginFailures),
          formatFigure(p.waitMs.mean),
          formatFigure(p.waitMs.p99),
          perSecText(p.xactPerSec),
          perSecText(p.queryPerSec),
          String(p.sessionStateBroken),
        ]),
      ],
      "ll",
    ),
  ];
}
