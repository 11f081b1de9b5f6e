// The input types of the scenario arbitraries, and the options of arbScenario.
import type { DistributionSpec } from "../latency/index.js";
import type { ScenarioInput } from "../scenario/schema.js";

export type WorkloadInput = ScenarioInput["workload"];
export type DatabaseInput = NonNullable<ScenarioInput["database"]>;
export type ClientInput = NonNullable<ScenarioInput["client"]>;
export type ReplicationInput = NonNullable<ScenarioInput["replication"]>;
export type ReplicaInput = Exclude<ReplicationInput["replicas"], number>[number];
export type OutageInput = NonNullable<ReplicaInput["outages"]>[number];
/**
 * The `routing` section of a scenario, as written.
 *
 * @remarks Since 0.1.0
 */
export type RoutingInput = NonNullable<ScenarioInput["routing"]>;
export type DurationInput = NonNullable<ScenarioInput["duration"]>;
export type PoolInput = NonNullable<ScenarioInput["pool"]>;
export type ProxyInput = NonNullable<ScenarioInput["proxy"]>;
export type CacheInput = NonNullable<ScenarioInput["cache"]>;
export type QueryRuleInput = NonNullable<ProxyInput["queryRules"]>[number];
export type SessionStateInput = NonNullable<WorkloadInput["sessionState"]>;

/**
 * A routing consistency policy as a scenario writes it (`routing.consistency`).
 *
 * @remarks Since 0.1.0
 */
export type ConsistencyPolicyInput = NonNullable<RoutingInput["consistency"]>;

/**
 * Whether {@link arbScenario} includes a section: always, never, or either way.
 *
 * @remarks Since 0.1.0
 */
export type SectionChoice = "always" | "never" | "maybe";

/**
 * What {@link arbScenario} may be told to fix; everything left out is generated.
 *
 * @remarks Since 0.1.0
 */
export interface ArbScenarioOptions {
  /** Whether a `replication` section (1–3 replicas) is present. Default "maybe". */
  readonly replication?: SectionChoice;
  /**
   * Whether a `routing` section is present. Default "maybe"; "always" when
   * `consistency` is given.
   */
  readonly routing?: SectionChoice;
  /** The replication mode. Default: async, semi-sync or sync. */
  readonly mode?: "async" | "semi-sync" | "sync";
  /**
   * The routing consistency policy. Its `policy` and `by` are kept; a `window` or
   * `maxWait` it leaves out is generated (not the schema's default). A policy other
   * than "none" implies replication.
   */
  readonly consistency?: ConsistencyPolicyInput;
  /**
   * Lag shunning (`routing.maxReplicationLag`, or a proxy's `maxReplicationLag` of
   * 1–2 s): "always" sets it, "never" leaves it out. Default "maybe" (for a proxy:
   * 0–2 s, or left out).
   */
  readonly maxReplicationLag?: SectionChoice;
  /**
   * true: a read-after-write workload — `readOwnWrites` 0.7–1, 1–5 sessions, 50–80 %
   * reads. false: `readOwnWrites` 0. Default: anything.
   */
  readonly readAfterWrite?: boolean;
  /**
   * The round trip between the primary and every replica (`replication.network`,
   * with no per-replica override), e.g. "crossRegionRoundTrip" to make lag matter.
   * Default: generated, with a mean of at most 20 ms.
   */
  readonly replicaNetwork?: DistributionSpec;
  /**
   * Whether a `pool` section (a pgbouncer in front of every node) is present.
   * Default "never", so scenarios are generated as without pooling.
   */
  readonly pool?: SectionChoice;
  /** The pool mode, when a pool is present. Default: session, transaction or statement. */
  readonly poolMode?: "session" | "transaction" | "statement";
  /**
   * Whether a `proxy` section (a ProxySQL) is present. Default "never". A proxy never
   * comes with a `routing` section: "always" rules routing out, and a proxy that is
   * "maybe" present is left out when routing is drawn or forced.
   */
  readonly proxy?: SectionChoice;
  /**
   * Whether a `cache` section (any pattern and engine, 1–3 nodes, small capacities,
   * TTLs of 10–2000 ms, leases and coalescing now and then) is present. Default
   * "never".
   *
   * @remarks Since 0.2.0
   */
  readonly cache?: SectionChoice;
  /**
   * Whether `workload.sessionState` is set (a share of 0–0.5 of the sessions relying on
   * any session-state feature). Default "maybe" when a pool or a proxy may be present,
   * else "never".
   */
  readonly sessionState?: SectionChoice;
  /**
   * Whether `workload.lockingReads` is set (0–0.3 of the reads). Default "maybe" when a
   * pool or a proxy may be present, else "never".
   */
  readonly lockingReads?: SectionChoice;
  /**
   * Whether a `sharding` section is present (1–4 shards by a hashing strategy,
   * Citus or Vitess keyranges, with a share of cross-shard queries). Default "never".
   *
   * @remarks Since 0.2.0
   */
  readonly sharding?: SectionChoice;
  /**
   * Whether a `cqrs` section is present (1–3 projections, read-your-writes either
   * way, a state or an event store); never with `sharding`. Default "never".
   *
   * @remarks Since 0.2.0
   */
  readonly cqrs?: SectionChoice;
  /**
   * Whether a `regions` section is present (1–3 regions, round trips of 1–100 ms,
   * the sessions' shares given or equal, the primary in any region); never with
   * `sharding` or a `routing` section (ask for `routing: "never"` to have it
   * always). Default "never".
   *
   * @remarks Since 0.2.0
   */
  readonly regions?: SectionChoice;
  /**
   * Whether a `services` section is present (1–3 services, a database each or one
   * shared, a composed share of the reads); never with `sharding`, `cache`, `cqrs`
   * or `regions`. Default "never".
   *
   * @remarks Since 0.2.0
   */
  readonly services?: SectionChoice;
}
