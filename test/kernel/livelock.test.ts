// The kernel stops a run whose clock stands still: more than
// maxEventsPerInstant events at one instant throw a LivelockError (issue 8,
// item 7: a retry loop at no time cost used to spin until the event bound).
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_EVENTS_PER_INSTANT,
  LivelockError,
  Simulation,
  SimulationError,
} from "../../src/kernel/index.js";

/** Schedules a callback that reschedules itself at the same instant, forever. */
function spinAt(sim: Simulation, atMs: number): void {
  const retry = (): void => {
    sim.schedule(0, retry);
  };
  sim.at(atMs, retry);
}

describe("livelock detection", () => {
  it("a zero-delay retry loop throws a LivelockError naming the instant, the count and the callback", () => {
    const sim = new Simulation({ maxEventsPerInstant: 1000 });
    spinAt(sim, 7);
    let caught: unknown;
    try {
      sim.run({ until: 100 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LivelockError);
    expect(caught).toBeInstanceOf(SimulationError);
    const e = caught as LivelockError;
    expect(e.code).toBe("LIVELOCK");
    expect(e.timeMs).toBe(7);
    expect(e.events).toBe(1000);
    expect(e.handler).toBe("retry");
    expect(e.message).toContain("1000 events ran at 7 ms");
    expect(e.message).toContain("retry");
    // Exactly the limit ran; the next event is still pending, the clock did not move.
    expect(sim.eventsProcessed).toBe(1000);
    expect(sim.pending).toBe(1);
    expect(sim.now).toBe(7);
  });

  it("with the default bound, an endless loop stops after 10^6 events rather than the 10^9 event bound", () => {
    const sim = new Simulation();
    spinAt(sim, 0);
    expect(() => sim.run()).toThrow(LivelockError);
    expect(sim.eventsProcessed).toBe(DEFAULT_MAX_EVENTS_PER_INSTANT);
    expect(DEFAULT_MAX_EVENTS_PER_INSTANT).toBe(1_000_000);
  });

  it("exactly the bound at one instant is allowed; one more is not", () => {
    const run = (n: number): void => {
      const sim = new Simulation({ maxEventsPerInstant: 100 });
      for (let i = 0; i < n; i++) sim.at(3, () => {});
      sim.schedule(10, () => {});
      sim.run();
    };
    expect(() => run(100)).not.toThrow();
    expect(() => run(101)).toThrow(LivelockError);
  });

  it("the count restarts whenever the clock moves, however many events run in all", () => {
    const sim = new Simulation({ maxEventsPerInstant: 10 });
    // 10 events at each of 1000 instants: 10,000 events, never more than 10 at one instant.
    for (let t = 0; t < 1000; t++) for (let k = 0; k < 10; k++) sim.at(t + 0.5, () => {});
    const result = sim.run();
    expect(result.events).toBe(10_000);
  });

  it("the count carries over between run calls at the same instant (runScenario runs in slices)", () => {
    const sim = new Simulation({ maxEventsPerInstant: 100 });
    spinAt(sim, 1);
    expect(sim.run({ maxEvents: 60 }).reason).toBe("maxEvents");
    expect(() => sim.run({ maxEvents: 60 })).toThrow(LivelockError);
    expect(sim.eventsProcessed).toBe(100);
  });

  it("the count is per instant: events just before until and at until are two instants", () => {
    const sim = new Simulation({ maxEventsPerInstant: 100 });
    for (let i = 0; i < 100; i++) sim.at(5, () => {});
    for (let i = 0; i < 100; i++) sim.at(10, () => {});
    sim.run({ until: 10 }); // 100 events at 5, then the clock is set to 10
    expect(() => sim.run()).not.toThrow();
    expect(sim.eventsProcessed).toBe(200);
  });

  it("step() counts too: a run after steps at the same instant goes on from their count", () => {
    const sim = new Simulation({ maxEventsPerInstant: 100 });
    spinAt(sim, 2);
    for (let i = 0; i < 100; i++) sim.step();
    expect(() => sim.run({ maxEvents: 10 })).toThrow(LivelockError);
    expect(sim.eventsProcessed).toBe(100);
  });

  it("Infinity turns the check off; a bound below 1 or NaN is refused", () => {
    const sim = new Simulation({ maxEventsPerInstant: Number.POSITIVE_INFINITY });
    spinAt(sim, 0);
    expect(sim.run({ maxEvents: 2_000_000 }).reason).toBe("maxEvents");
    for (const bad of [0, -1, Number.NaN]) {
      expect(() => new Simulation({ maxEventsPerInstant: bad })).toThrow(/maxEventsPerInstant/);
    }
  });

  it("a process event loop is named by its event type", () => {
    const sim = new Simulation({ maxEventsPerInstant: 50 });
    sim.process(
      (function* () {
        for (;;) yield sim.timeout(0);
      })(),
    );
    try {
      sim.run();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(LivelockError);
      expect((error as LivelockError).handler).toMatch(/^[A-Z]\w+$/);
    }
  });
});
