// What `regions.writes: "multi-primary"` needs of the other sections: one node
// per region (the primary in its own, a replica in every other, which becomes
// that region's primary), and none of the mechanisms not modelled with several
// primaries (a quorum commit, sync replication, ProxySQL, a cache, CQRS,
// faults on the timeline).
import type * as z from "zod";
import type { ParsedScenario } from "./component.js";
import { replicaRegions } from "./regions-map.js";

const WHY = 'with regions.writes "multi-primary"';

/** @internal Adds an issue for each thing a multi-primary plan needs that does not hold. */
export function checkMultiPrimary(s: ParsedScenario, ctx: z.RefinementCtx): void {
  const r = s.regions;
  if (r === undefined) return;
  if (r.commit !== "local") {
    issue(
      ctx,
      ["regions", "commit"],
      `expected "local" ${WHY}: each region commits its own writes`,
      r.commit,
    );
  }
  const mode = (s.replication as { readonly mode?: string } | undefined)?.mode;
  if (mode !== undefined && mode !== "async") {
    issue(
      ctx,
      ["replication", "mode"],
      `expected "async" ${WHY}: primaries ship their writes to each other asynchronously`,
      mode,
    );
  }
  checkOneNodePerRegion(s, ctx);
  const refused: [keyof ParsedScenario, string][] = [
    ["proxy", "ProxySQL in front of several primaries is not modelled"],
    ["cache", "a cache in front of several primaries is not modelled"],
    ["cqrs", "projections fed by several primaries are not modelled"],
    ["services", "services over several primaries are not modelled"],
  ];
  for (const [key, why] of refused) {
    if (s[key] !== undefined) issue(ctx, [key], `expected no ${key} section ${WHY}: ${why}`, key);
  }
  (s.timeline ?? []).forEach((entry, i) => {
    issue(
      ctx,
      ["timeline", i],
      `expected no timeline entries ${WHY}: failover and faults across several primaries are not modelled`,
      entry.kind,
    );
  });
}

/** A replica in every region but the primary's, one each, and none in the primary's. */
function checkOneNodePerRegion(s: ParsedScenario, ctx: z.RefinementCtx): void {
  const r = s.regions as NonNullable<ParsedScenario["regions"]>;
  const where = replicaRegions(s);
  const seen = new Set<string>([r.primary]);
  where.forEach((region, i) => {
    if (!seen.has(region)) {
      seen.add(region);
      return;
    }
    issue(
      ctx,
      ["replication", "replicas", i, "region"],
      `expected one node per region ${WHY}: ${region} already has ${region === r.primary ? "the primary" : "a replica"}, which is its primary`,
      region,
    );
  });
  const missing = r.list.map((x) => x.name).filter((name) => !seen.has(name));
  if (missing.length > 0) {
    issue(
      ctx,
      ["replication", "replicas"],
      `expected a replica in ${missing.join(", ")} ${WHY}: each region's replica becomes its primary`,
      s.replication?.replicas,
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
