import { describe, expect, it } from "vitest";
import { isLatencyRowName, LATENCY_ROW_NAMES, LATENCY_TABLE } from "../../src/latency/index.js";

// The published table ("Latency numbers every programmer should know", after Jeff
// Dean and Peter Norvig, as docs/reference.md gives it with its sources),
// transcribed here in ms by hand, independently of the unit helpers:
// L1 0.5 ns, L2 4 ns, RAM 100 ns, SSD random read 100 µs, same-datacenter round
// trip 500 µs, simple indexed query 1–5 ms, cross-region round trip 10–100 ms.
const PUBLISHED: ReadonlyArray<readonly [string, number, number]> = [
  ["l1CacheRead", 0.0000005, 0.0000005],
  ["l2CacheRead", 0.000004, 0.000004],
  ["ramRead", 0.0001, 0.0001],
  ["ssdRandomRead", 0.1, 0.1],
  ["sameDatacenterRoundTrip", 0.5, 0.5],
  ["simpleIndexedQuery", 1, 5],
  ["crossRegionRoundTrip", 10, 100],
];

describe("LATENCY_TABLE", () => {
  it("has the published rows, fastest first", () => {
    expect(LATENCY_ROW_NAMES).toEqual(PUBLISHED.map(([name]) => name));
    expect(Object.keys(LATENCY_TABLE)).toEqual(LATENCY_ROW_NAMES);
  });

  it.each(PUBLISHED)("%s is %s–%s ms", (name, lowMs, highMs) => {
    const row = LATENCY_TABLE[name as (typeof LATENCY_ROW_NAMES)[number]];
    expect(row.name).toBe(name);
    expect(row.lowMs).toBe(lowMs);
    expect(row.highMs).toBe(highMs);
    expect(row.label).not.toBe("");
    expect(row.source).toContain("Latency numbers every programmer should know");
  });

  it("defaults a point value to a constant and a range to a uniform over it", () => {
    expect(LATENCY_TABLE.ramRead.distribution).toEqual({ kind: "constant", value: 0.0001 });
    expect(LATENCY_TABLE.simpleIndexedQuery.distribution).toEqual({
      kind: "uniform",
      min: 1,
      max: 5,
    });
    expect(LATENCY_TABLE.crossRegionRoundTrip.distribution).toEqual({
      kind: "uniform",
      min: 10,
      max: 100,
    });
  });

  it("is frozen all the way down", () => {
    expect(Object.isFrozen(LATENCY_TABLE)).toBe(true);
    for (const name of LATENCY_ROW_NAMES) {
      expect(Object.isFrozen(LATENCY_TABLE[name])).toBe(true);
      expect(Object.isFrozen(LATENCY_TABLE[name].distribution)).toBe(true);
    }
  });
});

describe("isLatencyRowName", () => {
  it("accepts every row name", () => {
    for (const name of LATENCY_ROW_NAMES) expect(isLatencyRowName(name)).toBe(true);
  });

  it.each([["RamRead"], ["ssd"], [""], ["toString"], ["constructor"], [3], [undefined], [null]])(
    "rejects %j",
    (x) => {
      expect(isLatencyRowName(x)).toBe(false);
    },
  );
});
