// PsJobHeap (src/models/server/ps-jobs.ts): the processor-sharing server's jobs by
// virtual finish time. Two claims: it pops in (key, arrival) order — the expected
// order comes from a stable sort of the live pushes (Array.prototype.sort is stable
// since ES2019), never from the heap itself — and in the same order as the kernel's
// MinHeap, which held the server's jobs before, so the server's completions (and
// every report) stay what they were.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { MinHeap } from "../../src/kernel/index.js";
import { PsJob, PsJobHeap } from "../../src/models/server/ps-jobs.js";

type Step = { push: number } | { pop: true };

const key = fc.oneof(
  fc.integer({ min: 0, max: 4 }),
  fc.double({ noNaN: true, min: 0, max: 1e6 }),
  fc.constantFrom(0, -0, Number.POSITIVE_INFINITY),
);
const steps = fc.array(
  fc.oneof(
    { weight: 3, arbitrary: key.map((k): Step => ({ push: k })) },
    { weight: 2, arbitrary: fc.constant<Step>({ pop: true }) },
  ),
  { maxLength: 300 },
);

/** A job labelled by its push number, so the order can be read back. */
function job(label: number): PsJob {
  const j = new PsJob();
  j.index = label;
  return j;
}

describe("PsJobHeap", () => {
  it("pops the least virtual finish time first, equal times in arrival order", () => {
    const heap = new PsJobHeap();
    for (const [k, label] of [
      [2, 0],
      [1, 1],
      [2, 2],
      [0, 3],
      [2, 4],
    ] as const)
      heap.push(k, job(label));
    expect(heap.peekKey()).toBe(0);
    const out: number[] = [];
    while (heap.length > 0) out.push(heap.pop().index);
    expect(out).toEqual([3, 1, 0, 2, 4]);
    expect(heap.peekKey()).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses a NaN key, naming the value", () => {
    expect(() => new PsJobHeap().push(Number.NaN, new PsJob())).toThrow(/key NaN is not a number/);
  });

  test.prop([steps])("matches a stable sort of what is in it, through growth", (seq) => {
    const heap = new PsJobHeap();
    let live: { key: number; label: number }[] = [];
    let label = 0;
    for (const step of seq) {
      if ("push" in step) {
        heap.push(step.push, job(label));
        live.push({ key: step.push, label });
        label++;
      } else if (live.length > 0) {
        live = [...live].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
        const first = live.shift() as { key: number; label: number };
        // == on numbers: 0 and -0 are the same time (toBe would tell them apart).
        expect(heap.peekKey() === first.key).toBe(true);
        expect(heap.pop().index).toBe(first.label);
      }
      expect(heap.length).toBe(live.length);
    }
  });

  test.prop([steps])("pops in the same order as the kernel's MinHeap", (seq) => {
    const heap = new PsJobHeap();
    const reference = new MinHeap<number>();
    let label = 0;
    for (const step of seq) {
      if ("push" in step) {
        heap.push(step.push, job(label));
        reference.push(step.push, label);
        label++;
      } else if (reference.length > 0) {
        expect(heap.peekKey() === reference.peekKey()).toBe(true);
        expect(heap.pop().index).toBe(reference.pop());
      }
    }
  });
});
