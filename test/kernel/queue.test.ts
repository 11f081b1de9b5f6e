// The event queue against a linear-scan model: whatever is pushed, popped and
// cancelled, the queue hands out the live entry with the least (time, priority,
// sequence) — the order the kernel promises (ties in time by priority, then in
// scheduling order). The model is a plain array scanned for its minimum; nothing
// here comes from the queue's own output. Sizes reach past the queue's initial
// capacity (growth) and past 1024 cancelled entries (compaction). With a small spill
// threshold the same runs go through the far-future buckets: spreading the top over
// buckets, bringing a bucket into the heap, going back to one heap, and pushes that
// land in the heap, a bucket or the top (the ladder queue of Tang, Goh and Thng,
// ACM TOMACS 2005, must give exactly the heap's order).
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Entry, EventQueue, type EventQueueOptions } from "../../src/kernel/queue.js";

function precedes(a: Entry, b: Entry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** Removes and returns the least live entry of the model. */
function takeLeast(model: Entry[]): Entry | undefined {
  let best = -1;
  for (let i = 0; i < model.length; i++) {
    if (best < 0 || precedes(model[i] as Entry, model[best] as Entry)) best = i;
  }
  return best < 0 ? undefined : model.splice(best, 1)[0];
}

type Op =
  | { kind: "push"; time: number; priority: number }
  | { kind: "pop" }
  | { kind: "cancel"; pick: number };

// Few distinct times and priorities, so ties (the sequence tie-break) are common.
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("push" as const),
      time: fc.integer({ min: 0, max: 20 }),
      priority: fc.integer({ min: -1, max: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("pop" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }),
  },
);

/** The default and tunings that send a few entries through the buckets. */
const tunings: [string, EventQueueOptions][] = [
  ["default", {}],
  ["spill at 4, 1 per bucket", { spillAt: 4, perBucket: 1 }],
  ["spill at 8, 2 per bucket", { spillAt: 8, perBucket: 2 }],
  // More buckets than entries (the default's regime): most buckets are empty.
  ["spill at 4, a quarter per bucket", { spillAt: 4, perBucket: 0.25 }],
];

type SimOp = { kind: "schedule"; delay: number; priority: number } | { kind: "step" };

// Delays as the kernel sees them (from the clock, never into the past): zero (same
// instant), a few distinct small ones (ties), and far ones (beyond the buckets).
const simOpArb: fc.Arbitrary<SimOp> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant("schedule" as const),
      delay: fc.oneof(
        fc.constantFrom(0, 0.5, 1, 2),
        fc.double({ min: 0, max: 1000, noNaN: true }),
        fc.integer({ min: 0, max: 100_000 }),
      ),
      priority: fc.integer({ min: -1, max: 1 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("step" as const) }) },
);

describe.each(tunings)("EventQueue (%s)", (_name, options) => {
  it("keeps every entry when all it holds share one time (nothing to cut into buckets)", () => {
    // A spill whose entries have no span goes back to one heap; the entry that
    // set it off must go there too (it was once left on an unread list).
    const queue = new EventQueue(options);
    const pushed = Array.from({ length: 200 }, (_, i) => new Entry(3, 0, i, () => {}));
    for (const e of pushed) queue.push(e);
    queue.push(new Entry(10, 0, 200, () => {}));
    const popped: number[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e.seq);
    expect(popped).toEqual(Array.from({ length: 201 }, (_, i) => i));
  });

  test.prop([fc.array(simOpArb, { maxLength: 600 })])(
    "pops the least (time, priority, sequence) with the clock moving forward",
    (ops) => {
      const queue = new EventQueue(options);
      const model: Entry[] = [];
      let now = 0;
      let seq = 0;
      for (const op of ops) {
        if (op.kind === "schedule") {
          const e = new Entry(now + op.delay, op.priority, seq++, () => {});
          queue.push(e);
          model.push(e);
        } else {
          const e = queue.pop();
          expect(e).toBe(takeLeast(model));
          if (e !== undefined) now = e.time;
        }
        expect(queue.length).toBe(model.length);
      }
      // Drain: every remaining entry in order.
      for (let e = takeLeast(model); e !== undefined; e = takeLeast(model)) {
        expect(queue.pop()).toBe(e);
      }
      expect(queue.pop()).toBeUndefined();
    },
  );

  test.prop([fc.array(opArb, { maxLength: 400 })])(
    "pops the least live (time, priority, sequence) at every step",
    (ops) => {
      const queue = new EventQueue(options);
      const model: Entry[] = [];
      let seq = 0;
      for (const op of ops) {
        if (op.kind === "push") {
          const e = new Entry(op.time, op.priority, seq++, () => {});
          queue.push(e);
          model.push(e);
        } else if (op.kind === "pop") {
          expect(queue.pop()).toBe(takeLeast(model));
        } else if (model.length > 0) {
          const [e] = model.splice(op.pick % model.length, 1);
          queue.cancel(e as Entry);
        }
        expect(queue.length).toBe(model.length);
        const head = model.reduce<Entry | undefined>(
          (m, e) => (m === undefined || precedes(e, m) ? e : m),
          undefined,
        );
        expect(queue.peek()).toBe(head);
      }
    },
  );

  it("keeps the order through compaction (most of 5000 entries cancelled)", () => {
    const queue = new EventQueue(options);
    const model: Entry[] = [];
    // A fixed LCG (Numerical Recipes constants) gives reproducible, unsorted times.
    let x = 12345;
    const next = (): number => {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      return x;
    };
    for (let seq = 0; seq < 5000; seq++) {
      const e = new Entry(next() % 100, next() % 3, seq, () => {});
      queue.push(e);
      model.push(e);
    }
    // Cancel two in three: past 1024 and past half the heap, so the queue compacts.
    for (const e of model.filter((e) => e.seq % 3 !== 0)) queue.cancel(e);
    const live = model.filter((e) => e.seq % 3 === 0);
    expect(queue.length).toBe(live.length);
    const expected = [...live].sort((a, b) => (precedes(a, b) ? -1 : 1));
    const popped: Entry[] = [];
    for (let e = queue.pop(); e !== undefined; e = queue.pop()) popped.push(e);
    expect(popped).toEqual(expected);
    expect(popped.every((e, i) => e === expected[i])).toBe(true);
  });
});
