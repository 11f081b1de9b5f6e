// The now lane (src/kernel/queue.ts) must not move any event: the kernel's own events
// for the current instant with priority 0 (a triggered event, a granted request, a
// process's start) wait in a FIFO ring beside the heap, and the next event is still
// the pending one with the least (time, priority, sequence), the order SimPy's
// core.py keeps (its heap key is (time, priority, event id)). Random programs run on
// `Simulation` against a reference written here, a plain array searched for its
// minimum: callbacks that schedule (delay 0 most often, priorities 0 and ±1), trigger
// events (the lane), queue events with priority -∞ as `interrupt` does, cancel
// pending callbacks, reuse their own entry (`_scheduleOwned`); runs stopped by
// `until` (also at the current instant, with events left in the lane), `maxEvents`
// and `step()`; `peek()` and `pending` checked after each. Far delays keep more than
// 16 events pending, so the queue's far-future buckets take part. A second property
// drives the `EventQueue` itself with a small spill threshold and checks that the
// lane is empty whenever time moves on.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { LivelockError } from "../../src/kernel/errors.js";
import { Entry, EventQueue, type LaneEvent } from "../../src/kernel/queue.js";
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
  // The trace hook's (time, priority, sequence) and the reference's, as numbers side by side.
  const traced: number[] = [];
  const expected: number[] = [];
  const sim = new Simulation({ trace: (t, p, s) => traced.push(t, p, s) });
  /** Handles the program may cancel, beside their reference records. */
  const cancellable: [EventHandle, Pending][] = [];
  let budget = BUDGET;
  const taken = new Set<Pending>();
  /** The current run's `until`: events at or after it stay pending. */
  let limit = Number.POSITIVE_INFINITY;

  /** Runs when the simulation processes `mine`; checks it is the reference's least. */
  const processed = (mine: Pending, handle: EventHandle | null): void => {
    const least = ref.least();
    // Plain compares first: an expect per event made the property slow.
    if (least !== mine || !(mine.time < limit)) {
      expect(least).toBe(mine);
      expect(mine.time).toBeLessThan(limit);
    }
    ref.take(mine);
    taken.add(mine);
    expected.push(mine.time, mine.priority, mine.seq);
    if (sim.now !== ref.now) expect(sim.now).toBe(ref.now);
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
        const live = cancellable.filter(([, p]) => !p.cancelled && !taken.has(p));
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
      limit = until;
      const result = sim.run(maxEvents === undefined ? { until } : { until, maxEvents });
      limit = Number.POSITIVE_INFINITY;
      if (top.kind === "until") {
        expect(result.reason).toBe("until");
        const least = ref.least();
        expect(least === undefined || least.time >= until).toBe(true);
        ref.now = until;
      } else if (result.reason === "maxEvents") expect(result.events).toBe(top.n);
      else expect(ref.live).toBe(0);
    }
    // A loop first: toEqual on every check made the property slow.
    if (!sameNumbers(traced, expected)) expect(traced).toEqual(expected);
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
    | { kind: "push"; delay: number; priority: number; event: boolean }
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
        event: fc.boolean(),
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

  /** A record of the reference: the key, and the lane's event or the heap's entry. */
  interface Queued {
    readonly time: number;
    readonly priority: number;
    readonly seq: number;
    readonly item: LaneEvent | Entry;
  }

  test.prop(
    [
      fc.array(queueOpArb, { maxLength: 400 }),
      fc.constantFrom({ spillAt: 4, perBucket: 1 }, { spillAt: 4, perBucket: 0.25 }, {}),
    ],
    { numRuns: 200 },
  )("in the queue's buckets too, and the lane is empty whenever time moves on", (ops, tuning) => {
    // The queue driven as the simulation drives it: events at the current instant with
    // priority 0 into the lane (as `_enqueueEvent` does), everything else as entries
    // keyed by the clock plus a delay and a growing sequence; the next is the lane's
    // head when `laneFirst` says so, else the heap's; the clock moves to what is taken,
    // or to an `until` that nothing pending precedes.
    const queue = new EventQueue(tuning);
    const model: Queued[] = [];
    let now = 0;
    let seq = 0;
    let spent: Entry | null = null;
    const least = (): Queued | undefined =>
      model.reduce<Queued | undefined>(
        (m, e) => (m === undefined || keyBefore(e, m) ? e : m),
        undefined,
      );
    const addEntry = (e: Entry): void => {
      queue.push(e);
      model.push({ time: e.time, priority: e.priority, seq: e.seq, item: e });
    };
    const take = (): Queued | undefined => {
      const next = queue.peek();
      if (queue.laneFirst(next, now)) {
        const s = queue.laneHeadSeq();
        const item = queue.takeLane();
        return model.find((q) => q.item === item && q.seq === s);
      }
      if (next === undefined) return undefined;
      queue.popPeeked();
      spent = next;
      next.action = null;
      return model.find((q) => q.item === next);
    };
    for (const op of ops) {
      if (op.kind === "push") {
        if (op.event && op.delay === 0 && op.priority === 0) {
          const item: LaneEvent = { _process: () => {} };
          queue.pushNow(item, seq);
          model.push({ time: now, priority: 0, seq: seq++, item });
        } else addEntry(new Entry(now + op.delay, op.priority, seq++, () => {}));
      } else if (op.kind === "reuse") {
        if (spent !== null) addEntry(queue.reuse(spent, now + op.delay, 0, seq++, () => {}));
        spent = null;
      } else if (op.kind === "cancel") {
        const entries = model.filter((q) => q.item instanceof Entry);
        const pick = entries[op.pick % Math.max(1, entries.length)];
        if (pick === undefined) continue;
        model.splice(model.indexOf(pick), 1);
        queue.cancel(pick.item as Entry);
        if (pick.item === spent) spent = null;
      } else if (op.kind === "until") {
        const next = least();
        const until = now + op.ahead;
        if (next === undefined || next.time >= until) {
          if (until > now) expect(queue.laneLength).toBe(0);
          now = until;
        }
      } else {
        const expected = least();
        const got = take();
        expect(got).toBe(expected);
        if (got === undefined) continue;
        model.splice(model.indexOf(got), 1);
        if (got.time > now) expect(queue.laneLength).toBe(0);
        now = got.time;
      }
      expect(queue.length).toBe(model.length);
    }
  });

  it("counts the lane's events toward the instant's bound, across step() and run calls", () => {
    // A process that waits on timeout(0) forever: every event (its start, each timeout)
    // goes through the lane at time 0. The 101st event at one instant is refused.
    const sim = new Simulation({ maxEventsPerInstant: 100 });
    sim.process(
      (function* () {
        for (;;) yield sim.timeout(0);
      })(),
    );
    for (let i = 0; i < 60; i++) expect(sim.step()).toBe(true);
    expect(sim.run({ maxEvents: 30 }).reason).toBe("maxEvents");
    expect(() => sim.run()).toThrow(LivelockError);
    expect(sim.eventsProcessed).toBe(100);
    expect(sim.now).toBe(0);
  });

  it("keeps its order while the ring grows (200 events at one instant)", () => {
    const queue = new EventQueue();
    const events = Array.from({ length: 200 }, () => ({ _process: () => {} }));
    // Taken a few at a time, so the ring wraps around before it grows.
    let taken = 0;
    events.forEach((e, i) => {
      queue.pushNow(e, i);
      if (i % 3 === 0) expect(queue.takeLane()).toBe(events[taken++]);
    });
    while (queue.laneLength > 0) {
      expect(queue.laneHeadSeq()).toBe(taken);
      expect(queue.takeLane()).toBe(events[taken++]);
    }
    expect(taken).toBe(200);
  });
});

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

function keyBefore(
  a: { time: number; priority: number; seq: number },
  b: { time: number; priority: number; seq: number },
): boolean {
  if (a.time !== b.time) return a.time < b.time;
  if (a.priority !== b.priority) return a.priority < b.priority;
  return a.seq < b.seq;
}
