// The lag series kept as columns of numbers must give back exactly the points the
// recorder kept as objects before: the same fields, in the same key order (the
// report is JSON), MySQL's NULL for Seconds_Behind_Source as null, and the same
// thinning (every other point, the first kept).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { LagPoint } from "../../src/scenario/lag.js";
import { LagColumns } from "../../src/scenario/lag-points.js";

const sample = fc.record({
  tMs: fc.double({ noNaN: true, min: 0, max: 1e9 }),
  age: fc.double({ noNaN: true, min: 0, max: 1e6 }),
  bytes: fc.nat(),
  sbs: fc.option(fc.nat({ max: 100_000 }), { nil: null }),
});

describe("LagColumns", () => {
  it("gives back what an array of point objects would, thinned alike", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(sample, fc.constant("thin" as const)), { maxLength: 300 }),
        (steps) => {
          const columns = new LagColumns();
          let objects: LagPoint[] = [];
          for (const s of steps) {
            if (s === "thin") {
              columns.keepEven();
              objects = objects.filter((_, k) => k % 2 === 0);
              continue;
            }
            columns.push(s.tMs, s.age, s.bytes, s.sbs);
            objects.push({
              tMs: s.tMs,
              oldestUnappliedAgeMs: s.age,
              lagMs: s.age,
              lagBytes: s.bytes,
              secondsBehindSource: s.sbs,
            });
          }
          expect(columns.length).toBe(objects.length);
          expect(JSON.stringify(columns.points())).toBe(JSON.stringify(objects));
        },
      ),
    );
  });
});
