// The `regions` section's checks that need other sections: the replicas'
// regions, what a quorum commit needs, and the combinations not modelled.
import type * as z from "zod";
import type { ParsedScenario } from "./component.js";
import { quorumAcks, quorumVoters, replicaRegions } from "./regions-map.js";
import { checkMultiPrimary } from "./regions-multi-check.js";

/** @internal Adds an issue for each way `scenario` places nodes in regions that does not hold. */
export function checkRegions(s: ParsedScenario, ctx: z.RefinementCtx): void {
  checkReplicaRegions(s, ctx);
  const r = s.regions;
  if (r === undefined) return;
  if (s.sharding !== undefined) {
    issue(
      ctx,
      ["regions"],
      "expected no sharding section: regions with sharding are not modelled yet",
      "regions",
    );
  }
  const policy = s.routing?.consistency.policy;
  if (policy !== undefined && policy !== "none") {
    issue(
      ctx,
      ["routing", "consistency"],
      "expected policy \"none\" with regions: reads go to their region's nodes, which the router's consistency policies do not steer",
      s.routing?.consistency,
    );
  }
  if (r.commit === "quorum") checkQuorum(s, ctx);
  if (r.writes === "multi-primary") checkMultiPrimary(s, ctx);
  checkFronts(s, ctx);
}

/**
 * Reads go straight from the driver to their region's node, so a proxy hop or
 * a DNS endpoint in front of them would be skipped; and ProxySQL, in the
 * primary's region, would reach a replica elsewhere without paying the trip.
 */
function checkFronts(s: ParsedScenario, ctx: z.RefinementCtx): void {
  const via = s.routing?.via;
  if (via !== undefined && via !== "app") {
    issue(
      ctx,
      ["routing", "via"],
      'expected "app" with regions: reads go from the application to their region\'s node',
      via,
    );
  }
  const primary = s.regions?.primary;
  const away = replicaRegions(s).findIndex((region) => region !== primary);
  if (s.proxy !== undefined && away >= 0) {
    issue(
      ctx,
      ["proxy"],
      `expected every replica in the primary's region (${primary}) with ProxySQL, which sits there: replication.replicas.${away} is in ${replicaRegions(s)[away]}`,
      "proxy",
    );
  }
}

function checkReplicaRegions(s: ParsedScenario, ctx: z.RefinementCtx): void {
  const replicas = s.replication?.replicas;
  if (replicas === undefined || typeof replicas === "number") return;
  const names = s.regions?.list.map((x) => x.name);
  replicas.forEach((replica, i) => {
    if (replica.region === undefined) return;
    const path = ["replication", "replicas", i, "region"];
    if (names === undefined) {
      issue(ctx, path, "expected a regions section that lists this region", replica.region);
    } else if (!names.includes(replica.region)) {
      issue(ctx, path, `expected one of the regions (${names.join(", ")})`, replica.region);
    }
  });
}

function checkQuorum(s: ParsedScenario, ctx: z.RefinementCtx): void {
  const acks = quorumAcks(s);
  const mode = (s.replication as { readonly mode?: string } | undefined)?.mode;
  if (mode !== undefined && mode !== "async") {
    issue(
      ctx,
      ["replication", "mode"],
      'expected "async" (the default) with regions.commit "quorum", which sets how commits wait itself',
      mode,
    );
  }
  const voters = quorumVoters(s).size;
  if (voters < acks) {
    issue(
      ctx,
      ["regions", "commit"],
      `expected a replica in at least ${acks} regions other than the primary's for a majority of ${s.regions?.list.length} regions; ${voters} have one`,
      "quorum",
    );
  }
}

function issue(
  ctx: z.RefinementCtx,
  path: (string | number)[],
  message: string,
  input: unknown,
): void {
  ctx.addIssue({ code: "custom", path, message, input });
}
