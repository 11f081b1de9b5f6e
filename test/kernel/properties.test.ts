// Universal statements about the kernel, checked with fast-check. Expected
// values come from small independent models written here (a stable sort, a
// linear-scan event list, a FIFO multi-server queue), never from the kernel.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  type EventHandle,
  PriorityResource,
  type Request,
  Resource,
  Simulation,
  Store,
} from "../../src/kernel/index.js";

/** An event to schedule, and the events its callback schedules when it runs. */
interface Plan {
  readonly delay: number;
  readonly priority: number;
  readonly children: readonly Plan[];
}

const smallDelay = fc.oneof(
  fc.integer({ min: 0, max: 5 }),
  fc.double({ min: 0, max: 100, noNaN: true, noDefaultInfinity: true }),
);
const smallPriority = fc.integer({ min: -2, max: 2 });

/** Plans whose callbacks schedule more, nested `depth` levels deep. */
function plansUpTo(depth: number): fc.Arbitrary<Plan[]> {
  const children = depth === 0 ? fc.constant([]) : plansUpTo(depth - 1);
  return fc.array(fc.record({ delay: smallDelay, priority: smallPriority, children }), {
    maxLength: depth === 0 ? 4 : 3,
  });
}

const plansArb = fc.array(
  fc.record({ delay: smallDelay, priority: smallPriority, children: plansUpTo(2) }),
  {
    maxLength: 8,
  },
);

describe("the clock", () => {
  test.prop([plansArb])("never goes back, and each callback runs at its due time", (plans) => {
    const sim = new Simulation();
    const observed: number[] = [];
    const traced: number[] = [];
    const traceSim = new Simulation({ trace: (time) => traced.push(time) });
    const scheduleAll = (target: Simulation, list: readonly Plan[], log: number[]): void => {
      for (const plan of list) {
        const due = target.now + plan.delay;
        target.schedule(
          plan.delay,
          () => {
            expect(target.now).toBe(due);
            log.push(target.now);
            scheduleAll(target, plan.children, log);
          },
          plan.priority,
        );
      }
    };

    scheduleAll(sim, plans, observed);
    scheduleAll(traceSim, plans, []);
    sim.run();
    traceSim.run();

    for (let i = 1; i < observed.length; i++) {
      expect(observed[i]!).toBeGreaterThanOrEqual(observed[i - 1]!);
    }
    expect(traced).toEqual(observed);
  });
});

describe("the order of events", () => {
  test.prop([
    fc.array(
      fc.record({
        time: fc.integer({ min: 0, max: 4 }),
        priority: smallPriority,
        viaAt: fc.boolean(),
      }),
      { maxLength: 40 },
    ),
  ])("at equal times is by priority, then scheduling order (a stable sort)", (schedules) => {
    const sim = new Simulation();
    const ran: number[] = [];
    schedules.forEach(({ time, priority, viaAt }, i) => {
      if (viaAt) sim.at(time, () => ran.push(i), priority);
      else sim.schedule(time, () => ran.push(i), priority);
    });

    sim.run();

    // Array.prototype.sort is stable (ES2019), so ties keep scheduling order.
    const expected = schedules
      .map((s, i) => ({ ...s, i }))
      .sort((a, b) => a.time - b.time || a.priority - b.priority)
      .map((s) => s.i);
    expect(ran).toEqual(expected);
  });

  test.prop([plansArb])(
    "matches a linear-scan reference model when callbacks schedule more events",
    (plans) => {
      // Reference: an unsorted list scanned for the least (time, priority, seq).
      interface RefEvent {
        time: number;
        priority: number;
        seq: number;
        plan: Plan;
        id: string;
      }
      const reference: string[] = [];
      const pendingRef: RefEvent[] = [];
      let refNow = 0;
      let refSeq = 0;
      const refSchedule = (list: readonly Plan[], parent: string): void => {
        list.forEach((plan, k) => {
          const event = {
            time: refNow + plan.delay,
            priority: plan.priority,
            seq: refSeq++,
            plan,
            id: `${parent}.${k}`,
          };
          pendingRef.push(event);
        });
      };
      refSchedule(plans, "");
      while (pendingRef.length > 0) {
        let best = 0;
        for (let j = 1; j < pendingRef.length; j++) {
          const a = pendingRef[j]!;
          const b = pendingRef[best]!;
          if (
            a.time < b.time ||
            (a.time === b.time &&
              (a.priority < b.priority || (a.priority === b.priority && a.seq < b.seq)))
          ) {
            best = j;
          }
        }
        const [next] = pendingRef.splice(best, 1);
        refNow = next!.time;
        reference.push(next!.id);
        refSchedule(next!.plan.children, next!.id);
      }

      const sim = new Simulation();
      const actual: string[] = [];
      const simSchedule = (list: readonly Plan[], parent: string): void => {
        list.forEach((plan, k) => {
          const id = `${parent}.${k}`;
          sim.schedule(
            plan.delay,
            () => {
              actual.push(id);
              simSchedule(plan.children, id);
            },
            plan.priority,
          );
        });
      };
      simSchedule(plans, "");
      sim.run();

      expect(actual).toEqual(reference);
    },
  );
});

describe("cancel", () => {
  test.prop([
    fc.array(fc.record({ delay: smallDelay, priority: smallPriority, cancel: fc.boolean() }), {
      maxLength: 40,
    }),
  ])("before the run removes exactly the cancelled events; true once per handle", (entries) => {
    const sim = new Simulation();
    const ran = new Set<number>();
    const handles = entries.map((e, i) => sim.schedule(e.delay, () => ran.add(i), e.priority));
    const cancelled = new Set<number>();

    entries.forEach((e, i) => {
      if (!e.cancel) return;
      expect(sim.cancel(handles[i]!)).toBe(true);
      expect(sim.cancel(handles[i]!)).toBe(false);
      cancelled.add(i);
    });
    expect(sim.pending).toBe(entries.length - cancelled.size);
    sim.run();

    const expected = new Set(entries.map((_, i) => i).filter((i) => !cancelled.has(i)));
    expect(ran).toEqual(expected);
    for (const h of handles) expect(sim.cancel(h)).toBe(false);
  });

  test.prop([
    fc.integer({ min: 1, max: 30 }).chain((n) =>
      fc.array(
        fc.record({
          delay: fc.integer({ min: 0, max: 10 }),
          priority: smallPriority,
          target: fc.option(fc.integer({ min: 0, max: n - 1 }), { nil: undefined }),
        }),
        { minLength: n, maxLength: n },
      ),
    ),
  ])("during the run: true exactly when the target is still pending", (entries) => {
    const sim = new Simulation();
    const ran = new Set<number>();
    const cancelled = new Set<number>();
    const handles: EventHandle[] = [];
    entries.forEach((e, i) => {
      handles.push(
        sim.schedule(
          e.delay,
          () => {
            ran.add(i);
            if (e.target === undefined) return;
            const stillPending = !ran.has(e.target) && !cancelled.has(e.target);
            const result = sim.cancel(handles[e.target]!);
            expect(result).toBe(stillPending);
            if (result) cancelled.add(e.target);
          },
          e.priority,
        ),
      );
    });

    sim.run();

    for (let i = 0; i < entries.length; i++) {
      // Each event either ran or was cancelled before it could: never both, never neither.
      expect(ran.has(i) !== cancelled.has(i)).toBe(true);
    }
  });
});

/** A customer of a resource: arrives, waits, holds for a while, releases. */
interface Visit {
  readonly arrival: number;
  readonly hold: number;
}

const visitsArb: fc.Arbitrary<Visit[]> = fc.array(
  fc.record({ arrival: fc.integer({ min: 0, max: 40 }), hold: fc.integer({ min: 0, max: 15 }) }),
  { maxLength: 30 },
);

describe("Resource", () => {
  test.prop([fc.integer({ min: 1, max: 4 }), visitsArb])(
    "never exceeds capacity, grants in request order, and starts each visit when a FIFO c-server queue would",
    (capacity, visits) => {
      let resource: Resource | undefined;
      let maxCount = 0;
      const sim = new Simulation({
        trace: () => {
          maxCount = Math.max(maxCount, resource?.count ?? 0);
        },
      });
      resource = new Resource(sim, { capacity });
      const server = resource;
      const requestOrder: number[] = [];
      const grantOrder: number[] = [];
      const grantTime = new Map<number, number>();
      visits.forEach((v, i) => {
        sim.at(v.arrival, () => {
          requestOrder.push(i);
          server.request().on((e) => {
            expect(server.count).toBeLessThanOrEqual(capacity);
            grantOrder.push(i);
            grantTime.set(i, sim.now);
            const req = e.value;
            sim.schedule(v.hold, () => server.release(req));
          });
        });
      });

      sim.run();
      maxCount = Math.max(maxCount, server.count);

      expect(maxCount).toBeLessThanOrEqual(capacity);
      expect(grantOrder).toEqual(requestOrder);
      // Independent model: FIFO c-server queue. Customers start in arrival order
      // (ties in scheduling order); each takes the server that frees up first.
      const order = visits.map((v, i) => ({ ...v, i })).sort((a, b) => a.arrival - b.arrival);
      expect(requestOrder).toEqual(order.map((v) => v.i));
      const freeAt = Array.from({ length: capacity }, () => 0);
      for (const v of order) {
        let k = 0;
        for (let j = 1; j < capacity; j++) if (freeAt[j]! < freeAt[k]!) k = j;
        const start = Math.max(v.arrival, freeAt[k]!);
        freeAt[k] = start + v.hold;
        expect(grantTime.get(v.i)).toBe(start);
      }
      expect(server.count).toBe(0);
    },
  );
});

describe("PriorityResource", () => {
  test.prop(
    [fc.array(fc.record({ priority: smallPriority, withdraw: fc.boolean() }), { maxLength: 30 })],
    { numRuns: 1000 },
  )("grants waiters by (priority, request order), also after withdrawals", (requests) => {
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const blocker = server.request();
    const grantOrder: number[] = [];
    const reqs: Request[] = requests.map((r, i) => {
      const req = server.request(r.priority);
      req.on(() => {
        grantOrder.push(i);
        sim.schedule(1, () => server.release(req));
      });
      return req;
    });
    requests.forEach((r, i) => {
      if (r.withdraw) server.release(reqs[i]!);
    });

    sim.schedule(1, () => server.release(blocker));
    sim.run();

    const expected = requests
      .map((r, i) => ({ ...r, i }))
      .filter((r) => !r.withdraw)
      .sort((a, b) => a.priority - b.priority)
      .map((r) => r.i);
    expect(grantOrder).toEqual(expected);
  });

  test.prop([
    fc.array(
      fc.record({
        arrival: fc.integer({ min: 0, max: 20 }),
        hold: fc.integer({ min: 1, max: 5 }),
        priority: smallPriority,
      }),
      { maxLength: 25 },
    ),
  ])("with arrivals over time, grants the best waiter whenever the slot frees", (visits) => {
    // Reference: a single server. Idle when a customer arrives: that customer takes it
    // at once (there is no line to choose from). Freed at time t: it admits the waiter
    // with the least (priority, request order) among those arrived by t (arrivals at t
    // come first, since they were scheduled before any release).
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const grants: Array<{ i: number; at: number }> = [];
    visits.forEach((v, i) => {
      sim.at(v.arrival, () => {
        server.request(v.priority).on((e) => {
          grants.push({ i, at: sim.now });
          sim.schedule(v.hold, () => server.release(e.value));
        });
      });
    });

    sim.run();

    const arrivalOrder = visits.map((v, i) => ({ ...v, i })).sort((a, b) => a.arrival - b.arrival);
    const rank = new Map(arrivalOrder.map((v, k) => [v.i, k]));
    const waiting = [...arrivalOrder];
    const expected: Array<{ i: number; at: number }> = [];
    let free = Number.NEGATIVE_INFINITY;
    while (waiting.length > 0) {
      const next = waiting[0]!;
      let chosen = next;
      let start = next.arrival;
      if (free >= next.arrival) {
        start = free;
        const ready = waiting.filter((v) => v.arrival <= free);
        ready.sort((a, b) => a.priority - b.priority || rank.get(a.i)! - rank.get(b.i)!);
        chosen = ready[0]!;
      }
      expected.push({ i: chosen.i, at: start });
      waiting.splice(waiting.indexOf(chosen), 1);
      free = start + chosen.hold;
    }
    expect(grants).toEqual(expected);
  });
});

describe("Store", () => {
  test.prop([
    fc.oneof(fc.integer({ min: 1, max: 4 }), fc.constant(Number.POSITIVE_INFINITY)),
    fc.array(
      fc.record({ at: fc.integer({ min: 0, max: 20 }), kind: fc.constantFrom("put", "get") }),
      { maxLength: 40 },
    ),
  ])(
    "the n-th get receives the n-th item put, and size never exceeds capacity",
    (capacity, ops) => {
      const sim = new Simulation();
      const store = new Store<number>(sim, { capacity });
      const received = new Map<number, number>();
      let getCalls = 0;
      let putCalls = 0;
      let maxSize = 0;
      ops.forEach((op) => {
        sim.at(op.at, () => {
          if (op.kind === "put") {
            store.put(putCalls++);
          } else {
            const n = getCalls++;
            store.get().on((e) => received.set(n, e.value));
          }
          maxSize = Math.max(maxSize, store.size);
        });
      });

      sim.run();

      expect(maxSize).toBeLessThanOrEqual(capacity);
      const served = Math.min(putCalls, getCalls);
      expect(received.size).toBe(served);
      for (let n = 0; n < served; n++) expect(received.get(n)).toBe(n);
      expect(store.size).toBe(Math.min(capacity, putCalls - served));
    },
  );
});
