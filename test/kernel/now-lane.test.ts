// The now lane (src/kernel/queue.ts) must not move any event: entries for the current
// instant with priority 0 wait in a FIFO list beside the heap, and the next event is
// still the pending one with the least (time, priority, sequence), the order SimPy's
// core.py keeps (its heap key is (time, priority, event id)). Random programs run on
// `Simulation` against a reference written here, a plain array searched for its
// minimum: callbacks that schedule (delay 0 most often, priorities 0, ±1 and -∞ as
// `interrupt` uses), cancel lane and heap entries, reuse their own entry
// (`_scheduleOwned`), trigger events; runs stopped by `until` (also at the current
// instant, with entries left in the lane), `maxEvents` and `step()`; `peek()` and
// `pending` checked after each. Far delays keep more than 16 events pending, so the
// queue's far-future buckets take part. A second property drives the `EventQueue`
// itself with a small spill threshold and checks that the lane is empty whenever time
// moves on.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import { Entry, EventQueue } from "../../src/kernel/queue.js";
import { type EventHandle, Simulation } from "../../src/kernel/simulation.js";

/** A pending event of the reference: its key and its body (ops to run). */
interface Pending {
  readonly time: number;
  readonly priority: number;
  readonly seq: number;
  readonly body: number;
  cancelled: boolean;
}

function before(a: Pending, b: Pending): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}

/** The reference: every pending event in an array; the least is found by a scan. */
class Reference {
  readonly pending: Pending[] = [];
  seq = 0;
  now = 0;

  add(delay: number, priority: number, body: number): Pending {
    const p = { time: this.now + delay, priority, seq: this.seq++, body, cancelled: false };
    this.pending.push(p);
    return p;
  }

  least(): Pending | undefined {
    let best: Pending | undefined;
    for (const p of this.pending)
      if (!p.cancelled && (best === undefined || before(p, best))) best = p;
    return best;
  }

  take(p: Pending): void {
    this.pending.splice(this.pending.indexOf(p), 1);
    this.now = p.time;
  }

  get live(): number {
    return this.pending.filter((p) => !p.cancelled).length;
  }
}

type Op =
  | { kind: "schedule"; delay: number; priority: number; body: number }
  | { kind: "interrupt"; body: number }
  | { kind: "succeed"; body: number }
  | { kind: "cancel"; pick: number }
  | { kind: "reuse"; delay: number; body: number };

type Top =
  | { kind: "until"; ahead: number }
  | { kind: "maxEvents"; n: number }
  | { kind: "step" }
  | { kind: "burst" }
  | { kind: "schedule"; delay: number; priority: number; body: number };

const delayArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant(0) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 50, noNaN: true }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 10_000 }) },
);
const priorityArb = fc.oneof({ weight: 4, arbitrary: fc.constant(0) }, fc.constantFrom(-1, 1));
const BODIES = 8;
const bodyArb = fc.integer({ min: 0, max: BODIES - 1 });

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("schedule" as const),
      delay: delayArb,
      priority: priorityArb,
      body: bodyArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("interrupt" as const), body: bodyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("succeed" as const), body: bodyArb }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("reuse" as const), delay: delayArb, body: bodyArb }),
  },
);

const topArb: fc.Arbitrary<Top> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("until" as const),
      ahead: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 20 }), fc.constant(5000)),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("maxEvents" as const), n: fc.nat({ max: 12 }) }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("step" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("burst" as const) }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("schedule" as const),
      delay: delayArb,
      priority: priorityArb,
      body: bodyArb,
    }),
  },
);

/** Bodies of a few ops each; a body runs every time an event with it is processed. */
const bodiesArb = fc.array(fc.array(opArb, { maxLength: 3 }), {
  minLength: BODIES,
  maxLength: BODIES,
});

/** Bounds the runs: each processed event spends one, and none schedules once it is gone. */
const BUDGET = 150;

function runProgram(bodies: readonly (readonly Op[])[], tops: readonly Top[]): void {
  const ref = new Reference();
  const traced: string[] = [];
  const expected: string[] = [];
  const sim = new Simulation({ trace: (t, p, s) => traced.push(`${t}/${p}/${s}`) });
  /** Handles the program may cancel, beside their reference records. */
  const cancellable: [EventHandle, Pending][] = [];
  let budget = BUDGET;

  /** Runs when the simulation processes `mine`; checks it is the reference's least. */
  const processed = (mine: Pending, handle: EventHandle | null): void => {
    const least = ref.least();
    expect(least).toBe(mine);
    ref.take(mine);
    expected.push(`${mine.time}/${mine.priority}/${mine.seq}`);
    expect(sim.now).toBe(ref.now);
    if (--budget <= 0) return;
    let own = handle;
    for (const op of bodies[mine.body] as readonly Op[]) own = apply(op, own);
  };

  const schedule = (delay: number, priority: number, body: number): void => {
    const p = ref.add(delay, priority, body);
    const h = sim.schedule(delay, () => processed(p, h), priority);
    cancellable.push([h, p]);
  };

  /** One op inside a callback; `own` is the running callback's handle while it may be reused. */
  const apply = (op: Op, own: EventHandle | null): EventHandle | null => {
    switch (op.kind) {
      case "schedule":
        schedule(op.delay, op.priority, op.body);
        return own;
      case "interrupt": {
        // The priority `Process.interrupt` queues its signal with.
        const p = ref.add(0, Number.NEGATIVE_INFINITY, op.body);
        sim._enqueueEvent({ _process: () => processed(p, null) }, 0, Number.NEGATIVE_INFINITY);
        return own;
      }
      case "succeed": {
        const p = ref.add(0, 0, op.body);
        sim
          .event()
          .on(() => processed(p, null))
          .succeed();
        return own;
      }
      case "cancel": {
        const live = cancellable.filter(([, p]) => !p.cancelled && ref.pending.includes(p));
        const pick = live[op.pick % Math.max(1, live.length)];
        if (pick !== undefined) {
          expect(sim.cancel(pick[0])).toBe(true);
          pick[1].cancelled = true;
        }
        return own;
      }
      case "reuse": {
        if (own === null) return null;
        // The spent handle is forgotten: it now names the new entry.
        const i = cancellable.findIndex(([h]) => h === own);
        if (i >= 0) cancellable.splice(i, 1);
        const p = ref.add(op.delay, 0, op.body);
        const h = sim._scheduleOwned(op.delay, () => processed(p, h), own);
        cancellable.push([h, p]);
        return null;
      }
    }
  };

  for (const top of tops) {
    if (top.kind === "schedule") schedule(top.delay, top.priority, top.body);
    else if (top.kind === "burst") {
      // More pending than the queue's spill threshold (16): the far future goes to buckets.
      for (let i = 0; i < 20; i++)
        schedule(100 + ((i * 37) % 200), i % 3 === 0 ? 1 : 0, i % BODIES);
    } else if (top.kind === "step") {
      const any = ref.live > 0;
      expect(sim.step()).toBe(any);
    } else {
      const until = top.kind === "until" ? ref.now + top.ahead : Number.POSITIVE_INFINITY;
      const maxEvents = top.kind === "maxEvents" ? top.n : undefined;
      const result = sim.run(maxEvents === undefined ? { until } : { until, maxEvents });
      if (top.kind === "until") {
        expect(result.reason).toBe("until");
        const least = ref.least();
        expect(least === undefined || least.time >= until).toBe(true);
        ref.now = until;
      } else if (result.reason === "maxEvents") expect(result.events).toBe(top.n);
      else expect(ref.live).toBe(0);
    }
    expect(traced).toEqual(expected);
    expect(sim.now).toBe(ref.now);
    expect(sim.pending).toBe(ref.live);
    expect(sim.peek()).toBe(ref.least()?.time ?? Number.POSITIVE_INFINITY);
  }
  sim.run();
  expect(traced).toEqual(expected);
  expect(ref.live).toBe(0);
}

describe("the now lane", () => {
  test.prop([bodiesArb, fc.array(topArb, { minLength: 1, maxLength: 30 })], { numRuns: 150 })(
    "keeps the (time, priority, sequence) order of a sorted array, run for run",
    (bodies, tops) => runProgram(bodies, tops),
  );

  type QueueOp =
    | { kind: "push"; delay: number; priority: number }
    | { kind: "pop" }
    | { kind: "cancel"; pick: number }
    | { kind: "reuse"; delay: number }
    | { kind: "until"; ahead: number };

  const queueOpArb: fc.Arbitrary<QueueOp> = fc.oneof(
    {
      weight: 5,
      arbitrary: fc.record({
        kind: fc.constant("push" as const),
        delay: delayArb,
        priority: priorityArb,
      }),
    },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant("pop" as const) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant("reuse" as const), delay: delayArb }) },
    {
      weight: 1,
      arbitrary: fc.record({
        kind: fc.constant("until" as const),
        ahead: fc.integer({ min: 0, max: 5 }),
      }),
    },
  );

  test.prop(
    [
      fc.array(queueOpArb, { maxLength: 400 }),
      fc.constantFrom({ spillAt: 4, perBucket: 1 }, { spillAt: 4, perBucket: 0.25 }, {}),
    ],
    { numRuns: 200 },
  )("in the queue's buckets too, and the lane is empty whenever time moves on", (ops, tuning) => {
    // Pushes as the simulation makes them: the clock plus a delay, a growing sequence,
    // the lane for delay 0 with priority 0; the clock moves to what is taken, or to an
    // `until` that nothing pending precedes.
    const queue = new EventQueue(tuning);
    const model: Entry[] = [];
    let now = 0;
    let seq = 0;
    let spent: Entry | null = null;
    const least = (): Entry | undefined =>
      model.reduce<Entry | undefined>(
        (m, e) => (m === undefined || keyBefore(e, m) ? e : m),
        undefined,
      );
    const add = (e: Entry, delay: number): void => {
      if (delay === 0 && e.priority === 0) queue.pushNow(e);
      else queue.push(e);
      model.push(e);
    };
    for (const op of ops) {
      if (op.kind === "push")
        add(new Entry(now + op.delay, op.priority, seq++, () => {}), op.delay);
      else if (op.kind === "reuse") {
        if (spent !== null)
          add(
            queue.reuse(spent, now + op.delay, 0, seq++, () => {}),
            op.delay,
          );
        spent = null;
      } else if (op.kind === "cancel") {
        if (model.length === 0) continue;
        const [e] = model.splice(op.pick % model.length, 1);
        queue.cancel(e as Entry);
        if (e === spent) spent = null;
      } else if (op.kind === "until") {
        queue.peek();
        const next = least();
        const until = now + op.ahead;
        if (next === undefined || next.time >= until) {
          if (until > now) expect(queue.laneLength).toBe(0);
          now = until;
        }
      } else {
        const e = queue.pop();
        const m = least();
        expect(e).toBe(m);
        if (e === undefined) continue;
        model.splice(model.indexOf(e), 1);
        if (e.time > now) expect(queue.laneLength).toBe(0);
        now = e.time;
        e.action = null;
        spent = e;
      }
      expect(queue.length).toBe(model.length);
      expect(queue.peek()).toBe(least());
    }
  });
});

function keyBefore(a: Entry, b: Entry): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}
