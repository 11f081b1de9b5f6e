// The `regions` section's schema and its own checks (names, shares, round-trip
// pairs); the checks that need other sections are in regions-check.ts.
import * as z from "zod";
import { DistributionSpecSchema, share } from "../fields.js";

const RegionNameSchema = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_-]{0,39}$/, {
    message: "expected a name of letters, digits, _ or - (starting with a letter)",
  })
  .describe("The region's name, e.g. us-east");

const RegionSchema = z
  .strictObject({
    name: RegionNameSchema,
    clients: share()
      .optional()
      .describe(
        "Share of the workload's sessions that live in this region (default: an equal share each); the shares sum to 1",
      ),
  })
  .describe("One region");

/**
 * The `regions` section: where sessions and nodes live, and what a trip between
 * two regions costs.
 *
 * @remarks Since 0.2.0
 */
export const RegionsSchema = z
  .strictObject({
    list: z.array(RegionSchema).min(1).max(16).describe("The regions"),
    rtt: z
      .record(z.string(), DistributionSpecSchema)
      .default({})
      .describe(
        'Round trip between two regions (ms), per pair: "a-b" (the same both ways), e.g. { "us-east-eu-west": 80 }',
      ),
    rttDefault: z
      .union([DistributionSpecSchema, z.literal("none")])
      .default("crossRegionRoundTrip")
      .describe(
        'Round trip of a pair not in rtt: the latency table\'s cross-region row by default; "none": every pair must be listed',
      ),
    primary: RegionNameSchema.describe("The region of the primary (and of ProxySQL, if any)"),
    commit: z
      .enum(["local", "quorum"])
      .default("local")
      .describe(
        "local: a commit returns once the primary has it (replication as the replication section says); quorum: it waits for a majority of regions, the primary's voting for itself (PostgreSQL synchronous_standby_names = ANY k (…), one standby per other region)",
      ),
    writes: z
      .enum(["single-primary", "multi-primary"])
      .default("single-primary")
      .describe(
        "single-primary: every write goes to the primary's region; multi-primary: each region's primary (the primary in its region, the replica elsewhere) takes its own sessions' writes and ships them to the others asynchronously, conflicts resolved last writer wins (pglogical last_update_wins, DynamoDB global tables)",
      ),
  })
  .superRefine((r, ctx) => {
    checkNames(r.list, ctx);
    checkShares(r.list, ctx);
    const names = r.list.map((x) => x.name);
    if (!names.includes(r.primary)) {
      ctx.addIssue({
        code: "custom",
        path: ["primary"],
        message: `expected one of the regions (${names.join(", ")})`,
        input: r.primary,
      });
    }
    checkPairs(names, r.rtt, r.rttDefault === "none", ctx);
  })
  .describe("Regions: where sessions and nodes live, and the round trips between them");

/** @internal The resolved `regions` section. */
export type RegionsSpec = z.output<typeof RegionsSchema>;

function checkNames(list: readonly { name: string }[], ctx: z.RefinementCtx): void {
  const seen = new Set<string>();
  list.forEach((r, i) => {
    if (seen.has(r.name)) {
      ctx.addIssue({
        code: "custom",
        path: ["list", i, "name"],
        message: "expected a name no other region has",
        input: r.name,
      });
    }
    seen.add(r.name);
  });
}

function checkShares(
  list: readonly { clients?: number | undefined }[],
  ctx: z.RefinementCtx,
): void {
  const given = list.filter((r) => r.clients !== undefined).length;
  if (given === 0) return;
  if (given < list.length) {
    const i = list.findIndex((r) => r.clients === undefined);
    ctx.addIssue({
      code: "custom",
      path: ["list", i, "clients"],
      message: "expected a clients share on every region, or on none (equal shares)",
      input: undefined,
    });
    return;
  }
  const sum = list.reduce((s, r) => s + (r.clients ?? 0), 0);
  if (Math.abs(sum - 1) > 1e-9) {
    ctx.addIssue({
      code: "custom",
      path: ["list"],
      message: `expected the regions' clients shares to sum to 1, got ${sum}`,
      input: list.map((r) => r.clients),
    });
  }
}

/**
 * The two regions a pair key names ("us-east-eu-west" → us-east, eu-west), or
 * null when no split gives two regions, or "ambiguous" when several do.
 *
 * @internal
 */
export function splitPair(
  key: string,
  names: readonly string[],
): readonly [string, string] | null | "ambiguous" {
  const found: [string, string][] = [];
  for (let i = key.indexOf("-"); i > 0; i = key.indexOf("-", i + 1)) {
    const a = key.slice(0, i);
    const b = key.slice(i + 1);
    if (names.includes(a) && names.includes(b)) found.push([a, b]);
  }
  if (found.length > 1) return "ambiguous";
  return found[0] ?? null;
}

/** @internal The key a pair's round trip is looked up by: the two names in the scenario's order. */
export function pairKey(a: string, b: string, names: readonly string[]): string {
  return names.indexOf(a) < names.indexOf(b) ? `${a}\u0000${b}` : `${b}\u0000${a}`;
}

function checkPairs(
  names: readonly string[],
  rtt: Readonly<Record<string, unknown>>,
  noDefault: boolean,
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, string>();
  for (const key of Object.keys(rtt).sort()) {
    const pair = splitPair(key, names);
    if (pair === null || pair === "ambiguous") {
      ctx.addIssue({
        code: "custom",
        path: ["rtt", key],
        message:
          pair === null
            ? `expected "a-b" with a and b two of the regions (${names.join(", ")})`
            : "expected a pair that reads one way only: the region names split it more than one way",
        input: key,
      });
      continue;
    }
    const [a, b] = pair;
    const message =
      a === b
        ? "expected two different regions (a trip within a region costs the same-datacenter round trip)"
        : seen.has(pairKey(a, b, names))
          ? `expected each pair once: ${seen.get(pairKey(a, b, names))} names the same pair`
          : null;
    if (message !== null) ctx.addIssue({ code: "custom", path: ["rtt", key], message, input: key });
    seen.set(pairKey(a, b, names), key);
  }
  if (!noDefault) return;
  for (const [i, a] of names.entries()) {
    for (const b of names.slice(i + 1)) {
      if (seen.has(pairKey(a, b, names))) continue;
      ctx.addIssue({
        code: "custom",
        path: ["rtt"],
        message: `expected the round trip between ${a} and ${b} ("${a}-${b}"): rttDefault is "none"`,
        input: rtt,
      });
    }
  }
}
