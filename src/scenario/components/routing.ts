// Read/write routing over the primary and its replicas, in the application
// (`via: "app"`), behind a plain proxy hop (`via: "proxy-hop"`; not ProxySQL,
// which is the `proxy` section), or through DNS endpoints (`via: "dns"`).
import * as z from "zod";
import type { Service } from "../../models/operation.js";
import { type ConsistencyPolicy, Router } from "../../models/routing/router.js";
import {
  DistributionSpecSchema,
  DurationSchema,
  requirePositiveDuration,
  roundFigure,
} from "../fields.js";
import { alignColumns, countOf, formatDuration, formatFigure, NO_DATA } from "../table-text.js";
import type { BuildContext, Component, Downstream } from "./component.js";
import { watchReplicas } from "./network-health.js";
import { routedReadsToPrimary } from "./shard-sections.js";

const num = () => z.number();

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
      .enum(["app", "proxy-hop", "dns", "proxy"])
      .default("app")
      // "proxy" read as ProxySQL, which is the `proxy` section: the hop got its own name.
      .transform((v) => (v === "proxy" ? "proxy-hop" : v))
      .describe(
        'app: the application picks the connection; proxy-hop: a plain read/write-splitting proxy, one extra round trip per statement (not ProxySQL: for ProxySQL write a `proxy` section instead of `routing`); dns: a read endpoint resolving to one replica per instance. "proxy" is the deprecated name of proxy-hop (since 0.2.0; removed in 0.3.0)',
      ),
    proxyHop: DistributionSpecSchema.default("sameDatacenterRoundTrip").describe(
      "via proxy-hop: the extra round trip per statement (ms)",
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
    requirePositiveDuration(r.lagCheckInterval, ["lagCheckInterval"], ctx);
  })
  .describe("Read/write routing over the primary and replicas");

/**
 * The routing figures.
 *
 * @remarks Since 0.1.0
 */
export const RoutingReportSchema = z.strictObject({
  via: z
    .enum(["app", "proxy-hop", "dns", "proxy"])
    .describe('How reads and writes were routed; "proxy" in reports before 0.2.0 is proxy-hop'),
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

const RoutingSection = RoutingSchema.optional();
const RoutingReportSection = RoutingReportSchema.optional();
type RoutingSpec = z.output<typeof RoutingSchema>;

/**
 * Routing: a router over the drivers of the primary and the replicas. Without
 * a `routing` section every operation goes to the primary (or to ProxySQL).
 *
 * @remarks Since 0.2.0
 */
export const routing: Component<typeof RoutingSection, typeof RoutingReportSection> = {
  key: "routing",
  schema: RoutingSection,
  report: { key: "routing", schema: RoutingReportSection },
  compare: [
    {
      header: ["reads to", "primary"],
      rank: 80,
      // Without a router every read a node served on the primary went there; a
      // sharded plan's are summed over its shards' routers or primaries.
      cell: (r) =>
        String(
          routedReadsToPrimary(r) ??
            r.nodes.filter((n) => n.role === "primary").reduce((sum, n) => sum + n.readsServed, 0),
        ),
    },
  ],
  errorKinds: [],
  table: (section) => routingTable(section),
  summary: (s) => (s.routing === undefined ? undefined : ["routing", routingSummary(s.routing)]),

  estimate(s, run) {
    const r = s.routing;
    if (r === undefined) return {};
    return {
      // The proxy hop's two halves; the lag checks when lag shunning is on.
      eventsPerOperation: r.via === "proxy-hop" ? 2 : 0,
      periodicEvents: r.maxReplicationLag === undefined ? 0 : run.totalMs / r.lagCheckInterval,
    };
  },
  check(s, ctx) {
    const r = s.routing;
    if (r === undefined || s.replication !== undefined || r.consistency.policy === "none") return;
    ctx.addIssue({
      code: "custom",
      path: ["routing", "consistency"],
      message:
        "expected a replication section: a consistency policy needs replicas to route around",
      input: r.consistency,
    });
  },
  build(context, downstream) {
    const r = context.scenario.routing;
    const primary = downstream.ways[0];
    if (primary === undefined || primary.service === null) {
      throw new Error("routing is built in front of the drivers");
    }
    if (primary.role === "proxy") return { downstream };
    drawRoutes(context, downstream, r);
    if (r === undefined) return { downstream };
    const replicas = downstream.ways.filter((w) => w.role === "replica");
    const router = new Router(
      context.sim,
      {
        via: r.via === "proxy-hop" ? "proxy" : r.via,
        proxyRoundTripMs: context.compile(r.proxyHop),
        dnsTtlMs: r.dnsTtl,
        instances: context.scenario.client.instances,
        readBalancing: r.readBalancing,
        maxReplicationLagMs: r.maxReplicationLag ?? null,
        lagCheckIntervalMs: r.lagCheckInterval,
        consistency: consistencyPolicy(r.consistency),
        sessions: context.scenario.workload.sessions,
      },
      primary.service,
      replicas.map((w) => w.service as Service),
      context.shared.replication ?? NO_REPLICAS,
    );
    context.shared.routerBuilt?.(router);
    watchReplicas(context, router, replicas);
    return {
      downstream: { ...downstream, front: router },
      stats: {
        reset: (now) => router.resetStats(now),
        stop: () => router.stop(),
        section: () => routingReport(router, r),
      },
    };
  },
};

/** Arrows from the application (through the proxy hop's box) to the nodes that serve it. */
function drawRoutes(
  context: BuildContext,
  downstream: Downstream,
  r: RoutingSpec | undefined,
): void {
  const { graph } = context;
  const [primary, ...rest] = downstream.ways;
  const replicas = rest.filter((w) => w.role === "replica");
  const routed = r !== undefined && replicas.length > 0;
  let from = "app";
  if (r?.via === "proxy-hop") {
    graph.after("app", {
      id: "proxy",
      label: "Proxy hop<br/>read/write split",
      shape: "component",
    });
    graph.arrow({ from: "app", to: "proxy" });
    from = "proxy";
  }
  graph.arrow({
    from,
    to: (primary as NonNullable<typeof primary>).diagramId,
    label: routed ? "writes" : "reads + writes",
  });
  if (!routed) return;
  for (const w of replicas) {
    graph.arrow({ from, to: w.diagramId, label: r?.via === "dns" ? "reads (DNS)" : "reads" });
  }
}

function routingReport(router: Router, r: RoutingSpec): z.output<typeof RoutingReportSchema> {
  const st = router.stats;
  return {
    via: r.via,
    readBalancing: r.readBalancing,
    consistency:
      r.consistency.policy === "none" ? "none" : `${r.consistency.policy} (${r.consistency.by})`,
    readsToPrimary: st.readsToPrimary,
    readsToReplicas: st.readsToReplicas,
    movedToPrimary: { byPolicy: st.movedByPolicy, byLag: st.movedByLag },
    lsnWaits: {
      count: st.lsnWaits,
      timeouts: st.lsnWaitTimeouts,
      meanWaitMs: roundFigure(st.lsnWaits > 0 ? st.lsnWaitMs / st.lsnWaits : 0),
    },
    movedReadLatencyMs: roundFigure(router.movedReadMs.mean),
    replicaReadLatencyMs: roundFigure(router.replicaReadMs.mean),
  };
}

const NO_REPLICAS = {
  lagMs: () => 0,
  appliedLsn: () => 0,
  waitForLsn: (_i: number, _lsn: number, _t: number, done: (applied: boolean) => void) =>
    done(true),
};

function consistencyPolicy(c: RoutingSpec["consistency"]): ConsistencyPolicy {
  switch (c.policy) {
    case "none":
      return { policy: "none" };
    case "read-your-writes":
      return c.by === "window"
        ? { policy: "read-your-writes", by: "window", windowMs: c.window }
        : { policy: "read-your-writes", by: "lsn", maxWaitMs: c.maxWait };
    case "monotonic-reads":
      return c.by === "pinning"
        ? { policy: "monotonic-reads", by: "pinning" }
        : { policy: "monotonic-reads", by: "lsn", maxWaitMs: c.maxWait };
  }
}

/** The routing section of the report's table. */
function routingTable(rt: z.output<typeof RoutingReportSchema>): string[] {
  const reads = rt.readsToPrimary + rt.readsToReplicas;
  const moved = rt.movedToPrimary.byPolicy + rt.movedToPrimary.byLag;
  return [
    "Routing",
    ...alignColumns(
      [
        ["via", rt.via],
        ["read balancing", rt.readBalancing],
        ["consistency policy", rt.consistency],
        ["reads to primary", countOf(rt.readsToPrimary, reads)],
        ["reads to replicas", countOf(rt.readsToReplicas, reads)],
        ["moved to primary by policy", String(rt.movedToPrimary.byPolicy)],
        ["moved to primary by lag", String(rt.movedToPrimary.byLag)],
        ["LSN waits", String(rt.lsnWaits.count)],
        ["LSN wait timeouts", String(rt.lsnWaits.timeouts)],
        [
          "LSN wait mean (ms)",
          rt.lsnWaits.count > 0 ? formatFigure(rt.lsnWaits.meanWaitMs) : NO_DATA,
        ],
        ["moved read latency mean (ms)", moved > 0 ? formatFigure(rt.movedReadLatencyMs) : NO_DATA],
        ["replica read latency mean (ms)", formatFigure(rt.replicaReadLatencyMs)],
      ],
      "ll",
    ),
  ];
}

/** The routing in the summary of a resolved scenario. */
function routingSummary(r: RoutingSpec): string {
  const parts = [
    `via ${r.via}`,
    `${r.readBalancing} reads`,
    `consistency ${policySummary(r.consistency)}`,
  ];
  if (r.maxReplicationLag !== undefined) {
    parts.push(`no reads to a replica lagging > ${formatDuration(r.maxReplicationLag)}`);
  }
  return parts.join(", ");
}

function policySummary(c: RoutingSpec["consistency"]): string {
  if (c.policy === "none") return "none";
  if (c.by === "window") return `${c.policy} by window (${formatDuration(c.window)})`;
  if (c.by === "lsn") return `${c.policy} by lsn (waits up to ${formatDuration(c.maxWait)})`;
  return `${c.policy} by ${c.by}`;
}
