// The simulation's contract (docs/kernel.md): time in ms, events in (time,
// priority, sequence) order, only stepping moves the clock, every run bounded,
// typed errors that name the bad value.
import { describe, expect, it } from "vitest";
import {
  DEFAULT_MAX_EVENTS,
  Simulation,
  SimulationError,
  type SimulationErrorCode,
} from "../../src/kernel/index.js";

/** Runs `fn`, expecting a SimulationError with `code`; returns it for further checks. */
function catchSimulationError(fn: () => unknown, code: SimulationErrorCode): SimulationError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(SimulationError);
    expect((error as SimulationError).code).toBe(code);
    return error as SimulationError;
  }
  throw new Error(`expected a SimulationError with code ${code}, but nothing was thrown`);
}

describe("a new simulation", () => {
  it("starts at time 0 with nothing pending", () => {
    const sim = new Simulation();

    expect(sim.now).toBe(0);
    expect(sim.pending).toBe(0);
    expect(sim.eventsProcessed).toBe(0);
    expect(sim.peek()).toBe(Number.POSITIVE_INFINITY);
  });

  it("uses seed 1 unless told otherwise", () => {
    expect(new Simulation().seed).toBe(1);
    expect(new Simulation({ seed: "run-7" }).seed).toBe("run-7");
  });
});

describe("schedule and at", () => {
  it("runs a callback after its delay, with the clock at that time", () => {
    const sim = new Simulation();
    const seen: number[] = [];

    sim.schedule(5, () => seen.push(sim.now));
    sim.schedule(2.5, () => seen.push(sim.now));
    sim.run();

    expect(seen).toEqual([2.5, 5]);
  });

  it("measures a delay from the time the callback was scheduled", () => {
    const sim = new Simulation();
    let innerRanAt = Number.NaN;

    sim.schedule(10, () => {
      sim.schedule(3, () => {
        innerRanAt = sim.now;
      });
    });
    sim.run();

    expect(innerRanAt).toBe(13);
  });

  it("runs a callback at an absolute time, including now", () => {
    const sim = new Simulation();
    const seen: string[] = [];

    sim.schedule(4, () => {
      sim.at(4, () => seen.push(`now@${sim.now}`));
      sim.at(9, () => seen.push(`later@${sim.now}`));
    });
    sim.run();

    expect(seen).toEqual(["now@4", "later@9"]);
  });

  it("runs equal times by priority (lower first), then in the order scheduled", () => {
    const sim = new Simulation();
    const order: string[] = [];

    sim.schedule(1, () => order.push("a p0"));
    sim.schedule(1, () => order.push("b p1"), 1);
    sim.at(1, () => order.push("c p-1"), -1);
    sim.schedule(1, () => order.push("d p0"));
    sim.at(1, () => order.push("e p1"), 1);
    sim.schedule(0.5, () => order.push("f early p9"), 9);
    sim.run();

    expect(order).toEqual(["f early p9", "c p-1", "a p0", "d p0", "b p1", "e p1"]);
  });

  it("counts pending events and reports the next event time with peek()", () => {
    const sim = new Simulation();

    sim.schedule(7, () => {});
    sim.schedule(3, () => {});

    expect(sim.pending).toBe(2);
    expect(sim.peek()).toBe(3);
    expect(sim.now).toBe(0);
  });
});

describe("cancel", () => {
  it("stops a pending callback from running and returns true", () => {
    const sim = new Simulation();
    const ran: string[] = [];
    sim.schedule(1, () => ran.push("keep"));
    const handle = sim.schedule(2, () => ran.push("cancelled"));

    const result = sim.cancel(handle);
    sim.run();

    expect(result).toBe(true);
    expect(ran).toEqual(["keep"]);
  });

  it("returns false for a handle already cancelled or already run", () => {
    const sim = new Simulation();
    const first = sim.schedule(1, () => {});
    const second = sim.schedule(2, () => {});

    sim.cancel(first);
    sim.run();

    expect(sim.cancel(first)).toBe(false);
    expect(sim.cancel(second)).toBe(false);
  });

  it("a handle of an event that has run cancels nothing, whatever is scheduled after it", () => {
    // cancel's promise (false for an event already run) holds however the kernel keeps
    // its entries: a storage reused for later events must not let an old handle cancel them.
    const sim = new Simulation();
    const ran: string[] = [];
    const handles = [1, 2, 3].map((t) => sim.schedule(t, () => ran.push(`first ${t}`)));
    sim.run();
    for (const t of [1, 2, 3]) sim.schedule(t, () => ran.push(`second ${t}`));
    sim.at(10, () => ran.push("third"));
    for (const h of handles) expect(sim.cancel(h)).toBe(false);
    sim.run();
    expect(ran).toEqual([
      "first 1",
      "first 2",
      "first 3",
      "second 1",
      "second 2",
      "second 3",
      "third",
    ]);
  });

  it("can cancel a later callback from inside an earlier one", () => {
    const sim = new Simulation();
    const ran: string[] = [];
    const later = sim.schedule(5, () => ran.push("later"));
    let cancelled = false;

    sim.schedule(1, () => {
      cancelled = sim.cancel(later);
    });
    sim.run();

    expect(cancelled).toBe(true);
    expect(ran).toEqual([]);
  });

  it("removes the cancelled event from pending, peek() and the run count", () => {
    const sim = new Simulation();
    const early = sim.schedule(1, () => {});
    sim.schedule(4, () => {});

    sim.cancel(early);

    expect(sim.pending).toBe(1);
    expect(sim.peek()).toBe(4);
    expect(sim.run().events).toBe(1);
  });

  it("keeps order and counts right when most of a large queue is cancelled", () => {
    // Enough cancellations to make the queue compact itself (more than 1024
    // cancelled entries and more than half of the heap).
    const sim = new Simulation();
    const total = 5000;
    const ran: number[] = [];
    const handles = Array.from({ length: total }, (_, i) =>
      // Times in a scrambled order so the heap is not trivially sorted.
      sim.at((i * 7919) % total, () => ran.push(i)),
    );
    const kept = new Set<number>();

    for (let i = 0; i < total; i++) {
      if (i % 5 === 0) kept.add(i);
      else expect(sim.cancel(handles[i]!)).toBe(true);
    }
    const pendingAfterCancel = sim.pending;
    sim.run();

    expect(pendingAfterCancel).toBe(kept.size);
    expect(new Set(ran)).toEqual(kept);
    const times = ran.map((i) => (i * 7919) % total);
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });
});

describe("step", () => {
  it("runs exactly one event, moves the clock to it and returns true", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    sim.schedule(3, () => ran.push(3));
    sim.schedule(8, () => ran.push(8));

    const stepped = sim.step();

    expect(stepped).toBe(true);
    expect(ran).toEqual([3]);
    expect(sim.now).toBe(3);
    expect(sim.pending).toBe(1);
  });

  it("skips cancelled events and keeps the pending count right", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    const first = sim.schedule(1, () => ran.push(1));
    sim.schedule(2, () => ran.push(2));
    sim.cancel(first);

    sim.step();

    expect(ran).toEqual([2]);
    expect(sim.now).toBe(2);
    expect(sim.pending).toBe(0);
    expect(sim.step()).toBe(false);
  });

  it("returns false and leaves the clock alone when nothing is pending", () => {
    const sim = new Simulation();
    const handle = sim.schedule(3, () => {});
    sim.cancel(handle);

    expect(sim.step()).toBe(false);
    expect(sim.now).toBe(0);
  });
});

describe("run", () => {
  it("runs every event and reports an empty queue", () => {
    const sim = new Simulation();
    sim.schedule(1, () => {});
    sim.schedule(6, () => sim.schedule(4, () => {}));

    const result = sim.run();

    expect(result).toEqual({ reason: "empty", events: 3, now: 10, limitReached: false });
    expect(sim.eventsProcessed).toBe(3);
  });

  it("with until, stops before events at exactly until and sets the clock to until", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    for (const t of [5, 9.999, 10, 10, 12]) sim.at(t, () => ran.push(t));

    const result = sim.run({ until: 10 });

    expect(result).toEqual({ reason: "until", events: 2, now: 10, limitReached: false });
    expect(ran).toEqual([5, 9.999]);
    expect(sim.now).toBe(10);
    expect(sim.pending).toBe(3);
  });

  it("with until, runs the events left at until on the next run", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    for (const t of [10, 12]) sim.at(t, () => ran.push(sim.now));

    sim.run({ until: 10 });
    const result = sim.run();

    expect(ran).toEqual([10, 12]);
    expect(result.reason).toBe("empty");
  });

  it("with until beyond the last event, still moves the clock to until", () => {
    const sim = new Simulation();
    sim.schedule(2, () => {});

    const result = sim.run({ until: 50 });

    expect(result).toEqual({ reason: "until", events: 1, now: 50, limitReached: false });
    expect(sim.now).toBe(50);
  });

  it("with until equal to now, runs nothing", () => {
    const sim = new Simulation();
    sim.schedule(0, () => {});

    const result = sim.run({ until: 0 });

    expect(result.events).toBe(0);
    expect(sim.pending).toBe(1);
  });

  it("with maxEvents, stops a run that would never end and says so", () => {
    const sim = new Simulation();
    const tick = (): void => {
      sim.schedule(1, tick);
    };
    sim.schedule(0, tick);

    const result = sim.run({ maxEvents: 1000 });

    // Ticks at 0, 1, ..., 999: the 1000th event runs at time 999.
    expect(result).toEqual({ reason: "maxEvents", events: 1000, now: 999, limitReached: true });
    expect(sim.pending).toBe(1);
  });

  it("counts maxEvents per call, so a second run continues where the first stopped", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    for (let i = 0; i < 5; i++) sim.schedule(i, () => ran.push(i));

    const first = sim.run({ maxEvents: 3 });
    const second = sim.run({ maxEvents: 3 });

    expect(first.events).toBe(3);
    expect(second).toEqual({ reason: "empty", events: 2, now: 4, limitReached: false });
    expect(ran).toEqual([0, 1, 2, 3, 4]);
    expect(sim.eventsProcessed).toBe(5);
  });

  it("with maxEvents 0, runs nothing", () => {
    const sim = new Simulation();
    sim.schedule(1, () => {});

    expect(sim.run({ maxEvents: 0 })).toEqual({
      reason: "maxEvents",
      events: 0,
      now: 0,
      limitReached: true,
    });
  });

  it("does not move the clock to until when the event limit stops it first", () => {
    const sim = new Simulation();
    for (let i = 1; i <= 5; i++) sim.schedule(i, () => {});

    const result = sim.run({ until: 100, maxEvents: 2 });

    expect(result).toEqual({ reason: "maxEvents", events: 2, now: 2, limitReached: true });
  });

  it("has a finite default event limit", () => {
    expect(Number.isFinite(DEFAULT_MAX_EVENTS)).toBe(true);
    expect(DEFAULT_MAX_EVENTS).toBeGreaterThan(0);
  });

  it("leaves the simulation usable after a callback throws", () => {
    const sim = new Simulation();
    const ran: string[] = [];
    sim.schedule(1, () => {
      throw new Error("model bug");
    });
    sim.schedule(2, () => ran.push("after"));

    expect(() => sim.run()).toThrow("model bug");
    expect(sim.now).toBe(1);
    const result = sim.run();

    expect(ran).toEqual(["after"]);
    expect(result.reason).toBe("empty");
  });
});

describe("stop", () => {
  it("ends the run after the current event, leaving the rest pending", () => {
    const sim = new Simulation();
    const ran: number[] = [];
    for (let t = 1; t <= 5; t++) {
      sim.at(t, () => {
        ran.push(t);
        if (t === 2) sim.stop();
      });
    }

    const result = sim.run();

    expect(result).toEqual({ reason: "stopped", events: 2, now: 2, limitReached: false });
    expect(ran).toEqual([1, 2]);
    expect(sim.pending).toBe(3);
  });

  it("applies to one run only: the next run continues", () => {
    const sim = new Simulation();
    sim.schedule(1, () => sim.stop());
    sim.schedule(2, () => {});
    sim.schedule(3, () => {});
    sim.run();

    const result = sim.run();

    expect(result).toEqual({ reason: "empty", events: 2, now: 3, limitReached: false });
  });
});

describe("errors", () => {
  it("rejects a negative delay, naming it", () => {
    const sim = new Simulation();

    const error = catchSimulationError(() => sim.schedule(-3, () => {}), "NEGATIVE_DELAY");

    expect(error.message).toBe("Negative delay -3 ms");
    expect(error.name).toBe("SimulationError");
    expect(error).toBeInstanceOf(Error);
  });

  it("rejects a negative timeout the same way", () => {
    const sim = new Simulation();

    const error = catchSimulationError(() => sim.timeout(-3), "NEGATIVE_DELAY");

    expect(error.message).toBe("Negative delay -3 ms");
  });

  it.each([
    [Number.NaN, "NaN"],
    [Number.POSITIVE_INFINITY, "Infinity"],
  ])("rejects a delay of %s as not a finite time", (delay, shown) => {
    const sim = new Simulation();

    const scheduleError = catchSimulationError(() => sim.schedule(delay, () => {}), "BAD_TIME");
    const timeoutError = catchSimulationError(() => sim.timeout(delay), "BAD_TIME");

    expect(scheduleError.message).toContain(shown);
    expect(timeoutError.message).toContain(shown);
    expect(sim.pending).toBe(0);
  });

  it("rejects at() in the past, naming both the time asked for and now", () => {
    const sim = new Simulation();
    sim.schedule(7.5, () => {});
    sim.run();

    const error = catchSimulationError(() => sim.at(3.25, () => {}), "PAST_TIME");

    expect(error.message).toContain("3.25 ms");
    expect(error.message).toContain("7.5 ms");
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects at(%s)",
    (time) => {
      const sim = new Simulation();

      const error = catchSimulationError(() => sim.at(time, () => {}), "BAD_TIME");

      expect(error.message).toContain(String(time));
    },
  );

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects priority %s",
    (priority) => {
      const sim = new Simulation();

      const viaSchedule = catchSimulationError(
        () => sim.schedule(1, () => {}, priority),
        "BAD_PRIORITY",
      );
      const viaAt = catchSimulationError(() => sim.at(1, () => {}, priority), "BAD_PRIORITY");

      expect(viaSchedule.message).toContain(String(priority));
      expect(viaAt.message).toContain(String(priority));
      expect(sim.pending).toBe(0);
    },
  );

  it("rejects until before now and a bad maxEvents", () => {
    const sim = new Simulation();
    sim.schedule(5, () => {});
    sim.run();

    const untilError = catchSimulationError(() => sim.run({ until: 4 }), "BAD_LIMIT");
    catchSimulationError(() => sim.run({ until: Number.NaN }), "BAD_LIMIT");
    const maxError = catchSimulationError(() => sim.run({ maxEvents: -1 }), "BAD_LIMIT");
    catchSimulationError(() => sim.run({ maxEvents: Number.NaN }), "BAD_LIMIT");
    catchSimulationError(() => sim.run({ maxEvents: Number.POSITIVE_INFINITY }), "BAD_LIMIT");

    expect(untilError.message).toContain("4");
    expect(maxError.message).toContain("-1");
  });

  it("rejects run() and step() called from inside an event, and the outer run goes on", () => {
    const sim = new Simulation();
    const codes: unknown[] = [];
    const ran: number[] = [];
    sim.schedule(1, () => {
      for (const reenter of [() => sim.run(), () => sim.step()]) {
        try {
          reenter();
        } catch (error) {
          codes.push((error as SimulationError).code);
        }
      }
    });
    sim.schedule(2, () => ran.push(sim.now));

    const result = sim.run();

    expect(codes).toEqual(["REENTRANT_RUN", "REENTRANT_RUN"]);
    expect(ran).toEqual([2]);
    expect(result.events).toBe(2);
  });

  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])(
    "rejects seed %s",
    (seed) => {
      let thrown: unknown;
      try {
        new Simulation({ seed });
      } catch (error) {
        thrown = error;
      }

      expect(thrown).toBeInstanceOf(SimulationError);
      expect((thrown as SimulationError).message).toContain(`Seed ${seed}`);
    },
  );

  it("accepts any finite number or any string as a seed", () => {
    for (const seed of [0, -1, 2 ** 53, 0.5, "", "run-7"]) {
      expect(new Simulation({ seed }).seed).toBe(seed);
    }
  });
});
