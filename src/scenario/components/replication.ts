// Read replicas fed by the primary's log (WAL or binlog): builds each replica
// node and the replication link, draws the log arrows, samples lag, and reports
// the replication figures.
import * as z from "zod";
import type { Sampler } from "../../latency/index.js";
import {
  type ReplicaLinkConfig,
  Replication,
  type ReplicationMode,
} from "../../models/replication/replication.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  nonNegative,
  positiveInt,
  requirePositiveDuration,
  SpreadSchema,
  spread,
} from "../fields.js";
import { diagramId } from "../graph.js";
import { LagRecorder } from "../lag.js";
import type { Report } from "../report.js";
import { alignColumns, formatDuration, formatFigure, NO_DATA, spreadMs } from "../table-text.js";
import { type BuildContext, type Component, clusterName, type Way } from "./component.js";
import { buildServer } from "./database.js";
import { linkOutages, spikedLink } from "./network-health.js";
import { quorumAcks, quorumVoters, regionMap, wayRegions } from "./regions-map.js";
import { checkOutageEvents, liftOutages, ReplicaOutageEvent } from "./replica-outage.js";
import { everyReplica } from "./shard-sections.js";

const num = () => z.number();

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
    region: z
      .string()
      .optional()
      .describe("The region it lives in, one of regions.list (default: the primary's)"),
    outages: z
      .array(OutageSchema)
      .max(1000)
      .default([])
      .describe(
        "Windows when the replica is unreachable; the same as `replica-outage` entries of the scenario's `timeline`, where the resolved scenario lists them",
      ),
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
        "Log bytes per row a commit wrote (default: wal 250, binlog row 400, binlog statement 150 — estimates; measure yours)",
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
      "Replica CPU work to apply one transaction (core-ms); with database.mechanisms all, the pages it changes are read through the replica's buffer pool and disk on top",
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
    requirePositiveDuration(r.lagSampleInterval, ["lagSampleInterval"], ctx);
  })
  .describe("Read replicas fed by WAL or binlog replication");

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
 * The replication section with the defaults that depend on the engine filled
 * in: the log (WAL for PostgreSQL, binlog for MySQL), the log bytes per write
 * and the appliers, so the resolved scenario shows every value a run uses.
 *
 * @internal
 */
export function withEngineDefaults(
  rep: z.output<typeof ReplicationSchema>,
  engine: "postgresql" | "mysql",
): ResolvedReplication {
  const log = rep.log ?? (engine === "mysql" ? "binlog" : "wal");
  return {
    ...rep,
    log,
    bytesPerWrite:
      rep.bytesPerWrite ?? (log === "wal" ? 250 : rep.binlogFormat === "row" ? 400 : 150),
    applyWorkers: rep.applyWorkers ?? (log === "wal" ? 1 : 4),
  };
}

/** @internal A replication section with every default resolved. */
export type ResolvedReplication = z.output<typeof ReplicationSchema> & {
  readonly log: "wal" | "binlog";
  readonly bytesPerWrite: number;
  readonly applyWorkers: number;
};

const ReplicationSection = ReplicationSchema.optional();
const ReplicationReportSection = ReplicationReportSchema.optional();
type ReplicationSpec = z.output<typeof ReplicationSchema>;
type ReplicaSpec = Exclude<ReplicationSpec["replicas"], number>[number] | Record<string, never>;

/**
 * Replication: adds the replicas behind the primary and the log between them.
 *
 * @remarks Since 0.2.0
 */
export const replication: Component<typeof ReplicationSection, typeof ReplicationReportSection> = {
  key: "replication",
  schema: ReplicationSection,
  report: { key: "replication", schema: ReplicationReportSection },
  errorKinds: [],
  events: [ReplicaOutageEvent],
  lift: liftOutages,
  check: checkOutageEvents,
  compare: [{ header: ["replica lag", "max"], rank: 120, cell: (r) => maxReplicaLag(r) }],
  table: (section) => replicationTable(section),
  summary: (s) =>
    s.replication === undefined ? undefined : ["replicas", replicationSummary(s.replication)],

  estimate(s, run) {
    const rep = s.replication;
    if (rep === undefined) return {};
    // Each write travels to every replica: arrival, flush, apply; lag is sampled.
    return {
      writeEvents: run.writes * replicaCount(s) * 3,
      periodicEvents: run.totalMs / rep.lagSampleInterval,
    };
  },
  build(context, downstream) {
    const rep = context.scenario.replication;
    if (rep === undefined) return { downstream };
    const { sim, scenario, compile, graph } = context;
    const db = scenario.database;
    const primary = context.nodes[0]?.server;
    if (primary === undefined) throw new Error("replication is built behind the primary");
    const specs: readonly ReplicaSpec[] =
      typeof rep.replicas === "number"
        ? Array.from({ length: rep.replicas }, () => ({}))
        : rep.replicas;
    const { log, bytesPerWrite } = rep;
    const modeLabel = rep.mode === "sync" ? `sync ${rep.synchronousCommit}` : rep.mode;
    const logLabel = `${log === "wal" ? "WAL" : `binlog (${rep.binlogFormat})`} ${modeLabel}`;
    const ports = [];
    const links: ReplicaLinkConfig[] = [];
    const ways: Way[] = [];
    const regions = regionLinks(context);
    for (const [i, spec] of specs.entries()) {
      const name = spec.name ?? `replica-${i + 1}`;
      const cores = spec.cores ?? db.cores;
      const node = buildServer(
        context,
        clusterName(context, name),
        cores,
        spec.maxConnections ?? db.maxConnections,
      );
      ports.push(node);
      context.nodes.push({ server: node, role: "replica" });
      links.push({
        roundTripMs: spikedLink(
          context,
          clusterName(context, "primary"),
          node.name,
          regions.roundTrip(i, compile(spec.network ?? rep.network)),
        ),
        synchronous: regions.synchronous(i),
        flushMs: compile(rep.flushTime),
        applyMs: compile(spec.applyTime ?? rep.applyTime),
        applyWorkers: spec.applyWorkers ?? rep.applyWorkers,
        outages: linkOutages(
          context,
          clusterName(context, "primary"),
          node.name,
          [
            ...(spec.outages ?? []),
            ...context.events("replica-outage").filter((e) => e.replica === name),
            // A crashed replica receives nothing until it is back (one that never is: see faults).
            ...context.events("replica-crash").flatMap((e) =>
              // By the node's name: a sharded plan's crash names the shard's (s1/replica-1).
              e.replica === node.name && e.for !== undefined ? [{ at: e.at, for: e.for }] : [],
            ),
          ].map((o) => ({ fromMs: o.at, toMs: o.at + o.for })),
        ),
      });
      const id = diagramId(name);
      graph.back({ id, label: `${node.name}<br/>${cores} cores`, shape: "database" });
      graph.arrow({ from: "primary", to: id, label: logLabel, style: "dotted" });
      ways.push({ name: node.name, role: "replica", port: node, service: null, diagramId: id });
    }
    const mode: ReplicationMode = regions.quorum
      ? { kind: "sync", acks: quorumAcks(scenario), synchronousCommit: rep.synchronousCommit }
      : rep.mode === "async"
        ? { kind: "async" }
        : rep.mode === "semi-sync"
          ? { kind: "semi-sync", acks: rep.acks, timeoutMs: rep.timeout }
          : { kind: "sync", acks: rep.acks, synchronousCommit: rep.synchronousCommit };
    const replayFrom = log === "wal" ? "flushed" : "received";
    const r = new Replication(sim, { mode, bytesPerWrite, replicas: links, replayFrom }, ports);
    primary.onCommit((lsn, key, version, ack, rows) => r.commit(lsn, key, version, ack, rows));
    context.shared.replication = r;
    const names = ways.map((w) => w.name);
    const lag = new LagRecorder(sim, r, names, rep.lagSampleInterval);
    context.shared.lagOfAddedReplica = (name) => lag.addReplica(name);
    return {
      downstream: { ways: [...downstream.ways, ...ways] },
      holders: [r],
      stats: {
        reset(now) {
          r.resetStats(now);
          lag.reset();
        },
        start: (tick) => lag.start(tick),
        stop: () => lag.stop(),
        series: () => lag.series(),
        section: (): z.output<typeof ReplicationReportSchema> => ({
          log,
          mode: mode.kind,
          primaryLsn: r.lsn,
          commitWaitMs: spread(r.commitWaitMs),
          semiSync: { timeouts: r.semiSyncTimeouts, fallbacks: r.semiSyncFallbacks },
          replicas: lag.report(),
        }),
      },
    };
  },
};

/**
 * A replica's link across regions: the pair's round trip on top of its own
 * network, and, under a quorum commit, whether it votes (one per other region).
 */
function regionLinks(context: BuildContext): {
  readonly quorum: boolean;
  roundTrip(replica: number, own: Sampler): Sampler;
  synchronous(replica: number): boolean;
} {
  const map = regionMap(context);
  const quorum = context.scenario.regions?.commit === "quorum" && quorumAcks(context.scenario) > 0;
  if (map === null) return { quorum, roundTrip: (_, own) => own, synchronous: () => true };
  const where = wayRegions(context.scenario, map);
  const primary = where[0] as number;
  const voters = quorumVoters(context.scenario);
  return {
    quorum,
    roundTrip(replica, own) {
      const region = where[replica + 1] as number;
      if (region === primary) return own;
      const hop = map.roundTrip(primary, region);
      return (rng) => own(rng) + hop(rng);
    },
    synchronous: (replica) => !quorum || voters.has(replica),
  };
}

/** The replication section of the report's table. */
function replicationTable(rep: z.output<typeof ReplicationReportSchema>): string[] {
  const rows: string[][] = [
    ["log", rep.log],
    ["mode", rep.mode],
    ["primary LSN", String(rep.primaryLsn)],
    ["commit wait (ms)", spreadMs(rep.commitWaitMs)],
  ];
  if (rep.mode === "semi-sync") {
    rows.push(
      ["semi-sync timeouts", String(rep.semiSync.timeouts)],
      ["semi-sync fallbacks", `${rep.semiSync.fallbacks} (switches to async)`],
    );
  }
  const replicas = alignColumns(
    [
      [
        "",
        "applied",
        "replay lag (ms)",
        "",
        "",
        "oldest unapplied (ms)",
        "",
        "lag (bytes)",
        "",
        "Seconds_Behind_Source",
        "",
      ],
      ["replica", "LSN", "mean", "p99", "max", "mean", "max", "mean", "max", "max", "NULL"],
      ...rep.replicas.map((x) => [
        x.name,
        String(x.appliedLsn),
        formatFigure(x.replayLagMs.mean),
        formatFigure(x.replayLagMs.p99),
        formatFigure(x.replayLagMs.max),
        formatFigure(x.oldestUnappliedAgeMs.mean),
        formatFigure(x.oldestUnappliedAgeMs.max),
        x.lagBytes.mean.toFixed(1),
        String(Math.round(x.lagBytes.max)),
        String(x.secondsBehindSource.max),
        nullShare(x.secondsBehindSource),
      ]),
    ],
    "l",
  );
  return ["Replication", ...alignColumns(rows, "ll"), "", ...replicas];
}

/** Samples at which Seconds_Behind_Source was NULL, with their share: "12 of 600". */
function nullShare(s: { readonly samples: number; readonly nullSamples: number }): string {
  return s.nullSamples === 0 ? "0" : `${s.nullSamples} of ${s.samples}`;
}

/** The replicas in the summary of a resolved scenario. */
function replicationSummary(r: ResolvedReplication): string {
  const count = typeof r.replicas === "number" ? r.replicas : r.replicas.length;
  const parts = [`${count}`, `${r.mode} (${r.log})`];
  const acks = `waits for ${r.acks} ack${r.acks === 1 ? "" : "s"}`;
  if (r.mode === "semi-sync") parts.push(acks, `timeout ${formatDuration(r.timeout)}`);
  if (r.mode === "sync") parts.push(acks, `synchronous_commit ${r.synchronousCommit}`);
  return parts.join(", ");
}

/**
 * How many replicas a scenario has (0 without replication).
 *
 * @internal
 */
export function replicaCount(scenario: {
  readonly replication?: { readonly replicas: number | readonly unknown[] } | undefined;
}): number {
  const rep = scenario.replication;
  if (rep === undefined) return 0;
  return typeof rep.replicas === "number" ? rep.replicas : rep.replicas.length;
}

/** The oldest unapplied change's greatest age over the replicas (ms), or no data without replicas. */
function maxReplicaLag(r: Report): string {
  // A sharded plan's: its worst shard's.
  const replicas = everyReplica(r);
  if (replicas.length === 0) return NO_DATA;
  return formatFigure(Math.max(...replicas.map((x) => x.oldestUnappliedAgeMs.max)));
}
