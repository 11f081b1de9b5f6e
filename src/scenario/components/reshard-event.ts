// The sharding component's timeline event: resharding at an instant — more
// shards for a hashing layout, a range split at a key, a Vitess keyrange split
// into new shards, a directory's move of a tenant or keys — copied online by a
// Migration (src/models/sharding/migration.ts) at a throttled rate, with a
// brief write pause at each cut-over.
import * as z from "zod";
import { type KeyRangePrefix, parseKeyRange } from "../../placement/index.js";
import { count, DurationSchema, nonNegative, positiveInt } from "../fields.js";
import { timedEvent } from "../timeline-fields.js";
import type { ParsedScenario } from "./component.js";

/**
 * `{ at, kind: "reshard", … }`: from `at`, the keys whose shard changes are
 * copied to their new shard and cut over. What changes: `shards` (hashing
 * layouts: the strategy over more shards), `split` (range: the range holding
 * the key is cut there, its upper part going to a new shard; keyspace: the
 * shard of that keyrange is copied into new shards, one per keyrange of
 * `into`, then retired, as Vitess's Reshard does), or `move` (directory: a
 * tenant or a range of keys to another shard).
 *
 * @remarks Since 0.2.0
 */
export const ReshardEvent = timedEvent(
  "reshard",
  "Resharding: the keys whose shard changes are copied online, batch by batch, and cut over with a brief write pause",
  {
    shards: positiveInt()
      .max(1024)
      .optional()
      .describe(
        "hash-mod, consistent-hash, jump, rendezvous, citus: the new shard count (more than the current one)",
      ),
    split: z
      .union([positiveInt(), z.string()])
      .optional()
      .describe(
        'range: the key (tenant id when sharding by tenant) where a new shard starts, cutting the range that holds it; keyspace: the keyrange of the shard to split ("-80")',
      ),
    into: z
      .array(z.string())
      .min(2)
      .max(64)
      .optional()
      .describe(
        'keyspace: the new shards\' keyranges, covering the split one ("-40", "40-80"): each a new shard, all switched at the end of the copy',
      ),
    move: z
      .strictObject({
        tenant: count().optional().describe("The tenant whose keys move"),
        from: count().optional().describe("The first key of a range that moves"),
        to: positiveInt().optional().describe("The first key past the range that moves"),
        shard: count().describe("The shard they move to"),
      })
      .optional()
      .describe("directory: a tenant, or the keys [from, to), moved to another shard"),
    rowsPerSec: positiveInt()
      .max(1e9)
      .default(5_000)
      .describe("Rows copied per second, all shards together (the copy's throttle)"),
    batchRows: positiveInt().max(1e9).default(500).describe("Rows copied, then cut over, together"),
    copyMsPerRow: nonNegative()
      .max(1_000)
      .default(0.05)
      .describe("Work a row's copy costs on its source and on its target primary (ms)"),
    cutover: DurationSchema.default(50).describe(
      "How long a batch's writes pause while the router switches, after the target has applied every change to the batch's keys",
    ),
    applyMsPerChange: nonNegative()
      .max(1_000)
      .optional()
      .describe(
        "Work a change (a write made after its row was copied) costs on its target primary (ms); absent: copyMsPerRow",
      ),
    rowBytes: positiveInt().max(1e9).default(250).describe("Bytes a row occupies"),
  },
);

/** @internal One resharding, resolved. */
export type Reshard = z.output<typeof ReshardEvent>;

/** Strategies whose layout over more shards is defined by their shard count. */
const GROWABLE = ["hash-mod", "consistent-hash", "jump", "rendezvous", "citus"];

/**
 * @internal The shards built once `event` has run over a layout of `current`
 * shards: a split adds one (range) or one per new keyrange (keyspace).
 */
export function shardsAfter(
  current: number,
  event: Pick<Reshard, "shards" | "split" | "into">,
): number {
  if (event.shards !== undefined) return Math.max(current, event.shards);
  if (typeof event.split === "number") return current + 1;
  if (typeof event.split === "string") return current + (event.into?.length ?? 0);
  return current;
}

type Issue = (path: (string | number)[], message: string, input: unknown) => void;
type Sharding = NonNullable<ParsedScenario["sharding"]>;

/** @internal At most one `reshard`, in a sharded scenario, fitting its strategy, before the end. */
export function checkReshardEvents(scenario: ParsedScenario, ctx: z.RefinementCtx): void {
  const timeline = scenario.timeline ?? [];
  const endMs = scenario.warmup + scenario.duration;
  let seen = 0;
  timeline.forEach((event, i) => {
    if (event.kind !== "reshard") return;
    const issue: Issue = (path, message, input) => {
      ctx.addIssue({ code: "custom", path: ["timeline", i, ...path], message, input });
    };
    seen++;
    if (seen > 1) issue([], "expected at most one reshard event in this version", event.at);
    if (event.at >= endMs)
      issue(["at"], `expected a time before the end of the run (${endMs} ms)`, event.at);
    const s = scenario.sharding;
    if (s === undefined) {
      issue(["kind"], "a reshard needs a `sharding` section", event.kind);
      return;
    }
    const fields = { shards: "shards", split: "split", into: "into", move: "move" } as const;
    const wanted: readonly (keyof typeof fields)[] = GROWABLE.includes(s.strategy)
      ? ["shards"]
      : s.strategy === "range"
        ? ["split"]
        : s.strategy === "keyspace"
          ? ["split", "into"]
          : ["move"];
    for (const field of Object.keys(fields) as (keyof typeof fields)[]) {
      const given = event[field] !== undefined;
      if (given && !wanted.includes(field))
        issue(
          [field],
          `a reshard of strategy ${s.strategy} takes ${wanted.join(" and ")}, not ${field}`,
          event[field],
        );
      if (!given && wanted.includes(field))
        issue([], `a reshard of strategy ${s.strategy} needs ${field}`, event);
    }
    if (GROWABLE.includes(s.strategy)) checkGrowth(s, event, issue);
    else if (s.strategy === "range") checkRangeSplit(scenario, s, event, issue);
    else if (s.strategy === "keyspace") checkKeyrangeSplit(s, event, issue);
    else checkMove(scenario, s, event, issue);
  });
}

function checkGrowth(s: Sharding, event: Reshard, issue: Issue): void {
  const current = s.shards ?? (s.strategy === "citus" ? 32 : 1);
  if (event.shards !== undefined && event.shards <= current)
    issue(["shards"], `expected more than the current ${current} shards`, event.shards);
}

/** The split key is inside the placed units and not already a boundary. */
function checkRangeSplit(
  scenario: ParsedScenario,
  s: Sharding,
  event: Reshard,
  issue: Issue,
): void {
  if (event.split === undefined) return;
  const units = s.key === "tenant" ? (s.tenants?.count ?? 0) : scenario.workload.keys.count;
  const what = s.key === "tenant" ? "tenant" : "key";
  if (typeof event.split !== "number" || event.split >= units)
    issue(
      ["split"],
      `expected a ${what} from 1 to ${units - 1} where the new shard starts`,
      event.split,
    );
  else if ((s.boundaries ?? []).includes(event.split))
    issue(
      ["split"],
      `${event.split} is already a boundary: expected a ${what} inside a range`,
      event.split,
    );
}

/** `split` names a shard's keyrange; `into` covers exactly that keyrange. */
function checkKeyrangeSplit(s: Sharding, event: Reshard, issue: Issue): void {
  const split = event.split;
  if (split === undefined || event.into === undefined) return;
  if (typeof split !== "string" || !(s.keyranges ?? []).includes(split)) {
    issue(
      ["split"],
      `expected one of the shards' keyranges ${JSON.stringify(s.keyranges ?? [])}`,
      split,
    );
    return;
  }
  try {
    const whole = parseKeyRange(split);
    const parts = event.into.map(parseKeyRange);
    parts.forEach((p, j) => {
      const start = j === 0 ? whole.start : (parts[j - 1] as KeyRangePrefix).end;
      if (p.start !== start)
        throw new RangeError(
          `keyrange "${p.name}" does not start where ${j === 0 ? `"${split}"` : `"${parts[j - 1]?.name}" ends`}`,
        );
    });
    if (parts[parts.length - 1]?.end !== whole.end)
      throw new RangeError(`the keyranges end short of or past the end of "${split}"`);
  } catch (error) {
    issue(
      ["into"],
      `${JSON.stringify(event.into)} must cover "${split}" in order: ${(error as Error).message}`,
      event.into,
    );
  }
}

/** A tenant (with a tenants section) or a range of keys, to a built shard. */
function checkMove(scenario: ParsedScenario, s: Sharding, event: Reshard, issue: Issue): void {
  const m = event.move;
  if (m === undefined) return;
  const shards = s.shards ?? 1;
  if (m.shard >= shards)
    issue(["move", "shard"], `expected a shard from 0 to ${shards - 1}`, m.shard);
  const keys = scenario.workload.keys.count;
  if (m.tenant !== undefined) {
    if (m.from !== undefined || m.to !== undefined)
      issue(["move"], "expected a tenant or a range of keys (from, to), not both", m);
    const tenants = s.tenants?.count;
    if (tenants === undefined)
      issue(["move", "tenant"], "moving a tenant needs a tenants section", m.tenant);
    else if (m.tenant >= tenants)
      issue(["move", "tenant"], `expected a tenant from 0 to ${tenants - 1}`, m.tenant);
    return;
  }
  if (m.from === undefined || m.to === undefined || m.from >= m.to || m.to > keys)
    issue(["move"], `expected a tenant, or keys from < to ≤ ${keys}`, m);
}
