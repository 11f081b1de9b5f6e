// The registry: every component, in request-path order (front to back). The
// composition root folds over COMPONENTS from the back, so each component is
// built in front of what lies behind it; the scenario schema and the report
// schema take their sections from SCENARIO_SECTIONS and REPORT_SECTIONS, whose
// order is the order of the keys in a resolved scenario and in a report (kept
// as it was before the registry, so reports stay byte for byte the same).
// Adding a component: its file here, and one line in each list below (in
// TIMELINE_EVENTS too when it handles timed events).
import type { ErrorKind } from "../../models/operation.js";
import type { Scenario } from "../schema.js";
import { cache } from "./cache.js";
import { CacheNodeLossEvent } from "./cache-node-loss.js";
import { client } from "./client.js";
import type { Component } from "./component.js";
import { cqrs } from "./cqrs.js";
import { ProjectionReplayEvent } from "./cqrs-replay.js";
import { database } from "./database.js";
import { DelaySpikeEvent } from "./delay-spike.js";
import { faults } from "./failover.js";
import { network } from "./network.js";
import { PrimaryCrashEvent, ReplicaCrashEvent } from "./node-crash.js";
import { PartitionEvent } from "./partition.js";
import { pool } from "./pool.js";
import { PoolerRestartEvent } from "./pooler-restart.js";
import { proxy } from "./proxy.js";
import { regions } from "./regions.js";
import { ReplicaOutageEvent } from "./replica-outage.js";
import { replication } from "./replication.js";
import { ReshardEvent } from "./reshard-event.js";
import { routing } from "./routing.js";
import { services } from "./services.js";
import { sharding } from "./sharding.js";

/**
 * Every component, front to back along the request path:
 * router → driver per node (or one to ProxySQL) → ProxySQL → pgbouncer per node →
 * replicas and their log → the primary.
 *
 * @internal
 */
export const COMPONENTS: readonly Component[] = [
  services,
  cqrs,
  cache,
  sharding,
  regions,
  routing,
  faults,
  client,
  proxy,
  network,
  pool,
  replication,
  database,
];

/** @internal The components' scenario sections, in the order of a resolved scenario. */
export const SCENARIO_SECTIONS = {
  database: database.schema,
  client: client.schema,
  pool: pool.schema,
  replication: replication.schema,
  routing: routing.schema,
  proxy: proxy.schema,
  cache: cache.schema,
  sharding: sharding.schema,
  regions: regions.schema,
  cqrs: cqrs.schema,
  services: services.schema,
} as const;

/**
 * @internal The components' timeline event kinds (each component's `events`),
 * as one typed list: the timeline's discriminated union is composed from it.
 */
export const TIMELINE_EVENTS = [
  ProjectionReplayEvent,
  CacheNodeLossEvent,
  ReshardEvent,
  PrimaryCrashEvent,
  ReplicaCrashEvent,
  DelaySpikeEvent,
  PartitionEvent,
  PoolerRestartEvent,
  ReplicaOutageEvent,
] as const;

/** @internal The components' report sections, in the order of a report. */
export const REPORT_SECTIONS = {
  client: client.report.schema,
  nodes: database.report.schema,
  pool: pool.report.schema,
  replication: replication.report.schema,
  routing: routing.report.schema,
  proxy: proxy.report.schema,
  cache: cache.report.schema,
  sharding: sharding.report.schema,
  regions: regions.report.schema,
  cqrs: cqrs.report.schema,
  services: services.report.schema,
  faults: faults.report.schema,
  network: network.report.schema,
} as const;

/**
 * Every error kind the components declare, in the order of the report's
 * `errors.byKind`: by scenario section (SCENARIO_SECTIONS), then as each
 * component lists them.
 *
 * @remarks Since 0.1.0; composed from the components since 0.2.0.
 */
export const ERROR_KINDS: readonly ErrorKind[] = Object.keys(SCENARIO_SECTIONS).flatMap(
  (key) => COMPONENTS.find((c) => c.key === key)?.errorKinds.map((e) => e.kind) ?? [],
);

/**
 * @internal Error kinds of components without a scenario section (the timeline's
 * faults: node crashes, the network's events): the report lists them only when
 * they happened, so a run without faults reports exactly the kinds of
 * {@link ERROR_KINDS}.
 */
export const EVENT_ERROR_KINDS: readonly ErrorKind[] = COMPONENTS.filter(
  (c) => !(c.key in SCENARIO_SECTIONS),
).flatMap((c) => c.errorKinds.map((e) => e.kind));

/**
 * @internal What causes an error kind in this scenario: the component that
 * declares it and the setting to change.
 */
export function errorCause(kind: ErrorKind, scenario: Scenario): string {
  for (const c of COMPONENTS) {
    const spec = c.errorKinds.find((e) => e.kind === kind);
    if (spec !== undefined) return spec.cause(scenario);
  }
  throw new Error(`internal: no component declares the error kind ${kind}`);
}
