// The seam every mechanism meets to enter a scenario: one object per component
// (this folder, one file each), listed in request-path order in index.ts. The
// composition root folds over that list from the back; the runner resets and
// reads what each built component measures. Nothing outside this folder needs
// to know a component by name.

import type * as z from "zod";
import type { Simulation } from "../../kernel/index.js";
import type { DistributionSpec, Sampler } from "../../latency/index.js";
import type { Resettable } from "../../metrics/index.js";
import type {
  ErrorKind,
  ServerPort,
  Service,
  VersionHolder,
  VersionOracle,
} from "../../models/operation.js";
import type { BackendGate } from "../../models/proxy/backend-gate.js";
import type { ProxySql } from "../../models/proxy/proxysql.js";
import type { RegionFront } from "../../models/regions/local-reads.js";
import type { Replication } from "../../models/replication/replication.js";
import type { Router } from "../../models/routing/router.js";
import type { PoolRows } from "../../models/server/buffer-pool-rows.js";
import type { KeySlots } from "../../models/server/key-versions.js";
import type { DatabaseServer } from "../../models/server/server.js";
import type { GraphBuilder } from "../graph.js";
import type { LagSeries } from "../lag.js";
import type { Report } from "../report.js";
import type { Scenario } from "../schema.js";
import type { TimelineEntry } from "../timeline.js";
import type { TimedEvent } from "../timeline-fields.js";

/**
 * One way into the database tier, as seen by the component in front: a node
 * (or what fronts it), or the single way in through a proxy that fans out.
 *
 * @remarks Since 0.2.0
 */
export interface Way {
  /** The node's name, or the proxy's. */
  readonly name: string;
  /** Whether it leads to the primary, a replica, or a proxy in front of them all. */
  readonly role: "primary" | "replica" | "proxy";
  /** Where connections are opened: the node, or what sits in front of it. */
  readonly port: ServerPort;
  /** The driver that submits operations along this way, once the client is built. */
  readonly service: Service | null;
  /** The diagram box an arrow along this way points at. */
  readonly diagramId: string;
}

/**
 * What lies behind a component when it is built: the ways in, primary first.
 *
 * @remarks Since 0.2.0
 */
export interface Downstream {
  readonly ways: readonly Way[];
  /** The one service in front of every way, once a component has made it (the router). */
  readonly front?: Service;
}

/**
 * A database node as the runner and report see it.
 *
 * @remarks Since 0.2.0
 */
export interface NodeEntry {
  readonly server: DatabaseServer;
  readonly role: "primary" | "replica";
}

/**
 * What a component is built with: the simulation, the resolved scenario, a
 * sampler compiler, the database nodes built so far, and the diagram.
 *
 * @remarks Since 0.2.0
 */
export interface BuildContext {
  readonly sim: Simulation;
  readonly scenario: Scenario;
  readonly compile: (spec: DistributionSpec) => Sampler;
  /** Database nodes, primary first (the database and replication components add them). */
  readonly nodes: NodeEntry[];
  readonly graph: GraphBuilder;
  /** Parts a component offers those built after it (the replication link, for the router and proxy). */
  readonly shared: SharedParts;
  /**
   * The timeline's entries of one kind, in time order. Today's kinds become a
   * model's schedule when it is built (an outage window, a rate step), at no
   * kernel event; a kind that must act at its instant schedules itself with
   * `sim.at(event.at, …)`.
   */
  events<K extends TimelineEntry["kind"]>(kind: K): readonly Extract<TimelineEntry, { kind: K }>[];
  /**
   * What every cluster has committed and acknowledged, for a component that must
   * judge a version (a cache): ask it rather than read a primary. Read it while
   * the run runs, not while building (it answers once every cluster is built).
   */
  readonly versions: VersionOracle;
  /**
   * The cluster being built: its index (its operations' `cluster`) and the
   * prefix of its node names ("" unsharded; "s0/", "s1/", … one per shard).
   * Components name nodes with {@link clusterName}.
   *
   * @remarks Since 0.2.0
   */
  readonly cluster: ClusterInfo;
}

/**
 * Which cluster a component is built for.
 *
 * @remarks Since 0.2.0
 */
export interface ClusterInfo {
  /** Its index among the built clusters (the shard's index). */
  readonly index: number;
  /** The prefix of its node names: "" for the one cluster of an unsharded plan, "s<i>/" for shard i. */
  readonly prefix: string;
  /**
   * The keys its nodes hold per-key state for densely (the shard's keys at the
   * start); omitted: every key.
   *
   * @remarks Since 0.2.0
   */
  readonly keySlots?: KeySlots;
  /**
   * The rows its nodes' buffer pools hold pages for (the shard's own, then the
   * ones a resharding moves in); omitted: every key, row = key.
   *
   * @remarks Since 0.2.0
   */
  readonly rows?: PoolRows;
}

/**
 * A node's name within the cluster being built: the cluster's prefix and `name`
 * ("primary" unsharded, "s1/primary" in shard 1).
 *
 * @remarks Since 0.2.0
 */
export function clusterName(context: BuildContext, name: string): string {
  return `${context.cluster.prefix}${name}`;
}

/**
 * Parts one component offers the components built after it (and the runner).
 *
 * @remarks Since 0.2.0
 */
export interface SharedParts {
  /** The replication link, when the scenario has replicas. */
  replication: Replication | null;
  /**
   * Called with the router once it is built (a crashed replica's health check
   * takes it out of the read rotation).
   *
   * @remarks Since 0.2.0
   */
  routerBuilt?: (router: Router) => void;
  /**
   * Reports the lag of a replica the log added during the run (the old primary
   * back as a replica), under `name`, among the replication rows.
   *
   * @remarks Since 0.2.0
   */
  lagOfAddedReplica?: (name: string) => void;
  /**
   * Called with the region-local reads once they are built, so a crash or a
   * failover takes a node out of their rotation too.
   *
   * @remarks Since 0.2.0
   */
  regionReadsBuilt?: (front: RegionFront) => void;
  /**
   * ProxySQL and the gates in front of its backends (the ways' order: the
   * primary first), when a node crash is on the timeline: a crash behind ProxySQL
   * fails over through them (proxy-failover.ts).
   *
   * @remarks Since 0.2.0
   */
  proxy?: ProxyBackends;
}

/**
 * ProxySQL as a crash behind it needs it.
 *
 * @remarks Since 0.2.0
 */
export interface ProxyBackends {
  readonly model: ProxySql;
  /** One per way, in the ways' order (the primary first). */
  readonly gates: readonly BackendGate[];
  /** The ways' node names, in the same order (a gate's port may be its pooler). */
  readonly names: readonly string[];
  readonly writerHostgroup: number;
}

/**
 * The measured window, as the report producers read it.
 *
 * @remarks Since 0.2.0
 */
export interface MeasuredWindow {
  /** Simulated time at the end of the run (ms). */
  readonly now: number;
  /** Operations per second over the measured window. */
  perSec(n: number): number;
  /** Reads and writes each node served in the window, by node name. */
  served(node: string): { readonly reads: number; readonly writes: number };
  /** Sections produced so far (a component may read those before it). */
  readonly report: Readonly<Record<string, unknown>>;
}

/**
 * A figure a component offers the report's time series, read at each window's
 * end: `area` a running time integral (the window shows its mean), `count` a
 * running count (the window shows it per second), `gauge` a value now (the
 * window shows it at its end).
 *
 * @remarks Since 0.2.0
 */
export interface Probe {
  /** Its name in the time series, e.g. `cpu.primary`. */
  readonly name: string;
  readonly kind: "area" | "count" | "gauge";
  /** Its value at `now` (ms). */
  read(now: number): number;
}

/**
 * A built component's measurement: restarted once at the warm-up cut, stopped
 * at the end, read for its report section.
 *
 * @remarks Since 0.2.0
 */
export interface ComponentStats extends Resettable {
  /** Starts its samplers when the run starts; `tick` runs after each sample (the runner compacts the history there). */
  start?(tick: () => void): void;
  /** Ends its timers at the end of the run. */
  stop?(): void;
  /** Its time series (replica lag). */
  series?(): readonly LagSeries[];
  /** Its report section, or undefined for none. */
  section?(window: MeasuredWindow): unknown;
  /** Its figures for the report's time series (read only when one is asked for). */
  probes?(): readonly Probe[];
}

/**
 * What {@link Component.build} returns: what lies behind the next component,
 * and what this one measures.
 *
 * @remarks Since 0.2.0
 */
export interface Built {
  readonly downstream: Downstream;
  readonly stats?: ComponentStats;
  /**
   * What it holds versions of the cluster's keys in and may serve later (a
   * replication link, a cache): the history is compacted to the oldest log
   * position any of them still serves.
   */
  readonly holders?: readonly VersionHolder[];
}

/**
 * The scenario as the cross-section checks see it: parsed, before the defaults
 * that depend on other sections are filled in.
 *
 * @remarks Since 0.2.0
 */
export type ParsedScenario = Omit<Scenario, "replication"> & {
  readonly replication?:
    | { readonly replicas: NonNullable<Scenario["replication"]>["replicas"] }
    | undefined;
};

/**
 * What the work estimate tells a component about the run.
 *
 * @remarks Since 0.2.0
 */
export interface EstimateInput {
  /** Warm-up plus duration (ms). */
  readonly totalMs: number;
  /** Operations the workload will issue. */
  readonly operations: number;
  /** Statements those operations write. */
  readonly writes: number;
}

/**
 * A component's share of a run's work: kernel events per operation, events for
 * the writes, periodic events over the run, and memory it holds from the start.
 *
 * @remarks Since 0.2.0
 */
export interface WorkShare {
  readonly eventsPerOperation?: number;
  readonly writeEvents?: number;
  readonly periodicEvents?: number;
  readonly memory?: readonly { readonly what: string; readonly bytes: number }[];
}

/**
 * A column of the variant comparison (`dbsim run` on a scenario with variants):
 * one cell per plan, read from the plan's report.
 *
 * @remarks Since 0.2.0
 */
export interface ComparisonColumn {
  /** Its header, on two lines: top, bottom. */
  readonly header: readonly [string, string];
  /**
   * Where it sits, columns in ascending rank: the run's own columns are at 10
   * … 70 (plan, verdict, throughput, latency, errors) and 90 … 110
   * (consistency), see `cli/compare.ts`; a tie keeps registry order.
   */
  readonly rank: number;
  /** Its cell for one plan. */
  cell(report: Report): string;
  /**
   * Whether the comparison of these plans shows it (always, when left out): a
   * column of a component none of the plans has is left out.
   *
   * @remarks Since 0.2.0
   */
  shown?(reports: readonly Report[]): boolean;
}

/**
 * An error kind a component's model ends operations with, and what causes it in
 * a given scenario: the component and the setting to change (a livelock's
 * explanation names it).
 *
 * @remarks Since 0.2.0
 */
export interface ErrorKindSpec {
  /** The kind, as operations and the report's `errors.byKind` carry it. */
  readonly kind: ErrorKind;
  /** The component and setting behind it, e.g. "pgbouncer (queryWaitTimeout)". */
  cause(scenario: Scenario): string;
}

/**
 * A mechanism as the scenario layer knows it.
 *
 * @typeParam S - the zod schema of its scenario section
 * @typeParam R - the zod schema of its report section
 * @remarks Since 0.2.0
 */
export interface Component<S extends z.ZodType = z.ZodType, R extends z.ZodType = z.ZodType> {
  /** Its section of the scenario (`pool`, `replication`, …). */
  readonly key: string;
  /** The section's schema, as it sits in the scenario (optional, or with defaults). */
  readonly schema: S;
  /** The timeline event kinds it handles: each a schema made by `timedEvent` (scenario/timeline-fields.ts). */
  readonly events?: readonly z.ZodType[];
  /**
   * Moves timed fields of its own section (sugar written before the timeline)
   * into timeline events, when the scenario is resolved; the section comes back
   * without them.
   */
  lift?(section: NonNullable<z.output<S>>): {
    readonly section: NonNullable<z.output<S>>;
    readonly events: readonly TimedEvent[];
  };
  /** Checks that need other sections, on the parsed scenario (before the defaults that depend on other sections). */
  check?(scenario: ParsedScenario, ctx: z.RefinementCtx): void;
  /** Builds it in front of `downstream`; absent sections return `downstream` unchanged. */
  build(context: BuildContext, downstream: Downstream): Built;
  /** Its report section: the key and schema (as it sits in the report). */
  readonly report: { readonly key: string; readonly schema: R };
  /** Error kinds its model ends operations with, each with what causes it. */
  readonly errorKinds: readonly ErrorKindSpec[];
  /** What it adds to the work estimate of a run (estimate.ts), before it runs. */
  estimate?(scenario: Scenario, run: EstimateInput): WorkShare;
  /** Its line in the summary of a resolved scenario printed before a run: a label and a text; undefined for none. */
  summary?(scenario: Scenario): readonly [string, string] | undefined;
  /** Its section of the report's table: a heading and aligned rows. */
  table?(section: NonNullable<z.output<R>>, report: { readonly warmupMs: number }): string[];
  /** Its columns in the variant comparison. */
  readonly compare?: readonly ComparisonColumn[];
  /**
   * Its report section over several clusters (the shards of a sharded plan),
   * from each cluster's; absent: a list section lists every cluster's rows, and
   * any other section is left out of a sharded report.
   *
   * @remarks Since 0.2.0
   */
  combine?(sections: readonly unknown[]): unknown;
}
