import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Counter, CounterMap } from "../../src/metrics/counter.js";

describe("Counter", () => {
  it("adds 1 by default, adds n when given, and resets to 0", () => {
    const counter = new Counter();
    counter.add();
    counter.add(4);
    expect(counter.value).toBe(5);
    counter.reset();
    expect(counter.value).toBe(0);
  });

  it("rejects a negative or NaN increment, naming it", () => {
    const counter = new Counter();
    expect(() => counter.add(-2)).toThrow(/-2/);
    expect(() => counter.add(Number.NaN)).toThrow(RangeError);
    expect(counter.value).toBe(0);
  });
});

describe("CounterMap", () => {
  const kinds = fc.array(
    fc.constantFrom("timeout", "deadlock", "pool_exhausted", "Z", "a", "404"),
    {
      maxLength: 40,
    },
  );

  test.prop([kinds, fc.infiniteStream(fc.nat())])(
    "reports entries sorted by key whatever the insertion order",
    (keys, ranks) => {
      // Arrange: the same additions in two orders
      const shuffled = [...keys]
        .map((k) => [ranks.next().value, k] as const)
        .sort((a, b) => a[0] - b[0]);
      const inOrder = new CounterMap();
      const outOfOrder = new CounterMap();
      // Act
      for (const key of keys) inOrder.add(key);
      for (const [, key] of shuffled) outOfOrder.add(key);
      // Assert
      const entries = inOrder.entries();
      expect(outOfOrder.entries()).toEqual(entries);
      const sortedKeys = entries.map(([k]) => k);
      expect(sortedKeys).toEqual([...new Set(keys)].sort());
      expect(inOrder.total).toBe(keys.length);
      expect(inOrder.size).toBe(sortedKeys.length);
    },
  );

  it("counts by key, gives 0 for unseen keys, and resets", () => {
    const errors = new CounterMap();
    errors.add("timeout");
    errors.add("deadlock", 2);
    errors.add("timeout");
    expect(errors.get("timeout")).toBe(2);
    expect(errors.get("unknown")).toBe(0);
    expect(errors.toRecord()).toEqual({ deadlock: 2, timeout: 2 });
    expect(JSON.stringify(errors.toRecord())).toBe('{"deadlock":2,"timeout":2}');
    errors.reset();
    expect(errors.entries()).toEqual([]);
    expect(errors.total).toBe(0);
  });

  it("rejects a negative increment, naming the key and the value", () => {
    const errors = new CounterMap();
    expect(() => errors.add("timeout", -1)).toThrow(/timeout.*-1/);
  });
});
