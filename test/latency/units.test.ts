import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { ms, ns, s, us } from "../../src/latency/units.js";

describe("unit helpers convert to simulated milliseconds", () => {
  it("converts the latency table's units exactly to their decimal values", () => {
    expect(ns(0.5)).toBe(0.0000005);
    expect(ns(100)).toBe(0.0001);
    expect(us(100)).toBe(0.1);
    expect(us(500)).toBe(0.5);
    expect(ms(5)).toBe(5);
    expect(s(1.5)).toBe(1500);
  });

  test.prop([fc.double({ min: 0, max: 1e6, noNaN: true })])(
    "each unit is 1000 of the one below",
    (x) => {
      expect(ns(x * 1000)).toBeCloseTo(us(x), 9);
      expect(us(x * 1000)).toBeCloseTo(ms(x), 9);
      expect(s(x / 1000)).toBeCloseTo(ms(x), 9);
    },
  );
});
