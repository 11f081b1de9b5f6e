import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { NumTable } from "../../src/consistency/num-table.js";

// The table must behave as a Map from key to value whatever the order of insertions and
// removals: linear probing with backward-shift deletion (Knuth, TAOCP vol. 3, §6.4,
// Algorithm R) loses a key if a shift skips one whose probe ran through the hole.
const op = fc.oneof(
  fc.record({
    kind: fc.constant("set" as const),
    key: fc.integer({ min: 0, max: 40 }),
    value: fc.integer({ min: 0, max: 9 }),
  }),
  // Keys that share their low bits (multiples of 1024) collide under a low-bits hash.
  fc.record({
    kind: fc.constant("set" as const),
    key: fc.integer({ min: 0, max: 40 }).map((k) => k * 1024),
    value: fc.integer({ min: 0, max: 9 }),
  }),
  fc.record({ kind: fc.constant("remove" as const), key: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ kind: fc.constant("removeAtMost" as const), bound: fc.integer({ min: -1, max: 9 }) }),
);

describe("NumTable", () => {
  it("holds what a Map holds in a table of 8 slots, where probe runs wrap past the end", () => {
    // Up to 4 keys stay in the smallest table (load at most 1/2): runs that cross
    // the last slot test the cyclic case of the shift rule.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.boolean()), { maxLength: 60 }),
        fc.integer({ min: 0, max: 1000 }),
        (steps, base) => {
          const table = new NumTable(1);
          const model = new Set<number>();
          for (const [k, add] of steps) {
            const key = base * 4 + k;
            if (add) {
              table.insert(key);
              model.add(key);
            } else {
              const at = table.find(key);
              expect(at >= 0).toBe(model.has(key));
              if (at >= 0) table.removeAt(at);
              model.delete(key);
            }
            for (let j = 0; j < 4; j++)
              expect(table.find(base * 4 + j) >= 0).toBe(model.has(base * 4 + j));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("holds what a Map holds after any sequence of sets, removals and bulk removals", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const table = new NumTable(1);
        const model = new Map<number, number>();
        for (const o of ops) {
          if (o.kind === "set") {
            const at = table.insert(o.key);
            table.data[at] = o.value;
            model.set(o.key, o.value);
          } else if (o.kind === "remove") {
            const at = table.find(o.key);
            expect(at >= 0).toBe(model.has(o.key));
            if (at >= 0) table.removeAt(at);
            model.delete(o.key);
          } else {
            table.removeWhereAtMost(0, o.bound);
            for (const [k, v] of model) if (v <= o.bound) model.delete(k);
          }
          expect(table.size).toBe(model.size);
        }
        for (let key = 0; key <= 40 * 1024; key += key < 40 ? 1 : 1024) {
          const at = table.find(key);
          expect(at < 0 ? undefined : table.data[at]).toBe(model.get(key));
        }
      }),
      { numRuns: 300 },
    );
  });

  it("never drops a value that is NaN in a bulk removal", () => {
    const table = new NumTable(1);
    table.data[table.insert(7)] = Number.NaN;
    table.data[table.insert(8)] = 3;
    table.removeWhereAtMost(0, Number.POSITIVE_INFINITY);
    expect(table.find(7)).toBeGreaterThanOrEqual(0);
    expect(table.find(8)).toBe(-1);
  });
});
