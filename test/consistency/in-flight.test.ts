import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { InFlightOps } from "../../src/consistency/in-flight.js";

// The monitor's ops in flight must behave as a Map from op id to four numbers, whatever
// the ids: most sit in a ring by their id's low 8 bits, an op whose slot is taken (an
// id 256 apart still in flight) or whose id is not an int32 goes to a hash table, and
// an op put while one in the table has its id must still be refused.
const id = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(0, 1, 2, 256, 257, 512, 768, -256, -1, 255) },
  { weight: 1, arbitrary: fc.constantFrom(2.5, 2 ** 31, -(2 ** 31), 1e12, 1e12 + 256) },
);
type Step = { kind: "put"; id: number; value: number } | { kind: "take"; id: number };
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("put" as const), id, value: fc.integer({ min: 0, max: 9 }) }),
  fc.record({ kind: fc.constant("take" as const), id }),
);

describe("InFlightOps", () => {
  it("holds what a Map holds, ids that share a ring slot included", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 60 }), (steps) => {
        const ops = new InFlightOps();
        const model = new Map<number, number[]>();
        for (const s of steps) {
          if (s.kind === "put") {
            const fresh = !model.has(s.id);
            if (fresh) model.set(s.id, [s.value, s.value + 1, -s.value, Number.NaN]);
            expect(ops.put(s.id, s.value, s.value + 1, -s.value, Number.NaN)).toBe(fresh);
          } else {
            const held = model.get(s.id);
            model.delete(s.id);
            expect(ops.take(s.id)).toBe(held !== undefined);
            if (held !== undefined) {
              expect([ops.first, ops.second, ops.third, ops.fourth]).toEqual(held);
            }
          }
          expect(ops.size).toBe(model.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("refuses an op whose id is in the hash table after its ring slot was freed", () => {
    const ops = new InFlightOps();
    expect(ops.put(1, 1, 1, 1, 1)).toBe(true);
    expect(ops.put(257, 2, 2, 2, 2)).toBe(true); // slot 1 taken: to the hash table
    expect(ops.take(1)).toBe(true);
    expect(ops.put(257, 3, 3, 3, 3)).toBe(false);
    expect(ops.take(257)).toBe(true);
    expect(ops.first).toBe(2);
    expect(ops.size).toBe(0);
  });
});
