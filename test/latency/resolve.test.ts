import { describe, expect, it } from "vitest";
import * as z from "zod";
import {
  type DistributionSpec,
  LATENCY_ROW_NAMES,
  LATENCY_TABLE,
  LatencyError,
  type LatencyOverrides,
  LatencyOverridesSchema,
  resolveLatencyTable,
} from "../../src/latency/index.js";

function errorOf(overrides: unknown): LatencyError {
  try {
    resolveLatencyTable(overrides as LatencyOverrides);
  } catch (error) {
    if (error instanceof LatencyError) return error;
    throw error;
  }
  throw new Error("expected resolveLatencyTable to throw");
}

describe("resolveLatencyTable", () => {
  it("without overrides is the published defaults", () => {
    const table = resolveLatencyTable();
    for (const name of LATENCY_ROW_NAMES) {
      expect(table[name]).toEqual(LATENCY_TABLE[name].distribution);
    }
  });

  it("replaces only the rows overridden, by any kind of spec", () => {
    const lognormal: DistributionSpec = { kind: "lognormal", median: 2, p99: 20 };
    const table = resolveLatencyTable({
      simpleIndexedQuery: lognormal,
      ramRead: 0.0002,
      ssdRandomRead: "ramRead",
    });
    expect(table.simpleIndexedQuery).toEqual(lognormal);
    expect(table.ramRead).toBe(0.0002);
    expect(table.ssdRandomRead).toBe("ramRead");
    expect(table.crossRegionRoundTrip).toEqual({ kind: "uniform", min: 10, max: 100 });
  });

  it("returns a frozen table that does not share the caller's objects", () => {
    const samples = [1, 2];
    const overrides = { simpleIndexedQuery: { kind: "empirical", samples } } as const;
    const table = resolveLatencyTable(overrides);
    expect(Object.isFrozen(table)).toBe(true);
    expect(Object.isFrozen(table.simpleIndexedQuery)).toBe(true);
    expect(Object.isFrozen(overrides.simpleIndexedQuery)).toBe(false);
    samples.push(3);
    expect(table.simpleIndexedQuery).toEqual({ kind: "empirical", samples: [1, 2] });
  });

  it("rejects an unknown row, naming it and listing the rows", () => {
    const error = errorOf({ ssdRead: 1 });
    expect(error.code).toBe("INVALID_DISTRIBUTION");
    expect(error.message).toContain('unknown latency row "ssdRead"; expected one of l1CacheRead');
  });

  it("rejects an invalid override, naming the row, the field and the value", () => {
    expect(errorOf({ ramRead: -1 }).message).toBe(
      "Invalid latency overrides: ramRead: expected a number ≥ 0, received -1",
    );
    expect(errorOf({ ramRead: { kind: "uniform", min: 1, max: Number.NaN } }).message).toBe(
      "Invalid latency overrides: ramRead.max: expected a finite number, received NaN",
    );
  });

  it("rejects a loop of rows, naming the loop", () => {
    const error = errorOf({ ramRead: "ssdRandomRead", ssdRandomRead: "ramRead" });
    expect(error.code).toBe("ROW_CYCLE");
    expect(error.message).toContain("ramRead → ssdRandomRead → ramRead");
    expect(errorOf({ l1CacheRead: "l1CacheRead" }).message).toContain("l1CacheRead → l1CacheRead");
  });

  it("rejects a loop even behind a mixture part of weight 0", () => {
    const error = errorOf({
      ramRead: {
        kind: "mixture",
        parts: [
          { weight: 1, dist: 1 },
          { weight: 0, dist: "ramRead" },
        ],
      },
    });
    expect(error.code).toBe("ROW_CYCLE");
  });
});

describe("LatencyOverridesSchema", () => {
  it("converts to JSON Schema with a described property per row", () => {
    const json = z.toJSONSchema(LatencyOverridesSchema, { io: "input" }) as {
      properties: Record<string, { description?: string }>;
      additionalProperties: boolean;
    };
    expect(Object.keys(json.properties)).toEqual(LATENCY_ROW_NAMES);
    expect(json.properties.ssdRandomRead?.description).toBe(
      "SSD random read; default constant 100 µs",
    );
    expect(json.additionalProperties).toBe(false);
  });
});
