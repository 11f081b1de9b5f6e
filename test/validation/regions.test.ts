// Validation of multi-region plans through the public API (runScenario), with
// every delay constant so each figure is exact:
// - a write from a region other than the primary's pays the region pair's round
//   trip once per statement on top of what the same write costs in the
//   primary's region (the driver's statement crosses to the primary and back);
// - the log reaches a replica in another region half the pair's round trip
//   later than one in the primary's region (a record crosses one way);
// - a quorum commit over n regions (PostgreSQL synchronous_standby_names =
//   ANY k (…), one standby per other region; docs "Multiple Synchronous
//   Standbys", 27.2.8.3 in PostgreSQL 16) waits for k = ⌊n/2⌋ acks, the leader
//   voting for itself, so its wait is the k-th smallest round trip from the
//   leader to the other regions; a client elsewhere adds its own round trip to
//   the leader;
// - a read in a region that holds a replica never pays a cross-region round
//   trip, whatever the matrix (property, fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";
import { regionsPlan } from "./regions-plan.js";

type Regions = NonNullable<ScenarioInput["regions"]>;

/**
 * One closed client per region (client i is session i, in region i), one
 * single-statement operation at a time each, constant costs and no server
 * mechanisms, so nothing queues and every operation costs the same.
 */
function plan(
  names: readonly string[],
  regions: Partial<Regions>,
  replicaIn = names,
): ScenarioInput {
  return regionsPlan({
    seed: 3,
    duration: 4_000,
    names,
    replicas: replicaIn.map((region, i) => ({ name: `r${i}`, region })),
    regions: { list: names.map((name) => ({ name })), primary: names[0] as string, ...regions },
  });
}

function regionOf(report: ReturnType<typeof runScenario>, name: string) {
  const r = report.regions?.regions.find((x) => x.name === name);
  if (r === undefined) throw new Error(`no region ${name} in the report`);
  return r;
}

describe("remote-region writes (constant delays)", () => {
  it("cost the local write plus the round trip to the primary's region", () => {
    const rtt = 73;
    const report = runScenario(plan(["us", "eu"], { rtt: { "us-eu": rtt } }));
    const local = regionOf(report, "us").writeLatencyMs;
    const remote = regionOf(report, "eu").writeLatencyMs;
    expect(regionOf(report, "eu").writes).toBeGreaterThan(20);
    // Local: the same-datacenter round trip plus the write's own time.
    expect(local.mean).toBeCloseTo(0.5 + 0.2, 9);
    expect(remote.mean).toBeCloseTo(local.mean + rtt, 9);
  });

  it("take the table's cross-region row when the pair is not listed", () => {
    const report = runScenario(plan(["us", "eu"], {}));
    const gap =
      regionOf(report, "eu").writeLatencyMs.mean - regionOf(report, "us").writeLatencyMs.mean;
    expect(gap).toBeCloseTo(40, 9);
  });
});

describe("replication across regions (constant delays)", () => {
  it("delivers to a replica in another region half the pair's round trip later", () => {
    const rtt = 64;
    const report = runScenario(plan(["us", "eu"], { rtt: { "us-eu": rtt } }));
    const lag = (name: string) =>
      report.replication?.replicas.find((r) => r.name === name)?.replayLagMs.mean ?? Number.NaN;
    // Commit to visible: the one-way trip, then the same flush and apply as at home.
    // Report figures keep six significant digits (roundFigure), hence 3 decimals here.
    expect(lag("r1") - lag("r0")).toBeCloseTo(rtt / 2, 3);
  });
});

describe("quorum commit (constant delays)", () => {
  // The leader is the first region; k = ⌊n/2⌋ of the other regions' acks.
  const cases: { names: string[]; rtt: Record<string, number>; kth: number }[] = [
    { names: ["a", "b", "c"], rtt: { "a-b": 30, "a-c": 90, "b-c": 50 }, kth: 30 },
    { names: ["a", "b", "c", "d"], rtt: { "a-b": 70, "a-c": 20, "a-d": 110 }, kth: 70 },
    {
      names: ["a", "b", "c", "d", "e"],
      rtt: { "a-b": 60, "a-c": 15, "a-d": 35, "a-e": 80 },
      kth: 35,
    },
  ];
  for (const c of cases) {
    it(`over ${c.names.length} regions waits for the ⌊n/2⌋-th smallest round trip from the leader`, () => {
      const spec = { rtt: c.rtt, rttDefault: 1000 };
      const local = runScenario(plan(c.names, spec));
      const quorum = runScenario(plan(c.names, { ...spec, commit: "quorum" }));
      const base = regionOf(local, "a").writeLatencyMs.mean;
      expect(regionOf(quorum, "a").writeLatencyMs.mean).toBeCloseTo(base + c.kth, 9);
      // A client in another region pays its own round trip to the leader on top.
      const b = c.rtt["a-b"] as number;
      expect(regionOf(quorum, "b").writeLatencyMs.mean).toBeCloseTo(base + c.kth + b, 9);
    });
  }
});

describe("region-local reads", () => {
  it("never pay a cross-region round trip in a region with a replica, whatever the matrix", () => {
    const { regions: _, ...oneRegion } = plan(["a"], {});
    const alone = runScenario({
      ...oneRegion,
      replication: { ...oneRegion.replication, replicas: [{ name: "r0" }] },
    } as ScenarioInput);
    // With constant costs a read that stays in its region costs what it costs without regions.
    const readMs = alone.latency.read.mean;
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 10, max: 300 }), { minLength: 3, maxLength: 3 }),
        fc.subarray(["b", "c"]),
        ([ab, ac, bc], withReplica) => {
          const names = ["a", "b", "c"];
          const rtt = { "a-b": ab as number, "a-c": ac as number, "b-c": bc as number };
          const report = runScenario({
            ...plan(names, { rtt }, ["a", ...withReplica]),
            duration: 600,
          });
          for (const name of ["a", ...withReplica]) {
            const r = regionOf(report, name);
            expect(r.remoteReads).toBe(0);
            expect(r.readLatencyMs.mean).toBeCloseTo(readMs, 9);
          }
          for (const name of names.filter((n) => n !== "a" && !withReplica.includes(n))) {
            // Without one, every read leaves the region.
            const r = regionOf(report, name);
            expect(r.remoteReads).toBe(r.reads);
          }
        },
      ),
      { numRuns: 8, seed: 16 },
    );
  });
});
