// The arbitrary of the `cache` section: any pattern, engine and policy, small
// capacities so evictions happen, short TTLs, leases and coalescing; with
// write-behind, a flush interval (required) and sometimes a batch cap.
import type { Arbitrary } from "fast-check";
import { decimal, duration, optionalField } from "./arb-fields.js";
import type { SectionArbitrary } from "./arb-sections.js";
import type { CacheInput } from "./arb-types.js";
import { fc } from "./fast-check.js";

const POLICIES = [
  "noeviction",
  "allkeys-lru",
  "allkeys-lfu",
  "allkeys-random",
  "volatile-lru",
  "volatile-lfu",
  "volatile-random",
  "volatile-ttl",
] as const;

function capacityFor(engine: "redis" | "memcached" | "lru"): Arbitrary<CacheInput["capacity"]> {
  const megabytes = (min: number, max: number) =>
    decimal(min, max, 100).map((mb) => ({ megabytes: mb }));
  if (engine === "memcached") return megabytes(1, 4);
  if (engine === "redis") return megabytes(0.01, 2);
  return fc.oneof(
    fc.integer({ min: 1, max: 500 }).map((items) => ({ items })),
    megabytes(0.01, 2),
  );
}

/**
 * A `cache` section (see `arbScenario`'s `cache` option).
 *
 * @remarks Since 0.2.0
 */
export function arbCache(): Arbitrary<CacheInput> {
  return fc.constantFrom("redis" as const, "memcached" as const, "lru" as const).chain((engine) =>
    fc
      .record({
        pattern: fc.constantFrom(
          "cache-aside" as const,
          "read-through" as const,
          "write-through" as const,
          "write-behind" as const,
        ),
        nodes: fc.integer({ min: 1, max: 3 }),
        capacity: capacityFor(engine),
        valueBytes: fc.integer({ min: 100, max: 5000 }),
        ttl: optionalField("ttl", duration(10, 2000)),
        ttlJitter: optionalField("ttlJitter", decimal(0, 0.5)),
        renewOnRead: fc.boolean(),
        invalidation: fc.constantFrom("delete" as const, "update" as const, "none" as const),
        policy:
          engine === "redis"
            ? optionalField("maxmemoryPolicy", fc.constantFrom(...POLICIES))
            : fc.constant({}),
        samples:
          engine === "redis"
            ? optionalField("maxmemorySamples", fc.integer({ min: 1, max: 10 }))
            : fc.constant({}),
        leases: fc.boolean(),
        coalescing: fc.boolean(),
        earlyRefresh: optionalField("earlyRefresh", decimal(0, 3)),
        flushInterval: duration(10, 2000),
        flushBatch: optionalField("flushBatch", fc.integer({ min: 1, max: 200 })),
      })
      .map(
        ({
          ttl,
          ttlJitter,
          policy,
          samples,
          earlyRefresh,
          flushInterval,
          flushBatch,
          ...rest
        }): CacheInput => ({
          engine,
          ...rest,
          ...(rest.pattern === "write-behind" ? { flushInterval, ...flushBatch } : {}),
          ...earlyRefresh,
          ...ttl,
          ...ttlJitter,
          ...policy,
          ...samples,
        }),
      ),
  );
}

/** The cache section: "never" unless asked for. */
export const cacheSection: SectionArbitrary = {
  key: "cache",
  choice: (options) => options.cache ?? "never",
  arbitrary: () => arbCache(),
};
