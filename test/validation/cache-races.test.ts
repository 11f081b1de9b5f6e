// The races of the built-in cache-races, in a full scenario: twenty hot keys
// behind cache-aside on Redis with a 1 s TTL and a jittery hop to the cache.
// - The stale-set race (Nishtala et al., NSDI 2013, §3.2.1): with jitter a
//   reader's set can land after a writer's delete, so old versions are served
//   (stale reads > 0); leases refuse those sets, and no stale read is left.
// - A stampede: after a hot key expires several loads of it run at once;
//   coalescing keeps it to one at a time and cuts the database loads.
import { describe, expect, it } from "vitest";
import { builtinScenario, runVariants } from "../../src/index.js";

const scenario = builtinScenario("cache-races");
if (scenario === undefined) throw new Error("the built-in cache-races is missing");

describe("the built-in cache-races", () => {
  const runs = new Map(
    runVariants({ ...scenario, duration: "10s" }).map((v) => [v.name, v.report.cache]),
  );
  const base = runs.get("base");
  const coalescing = runs.get("coalescing");
  const leases = runs.get("leases");
  if (base === undefined || coalescing === undefined || leases === undefined) {
    throw new Error("a variant is missing");
  }

  it("serves stale sets without leases, and none with them", () => {
    expect(base.staleReads).toBeGreaterThan(0);
    expect(leases.staleReads).toBe(0);
    expect(leases.rejectedSets).toBeGreaterThan(0);
  });

  it("stampedes without coalescing, and loads one at a time with it", () => {
    expect(base.loadsAtOnceMax).toBeGreaterThan(1);
    expect(coalescing.loadsAtOnceMax).toBe(1);
    expect(coalescing.databaseLoads).toBeLessThan(base.databaseLoads);
  });
});
