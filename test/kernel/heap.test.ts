// MinHeap (src/kernel/heap.ts): a stable min-heap. The expected orders come from
// a stable sort of the same pushes (Array.prototype.sort is stable since
// ES2019), never from the heap itself.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { MinHeap, SimulationError } from "../../src/kernel/index.js";

/** An operation on a heap: push (key, a fresh label), pop, or remove one pushed label. */
type Op = { push: number } | { pop: true } | { remove: number };

const key = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0),
);
const ops = fc.array(
  fc.oneof(
    { weight: 4, arbitrary: key.map((k): Op => ({ push: k })) },
    { weight: 2, arbitrary: fc.constant<Op>({ pop: true }) },
    { weight: 1, arbitrary: fc.nat({ max: 50 }).map((i): Op => ({ remove: i })) },
  ),
  { maxLength: 200 },
);

describe("MinHeap", () => {
  it("pops the least key first and equal keys in push order", () => {
    const heap = new MinHeap<string>();
    heap.push(2, "b1");
    heap.push(1, "a");
    heap.push(2, "b2");
    heap.push(0, "z");
    heap.push(2, "b3");

    const out: (string | undefined)[] = [];
    while (heap.length > 0) out.push(heap.pop());

    expect(out).toEqual(["z", "a", "b1", "b2", "b3"]);
    expect(heap.pop()).toBeUndefined();
    expect(heap.peekKey()).toBe(Number.POSITIVE_INFINITY);
  });

  it("shows its least key and value without removing them", () => {
    const heap = new MinHeap<string>();
    heap.push(5, "x");
    heap.push(3, "y");

    expect([heap.peekKey(), heap.peek(), heap.length]).toEqual([3, "y", 2]);
  });

  it("removes a value from the middle and keeps the order of the rest", () => {
    const heap = new MinHeap<string>();
    for (const [k, v] of [
      [1, "a"],
      [4, "d"],
      [2, "b"],
      [5, "e"],
      [3, "c"],
    ] as const)
      heap.push(k, v);

    expect(heap.remove("b")).toBe(true);
    expect(heap.remove("b")).toBe(false);
    const out: (string | undefined)[] = [];
    while (heap.length > 0) out.push(heap.pop());

    expect(out).toEqual(["a", "c", "d", "e"]);
  });

  it("keeps the push order of equal keys across clear()", () => {
    const heap = new MinHeap<string>();
    heap.push(1, "old");
    heap.clear();
    heap.push(1, "first");
    heap.push(1, "second");

    expect([heap.length, heap.pop(), heap.pop()]).toEqual([2, "first", "second"]);
  });

  it("refuses a NaN key, naming it", () => {
    const heap = new MinHeap<string>();

    expect(() => heap.push(Number.NaN, "x")).toThrow(SimulationError);
    expect(() => heap.push(Number.NaN, "x")).toThrow("Heap key NaN is not a number");
  });

  test.prop([ops])(
    "pops in (key, push sequence) order whatever the pushes, pops and removes",
    (script) => {
      const heap = new MinHeap<number>();
      // The reference: the entries in the heap, kept sorted by a stable sort.
      let model: { key: number; label: number }[] = [];
      let label = 0;
      for (const op of script) {
        if ("push" in op) {
          heap.push(op.push, label);
          model.push({ key: op.push, label });
          label++;
        } else if ("pop" in op) {
          model.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
          expect(heap.pop()).toBe(model.shift()?.label);
        } else {
          const present = model.some((e) => e.label === op.remove);
          expect(heap.remove(op.remove)).toBe(present);
          model = model.filter((e) => e.label !== op.remove);
        }
        expect(heap.length).toBe(model.length);
      }
      model.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const rest: (number | undefined)[] = [];
      while (heap.length > 0) rest.push(heap.pop());
      expect(rest).toEqual(model.map((e) => e.label));
    },
  );
});
