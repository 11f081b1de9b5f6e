// Owned entries (`Simulation._scheduleOwned`, and the entries of events the kernel
// queues for itself) are reused once they have run. Reuse must not move
// anything: a program of moves, cancellations, runs and timeouts gives the same
// (time, priority, sequence) trace on the public `schedule`/`cancel` as on owned
// entries, run for run. The reference is the public API, which reuses nothing.
// Owners follow the rule the database server follows (src/models/server/server.ts,
// `changed`): a handle is forgotten once its callback has run or it was cancelled,
// and the entry of a callback that has just run may be handed back at once.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { type EventHandle, Simulation } from "../../src/kernel/index.js";

interface Step {
  /** When the step runs (integer ms: ties are common). */
  readonly at: number;
  readonly kind: "move" | "timeout";
  readonly owner: number;
  readonly delay: number;
}

const OWNERS = 3;

/** Runs the steps; owners reschedule themselves `again` times from their own callback. */
function runProgram(steps: readonly Step[], again: number, owned: boolean) {
  const trace: string[] = [];
  const sim = new Simulation({ trace: (t, p, s) => trace.push(`${t}/${p}/${s}`) });
  const pending: (EventHandle | null)[] = Array(OWNERS).fill(null);
  const spent: (EventHandle | null)[] = Array(OWNERS).fill(null);
  const left: number[] = Array(OWNERS).fill(again);
  const handles = new Set<EventHandle>();
  let schedules = 0;
  const move = (i: number, delay: number): void => {
    const old = pending[i] ?? null;
    if (old !== null) sim.cancel(old);
    const fire = (): void => {
      trace.push(`owner ${i} @${sim.now}`);
      spent[i] = pending[i] ?? null;
      pending[i] = null;
      if ((left[i] as number) > 0) {
        left[i] = (left[i] as number) - 1;
        move(i, (delay * 7 + 3) % 5);
      }
    };
    const reuse = spent[i] ?? null;
    spent[i] = null;
    const h = owned ? sim._scheduleOwned(delay, fire, reuse) : sim.schedule(delay, fire);
    pending[i] = h;
    handles.add(h);
    schedules++;
  };
  for (const s of steps) {
    sim.schedule(s.at, () => {
      if (s.kind === "move") move(s.owner, s.delay);
      else sim.timeout(s.delay).on(() => trace.push(`timeout @${sim.now}`));
    });
  }
  const run = sim.run();
  return { trace, events: run.events, distinct: handles.size, schedules };
}

const step = fc.record({
  at: fc.integer({ min: 0, max: 30 }),
  kind: fc.constantFrom("move" as const, "timeout" as const),
  owner: fc.integer({ min: 0, max: OWNERS - 1 }),
  delay: fc.integer({ min: 0, max: 6 }),
});

describe("owned entries", () => {
  test.prop([fc.array(step, { maxLength: 60 }), fc.integer({ min: 0, max: 4 })], {
    numRuns: 300,
  })("run in the order schedule and cancel give, event for event", (steps, again) => {
    const reference = runProgram(steps, again, false);
    const owned = runProgram(steps, again, true);
    expect(owned.trace).toEqual(reference.trace);
    expect(owned.events).toBe(reference.events);
  });

  it("are reused: an owner whose callback has run moves on the same entry", () => {
    // Each owner's move comes after its previous callback and reruns have run (a move
    // every 30 ms, reruns within 3 × 4 ms), so every schedule after its first reuses.
    const steps: Step[] = Array.from({ length: 30 }, (_, k) => ({
      at: 10 * k,
      kind: "move",
      owner: k % OWNERS,
      delay: 2 + (k % 3),
    }));
    const reference = runProgram(steps, 3, false);
    const owned = runProgram(steps, 3, true);
    expect(owned.trace).toEqual(reference.trace);
    expect(reference.distinct).toBe(reference.schedules);
    expect(owned.schedules).toBe(30 + 3 * OWNERS);
    expect(owned.distinct).toBe(OWNERS);
  });
});

describe("an owned entry still pending", () => {
  it("is refused, so an owner that hands back a pending entry fails where it does", () => {
    const sim = new Simulation();
    const pending = sim._scheduleOwned(5, () => {}, null);
    expect(() => sim._scheduleOwned(1, () => {}, pending)).toThrow(/reused while still pending/);
    expect(() => sim._atOwned(2, () => {}, 0, pending)).toThrow(/reused while still pending/);
    // The refused reuse left the queue as it was: the pending entry still runs once, at 5.
    const ran: number[] = [];
    sim.schedule(5, () => ran.push(sim.now));
    expect(sim.run().events).toBe(2);
    expect(ran).toEqual([5]);
  });
});
