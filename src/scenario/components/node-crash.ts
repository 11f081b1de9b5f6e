// The timeline's node crashes: `primary-crash` (failover to the most advanced
// replica) and `replica-crash`, their settings and the checks that need the rest
// of the scenario. Defaults follow real HA managers: Patroni's leader key `ttl`
// (30 s: patroni.readthedocs.io, "Dynamic configuration") for the primary, and
// HAProxy's health check (`inter` 2 s × `fall` 3: HAProxy configuration manual,
// "5.2 Server and default-server options") for a replica leaving the read pool.
import * as z from "zod";
import { DurationSchema } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";
import { replicaNames } from "./replica-outage.js";
import { type CrashNodes, serviceCrashNodes, shardCrashNodes } from "./shard-failover.js";

/**
 * How a primary crash is failed over.
 *
 * @remarks Since 0.2.0
 */
export const FailoverSchema = z
  .strictObject({
    detection: DurationSchema.default(30_000).describe(
      "Crash to the start of the promotion: Patroni's leader key ttl (30 s by default) expires, then a standby takes it",
    ),
    routingUpdate: DurationSchema.default(0).describe(
      "Promotion done to the leader endpoint (virtual IP, HAProxy check, DNS) leading to the new primary",
    ),
    rewind: DurationSchema.optional().describe(
      "A replica that had received WAL beyond the promoted one's (a timeline fork) is out of the read rotation this long once it is back (Patroni's use_pg_rewind: pg_rewind, then a restart as a standby), then catches up from the new primary (default 10 s)",
    ),
  })
  .describe("The HA manager's failover: detection, then promotion of the most advanced replica");

/**
 * `{ at, kind: "primary-crash", failover? , for? }`: the primary crashes at `at`.
 *
 * @remarks Since 0.2.0
 */
export const PrimaryCrashEvent = timedEvent(
  "primary-crash",
  "The primary crashes: in-flight operations fail, writes fail until the most advanced replica is promoted",
  {
    node: z
      .string()
      .min(1)
      .default("primary")
      .describe(
        "The crashed node: primary; in a sharded plan a shard's (s0/primary, …), with a database per service a service's (orders/primary)",
      ),
    failover: FailoverSchema.default({ detection: 30_000, routingUpdate: 0 }),
    for: DurationSchema.optional().describe(
      "How long until the node is back (default: never in the run): without replicas, the primary with its data; with replicas, a replica of the promoted one, after its rewind (longer than the detection)",
    ),
  },
);

/**
 * `{ at, kind: "replica-crash", replica, for?, detection? }`: a replica crashes.
 *
 * @remarks Since 0.2.0
 */
export const ReplicaCrashEvent = timedEvent(
  "replica-crash",
  "A replica crashes: its in-flight reads fail; the router stops sending it reads after the detection time",
  {
    replica: z
      .string()
      .min(1)
      .describe(
        "The replica's name (replica-1, replica-2, … unless named; in a sharded plan the shard's, s0/replica-1, with a database per service the service's, orders/replica-1)",
      ),
    for: DurationSchema.optional().describe(
      "How long until it is back, catching up from the primary's log (default: never in the run)",
    ),
    detection: DurationSchema.default(6_000).describe(
      "Crash to the router's taking it out of the read rotation: HAProxy's check inter 2 s × fall 3",
    ),
  },
);

/** @internal A primary crash, resolved. */
export type PrimaryCrash = z.output<typeof PrimaryCrashEvent>;
/** @internal A replica crash, resolved. */
export type ReplicaCrash = z.output<typeof ReplicaCrashEvent>;

type Issue = {
  readonly path: (string | number)[];
  readonly message: string;
  readonly input: unknown;
};

/** @internal The node crashes of the timeline refer to nodes there are and do not overlap. */
export function checkCrashEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  for (const issue of crashIssues(scenario)) ctx.addIssue({ code: "custom", ...issue });
}

function crashIssues(scenario: ParsedScenario): Issue[] {
  const timeline = scenario.timeline ?? [];
  const crashes = timeline.flatMap((event, i) =>
    event.kind === "primary-crash" || event.kind === "replica-crash" ? [{ event, i }] : [],
  );
  if (crashes.length === 0) return [];
  const [first] = crashes;
  const at = first?.i ?? 0;
  const kind = first?.event.kind ?? "";
  if (scenario.proxy !== undefined) {
    const issue = proxyCrashIssue(crashes, scenario);
    if (issue !== null) return [issue];
  }
  if (timeline.some((e) => e.kind === "reshard"))
    return [unsupported(at, kind, "a node crash in a plan that reshards is not modelled yet")];
  const nodes = crashNodes(scenario);
  const issues: Issue[] = [];
  const last = new Map<string, { readonly endMs: number; readonly at: number }>();
  for (const { event, i } of crashes) {
    const node = event.kind === "primary-crash" ? event.node : event.replica;
    const issue =
      event.kind === "primary-crash"
        ? primaryIssue(event, i, nodes)
        : replicaIssue(event.replica, i, nodes.replicas);
    if (issue !== null) {
      issues.push(issue);
      continue;
    }
    const before = last.get(node);
    if (before !== undefined && event.at < before.endMs) {
      issues.push({
        path: ["timeline", i, "at"],
        message: `expected a crash of ${node} after the one at ${before.at} ms ends, but that one ${before.endMs === Number.POSITIVE_INFINITY ? "never ends (the node does not come back in the run)" : `ends at ${before.endMs} ms`}`,
        input: event.at,
      });
      continue;
    }
    const forMs = (event as { readonly for?: number }).for;
    const lasts =
      event.kind === "primary-crash" && nodes.replicasBehind(node) > 0 ? undefined : forMs;
    last.set(node, { at: event.at, endMs: event.at + (lasts ?? Number.POSITIVE_INFINITY) });
  }
  return issues;
}

/** The nodes a crash may name: one cluster's, or every shard's or service's by its prefix. */
function crashNodes(scenario: ParsedScenario): CrashNodes {
  if (scenario.sharding !== undefined) return shardCrashNodes(scenario);
  if (scenario.services !== undefined && scenario.services.database !== "shared")
    return serviceCrashNodes(scenario);
  return clusterNodes(scenario);
}

/** The one cluster's nodes: its primary and replicas. */
function clusterNodes(scenario: ParsedScenario): CrashNodes {
  const replicas = scenario.replication?.replicas;
  const names = replicas === undefined ? [] : replicaNames(replicas);
  return {
    primaries: ["primary"],
    replicas: names,
    replicasBehind: () => names.length,
    primaryExpected: "expected primary: the only primary of an unsharded plan",
  };
}

function primaryIssue(event: PrimaryCrash, i: number, nodes: CrashNodes): Issue | null {
  if (!nodes.primaries.includes(event.node))
    return { path: ["timeline", i, "node"], message: nodes.primaryExpected, input: event.node };
  if (
    nodes.replicasBehind(event.node) > 0 &&
    event.for !== undefined &&
    event.for <= event.failover.detection
  )
    return {
      path: ["timeline", i, "for"],
      message: `expected \`for\` longer than failover.detection (${event.failover.detection} ms) with replicas: the old primary rejoins as a replica of the promoted one; back before the detection, the HA manager would keep it the primary (not modelled)`,
      input: event.for,
    };
  return null;
}

function replicaIssue(replica: string, i: number, names: readonly string[]): Issue | null {
  if (names.includes(replica)) return null;
  return {
    path: ["timeline", i, "replica"],
    message:
      names.length === 0
        ? "expected the name of a replica, but the scenario has no `replication.replicas`"
        : `expected the name of a replica: one of ${names.join(", ")}`,
    input: replica,
  };
}

/** Behind ProxySQL: crashes in a plan with a replica to promote only. */
function proxyCrashIssue(
  crashes: readonly { readonly event: { readonly kind: string }; readonly i: number }[],
  scenario: ParsedScenario,
): Issue | null {
  const [first] = crashes;
  if (scenario.regions !== undefined && first !== undefined)
    return unsupported(
      first.i,
      first.event.kind,
      "a node crash behind ProxySQL in a multi-region plan is not modelled yet",
    );
  if (!crashes.some((c) => c.event.kind === "primary-crash")) return null;
  const replicas = scenario.replication?.replicas;
  if (replicas !== undefined && replicaNames(replicas).length > 0) return proxyRejoinIssue(crashes);
  const primary = crashes.find((c) => c.event.kind === "primary-crash") as { readonly i: number };
  return unsupported(
    primary.i,
    "primary-crash",
    "a primary crash behind ProxySQL without a replica to promote is not modelled yet",
  );
}

/** Behind ProxySQL the old primary does not come back as a replica: its hostgroups are fixed at build. */
function proxyRejoinIssue(
  crashes: readonly { readonly event: { readonly kind: string }; readonly i: number }[],
): Issue | null {
  for (const { event, i } of crashes) {
    const forMs = (event as { readonly for?: number }).for;
    if (event.kind !== "primary-crash" || forMs === undefined) continue;
    return {
      path: ["timeline", i, "for"],
      message:
        "expected no `for` on a primary crash behind ProxySQL with replicas: the old primary coming back as a replica of the promoted one is not modelled there yet",
      input: forMs,
    };
  }
  return null;
}

function unsupported(i: number, kind: string, message: string): Issue {
  return {
    path: ["timeline", i, "kind"],
    message: `expected no node crash: ${message}`,
    input: kind,
  };
}
