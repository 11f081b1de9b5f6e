// The sharding section as arbScenario draws it: layouts that need nothing of the
// workload's key count (hashing, Citus's hash ranges, Vitess keyranges over the
// whole keyspace), 1–4 shards, and a share of cross-shard queries.
import type { Arbitrary } from "fast-check";
import type { SectionArbitrary } from "./arb-sections.js";
import { fc } from "./fast-check.js";

function arbSharding(): Arbitrary<unknown> {
  const hashed = fc.record({
    strategy: fc.constantFrom("hash-mod", "consistent-hash", "jump", "rendezvous", "citus"),
    shards: fc.integer({ min: 1, max: 4 }),
  });
  const keyspace = fc.record({
    strategy: fc.constant("keyspace"),
    keyranges: fc.constantFrom(["-"], ["-80", "80-"], ["-40", "40-80", "80-c0", "c0-"]),
  });
  const crossShard = fc.record({
    share: fc.double({ min: 0, max: 0.3, noNaN: true }),
    shards: fc.oneof(fc.constant("all" as const), fc.integer({ min: 1, max: 4 })),
  });
  return fc
    .tuple(fc.oneof(hashed, keyspace), crossShard)
    .map(([layout, cross]) => ({ ...layout, crossShard: cross }));
}

/** The sharding section: "never" unless asked for. */
export const shardingSection: SectionArbitrary = {
  key: "sharding",
  choice: (options) => options.sharding ?? "never",
  arbitrary: () => arbSharding(),
};
