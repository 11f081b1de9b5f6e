// The network events' checks on the parsed scenario: every name is `app` or a
// node the scenario has; a spike's link is one that carries traffic; a
// partition's sides are disjoint; two partitions do not cut one link at once
// (which of them would hold it when the first heals?).
import type * as z from "zod";
import type { ParsedScenario } from "./component.js";
import { APP, type NetworkEvent, separates } from "./network-links.js";
import { expandSides } from "./partition-regions.js";
import { replicaNames } from "./replica-outage.js";
import { clusterCount } from "./sharding-section.js";

/** @internal The node names of a scenario, each cluster's primary then its replicas. */
export function nodeNames(scenario: ParsedScenario): string[] {
  const replicas = scenario.replication?.replicas;
  const local = ["primary", ...(replicas === undefined ? [] : replicaNames(replicas))];
  const shards = clusterCount(scenario);
  if (shards === null) return local;
  return Array.from({ length: shards }, (_, i) => local.map((n) => `s${i}/${n}`)).flat();
}

/** The cluster prefix of a node name ("" unsharded, "s1/" in shard 1). */
function prefixOf(name: string): string {
  const slash = name.indexOf("/");
  return slash < 0 ? "" : name.slice(0, slash + 1);
}

type Issue = { path: (string | number)[]; message: string; input: unknown };

/** @internal Every delay spike and partition of the timeline makes sense for this scenario. */
export function checkNetworkEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const nodes = nodeNames(scenario);
  const known = `"app" or a node: ${nodes.join(", ")}`;
  const regions = scenario.regions?.list.map((x) => x.name) ?? [];
  const knownSide = regions.length === 0 ? known : `${known}, or a region: ${regions.join(", ")}`;
  const issues: Issue[] = [];
  const timeline = scenario.timeline ?? [];
  timeline.forEach((e, i) => {
    if (e.kind === "delay-spike" && e.between !== undefined) {
      issues.push(...spikeIssues(e.between, nodes, known, i));
    }
    if (e.kind === "partition")
      issues.push(...partitionIssues(scenario, e.sides, [...nodes, ...regions], knownSide, i));
    if (e.kind === "pooler-restart") issues.push(...restartIssues(scenario, e.node, nodes, i));
  });
  issues.push(...restartOverlaps(timeline));
  issues.push(...overlapIssues(scenario, timeline));
  for (const issue of issues) ctx.addIssue({ code: "custom", ...issue });
}

function spikeIssues(
  between: readonly [string, string],
  nodes: readonly string[],
  known: string,
  i: number,
): Issue[] {
  const bad = between.flatMap((name, j) =>
    name === APP || nodes.includes(name)
      ? []
      : [{ path: ["timeline", i, "between", j], message: `expected ${known}`, input: name }],
  );
  if (bad.length > 0) return bad;
  const [a, b] = between;
  const app = a === APP || b === APP;
  const other = a === APP ? b : a;
  const replication =
    (a.endsWith("primary") || b.endsWith("primary")) &&
    a !== b &&
    prefixOf(a) === prefixOf(b) &&
    !(a.endsWith("primary") && b.endsWith("primary"));
  if ((app && other !== APP) || (!app && replication)) return [];
  return [
    {
      path: ["timeline", i, "between"],
      message:
        'expected a link that carries traffic: ["app", "<node>"] (the application\'s hop) or ["<primary>", "<replica>"] of one cluster (its replication link)',
      input: between,
    },
  ];
}

function partitionIssues(
  scenario: ParsedScenario,
  sides: readonly [readonly string[], readonly string[]],
  nodes: readonly string[],
  known: string,
  i: number,
): Issue[] {
  const issues: Issue[] = [];
  sides.forEach((side, s) => {
    side.forEach((name, j) => {
      // A region named like a node (or app) would make the name ambiguous in a side.
      if (
        scenario.regions?.list.some((r) => r.name === name) &&
        nodeNames(scenario).concat(APP).includes(name)
      )
        issues.push({
          path: ["timeline", i, "sides", s, j],
          message: `expected a name that is a node or a region, not both: rename the region ${name}`,
          input: name,
        });
      else if (name !== APP && !nodes.includes(name))
        issues.push({
          path: ["timeline", i, "sides", s, j],
          message: `expected ${known}`,
          input: name,
        });
    });
  });
  if (issues.length > 0) return issues;
  sides[1].forEach((name, j) => {
    const other = sides[0].find((left) => overlaps(scenario, left, name));
    if (other === undefined) return;
    issues.push({
      path: ["timeline", i, "sides", 1, j],
      message:
        other === name
          ? "expected a name on one side only: it is on both"
          : `expected sides that share nothing: ${name} and ${other} (on the other side) both hold ${shared(scenario, other, name)}`,
      input: name,
    });
  });
  return issues;
}

/** Whether two names of a partition's sides hold something in common (a region holds its nodes and its application). */
function overlaps(scenario: ParsedScenario, a: string, b: string): boolean {
  return a === b || shared(scenario, a, b) !== "";
}

function shared(scenario: ParsedScenario, a: string, b: string): string {
  const [left, right] = expandSides(scenario, [[a], [b]]);
  return left.filter((x) => right.includes(x)).join(", ");
}

function restartIssues(
  scenario: ParsedScenario,
  node: string,
  nodes: readonly string[],
  i: number,
): Issue[] {
  if (scenario.pool === undefined)
    return [
      {
        path: ["timeline", i, "kind"],
        message:
          "expected a `pool` section: a pooler restart needs a pgbouncer in front of the node, and the scenario has none",
        input: "pooler-restart",
      },
    ];
  if (nodes.includes(node)) return [];
  return [
    {
      path: ["timeline", i, "node"],
      message: `expected a node with a pgbouncer in front: one of ${nodes.join(", ")}`,
      input: node,
    },
  ];
}

/** A pooler cannot restart while it is restarting. */
function restartOverlaps(timeline: readonly { readonly kind: string }[]): Issue[] {
  type Restart = { kind: "pooler-restart"; at: number; for: number; node: string };
  const restarts = timeline.flatMap((e, i) =>
    e.kind === "pooler-restart" ? [{ e: e as Restart, i }] : [],
  );
  const issues: Issue[] = [];
  for (const [k, x] of restarts.entries()) {
    for (const y of restarts.slice(k + 1)) {
      const overlap = x.e.at < y.e.at + y.e.for && y.e.at < x.e.at + x.e.for;
      if (!overlap || x.e.node !== y.e.node) continue;
      issues.push({
        path: ["timeline", y.i],
        message: `expected restarts of one pooler one after the other: this one and timeline[${x.i}] both restart pgbouncer-${x.e.node} at ${Math.max(x.e.at, y.e.at)} ms`,
        input: { at: y.e.at, node: y.e.node },
      });
    }
  }
  return issues;
}

/** Two partitions that cut one link over overlapping windows contradict each other. */
function overlapIssues(
  scenario: ParsedScenario,
  timeline: readonly { readonly kind: string }[],
): Issue[] {
  const parts = timeline.flatMap((e, i) =>
    e.kind === "partition" ? [{ e: e as Extract<NetworkEvent, { kind: "partition" }>, i }] : [],
  );
  const issues: Issue[] = [];
  for (const [k, x] of parts.entries()) {
    for (const y of parts.slice(k + 1)) {
      const overlap = x.e.at < y.e.at + y.e.for && y.e.at < x.e.at + x.e.for;
      const link = overlap
        ? sharedLink(expandSides(scenario, x.e.sides), expandSides(scenario, y.e.sides))
        : undefined;
      if (link === undefined) continue;
      issues.push({
        path: ["timeline", y.i, "sides"],
        message: `expected partitions that do not cut one link at once: this one and timeline[${x.i}] both cut ${link[0]}–${link[1]} between ${Math.max(x.e.at, y.e.at)} and ${Math.min(x.e.at + x.e.for, y.e.at + y.e.for)} ms; write one partition with both groups`,
        input: y.e.sides,
      });
    }
  }
  return issues;
}

function sharedLink(
  x: readonly [readonly string[], readonly string[]],
  y: readonly [readonly string[], readonly string[]],
): readonly [string, string] | undefined {
  for (const a of x[0]) for (const b of x[1]) if (separates(y, a, b)) return [a, b];
  return undefined;
}
