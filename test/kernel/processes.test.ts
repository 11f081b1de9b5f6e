// Processes, SimPy-style (docs/kernel.md): generators that yield events and are
// resumed with their values; a process is itself an event; failures are thrown
// into waiters and stop the run when nobody handles them; allOf/anyOf; interrupts.
import { describe, expect, it } from "vitest";
import {
  Interrupt,
  type Process,
  type ProcessGenerator,
  type SimEvent,
  Simulation,
  SimulationError,
} from "../../src/kernel/index.js";

describe("timeouts", () => {
  it("suspend a process for their delay", () => {
    const sim = new Simulation();
    const times: number[] = [];

    sim.process(
      (function* () {
        times.push(sim.now);
        yield sim.timeout(5);
        times.push(sim.now);
        yield sim.timeout(3);
        times.push(sim.now);
        yield sim.timeout(0);
        times.push(sim.now);
      })(),
    );
    sim.run();

    expect(times).toEqual([0, 5, 8, 8]);
  });

  it("give their value to `yield*`, with its type", () => {
    const sim = new Simulation();
    let received = "";

    sim.process(
      (function* () {
        // Typed: `greeting` is a string, so `.toUpperCase()` type-checks.
        const greeting = yield* sim.timeout(2, "hello");
        received = greeting.toUpperCase();
      })(),
    );
    sim.run();

    expect(received).toBe("HELLO");
  });

  it("give their value to a plain `yield` too", () => {
    const sim = new Simulation();
    let received: unknown;

    sim.process(
      (function* () {
        received = yield sim.timeout(1, 42);
      })(),
    );
    sim.run();

    expect(received).toBe(42);
  });
});

describe("a process", () => {
  it("starts at the time it is created", () => {
    const sim = new Simulation();
    let startedAt = Number.NaN;

    sim.schedule(7, () => {
      sim.process(
        (function* () {
          startedAt = sim.now;
          yield sim.timeout(0);
        })(),
      );
    });
    sim.run();

    expect(startedAt).toBe(7);
  });

  it("starts in the order it was made among the callbacks of its instant, with a sequence number of its own", () => {
    // (time, priority, sequence): the start takes the next sequence number when the
    // process is made, as a scheduled callback would, so the trace is that order.
    const trace: string[] = [];
    const sim = new Simulation({ trace: (t, p, s) => trace.push(`${t}/${p}/${s}`) });
    const ran: string[] = [];
    sim.schedule(0, () => ran.push("callback 0"));
    sim.process(
      (function* () {
        ran.push("process 1");
        yield sim.timeout(0);
        ran.push("process 1 again");
      })(),
    );
    sim.schedule(0, () => ran.push("callback 2"));
    sim.process(
      (function* () {
        ran.push("process 3");
        yield sim.timeout(1);
      })(),
    );

    sim.run();

    expect(ran).toEqual(["callback 0", "process 1", "callback 2", "process 3", "process 1 again"]);
    expect(trace).toEqual(["0/0/0", "0/0/1", "0/0/2", "0/0/3", "0/0/4", "1/0/5"]);
  });

  it("is an event whose value is the generator's return value", () => {
    const sim = new Simulation();
    const child = sim.process(
      (function* () {
        yield sim.timeout(4);
        return 42;
      })(),
    );
    let got = 0;
    let gotAt = Number.NaN;

    sim.process(
      (function* () {
        const result = yield* child;
        got = result + 1;
        gotAt = sim.now;
      })(),
    );
    expect(child.isAlive).toBe(true);
    sim.run();

    expect(got).toBe(43);
    expect(gotAt).toBe(4);
    expect(child.isAlive).toBe(false);
    expect(child.processed).toBe(true);
    expect(child.ok).toBe(true);
    expect(child.value).toBe(42);
  });

  it("can be awaited by several processes at once", () => {
    const sim = new Simulation();
    const worker = sim.process(
      (function* () {
        yield sim.timeout(3);
        return "done";
      })(),
    );
    const seen: string[] = [];

    for (const name of ["a", "b"]) {
      sim.process(
        (function* () {
          const value = yield* worker;
          seen.push(`${name}:${value}@${sim.now}`);
        })(),
      );
    }
    sim.run();

    expect(seen).toEqual(["a:done@3", "b:done@3"]);
  });

  it("continues at once when it yields an event that was already processed", () => {
    const sim = new Simulation();
    const early = sim.timeout(1, "early");
    let result = "";
    let resumedAt = Number.NaN;

    sim.process(
      (function* () {
        yield sim.timeout(5);
        result = yield* early;
        resumedAt = sim.now;
      })(),
    );
    sim.run();

    expect(result).toBe("early");
    expect(resumedAt).toBe(5);
  });
});

describe("user events", () => {
  it("resume a waiting process with the value given to succeed", () => {
    const sim = new Simulation();
    const signal = sim.event<string>();
    let got = "";
    let gotAt = Number.NaN;
    sim.process(
      (function* () {
        got = yield* signal;
        gotAt = sim.now;
      })(),
    );

    sim.schedule(4, () => signal.succeed("go"));
    sim.run();

    expect(got).toBe("go");
    expect(gotAt).toBe(4);
  });

  it("trigger once: a second succeed or fail is an error", () => {
    const sim = new Simulation();
    const event = sim.event<number>();
    event.succeed(1);

    let again: unknown;
    let failAfter: unknown;
    try {
      event.succeed(2);
    } catch (error) {
      again = error;
    }
    try {
      event.fail(new Error("late"));
    } catch (error) {
      failAfter = error;
    }

    expect((again as SimulationError).code).toBe("EVENT_ALREADY_TRIGGERED");
    expect((failAfter as SimulationError).code).toBe("EVENT_ALREADY_TRIGGERED");
  });

  it("report their value only once triggered", () => {
    const sim = new Simulation();
    const event = sim.event<number>();

    expect(event.triggered).toBe(false);
    expect(() => event.value).toThrow(SimulationError);
    event.succeed(9);

    expect(event.triggered).toBe(true);
    expect(event.processed).toBe(false);
    expect(event.value).toBe(9);
    sim.run();
    expect(event.processed).toBe(true);
  });

  it("run callbacks attached with on(), and at once when already processed", () => {
    const sim = new Simulation();
    const event = sim.event<string>();
    const seen: string[] = [];
    event.on((e) => seen.push(`before:${e.value}@${sim.now}`));
    sim.schedule(2, () => event.succeed("x"));
    sim.run();

    event.on((e) => seen.push(`after:${e.value}`));

    expect(seen).toEqual(["before:x@2", "after:x"]);
  });
});

describe("failures", () => {
  it("are thrown into the waiting process, which can catch them", () => {
    const sim = new Simulation();
    const request = sim.event<string>();
    const boom = new Error("replica unreachable");
    let caught: unknown;
    let caughtAt = Number.NaN;
    let continued = false;
    sim.process(
      (function* () {
        try {
          yield request;
        } catch (error) {
          caught = error;
          caughtAt = sim.now;
        }
        yield sim.timeout(1);
        continued = true;
      })(),
    );

    sim.schedule(3, () => request.fail(boom));
    const result = sim.run();

    expect(caught).toBe(boom);
    expect(caughtAt).toBe(3);
    expect(continued).toBe(true);
    expect(result.reason).toBe("empty");
  });

  it("of a child process are thrown into the parent that waits on it", () => {
    const sim = new Simulation();
    const boom = new Error("child failed");
    let caught: unknown;

    sim.process(
      (function* () {
        const child = sim.process(
          (function* () {
            yield sim.timeout(2);
            throw boom;
          })(),
        );
        try {
          yield child;
        } catch (error) {
          caught = error;
        }
      })(),
    );
    sim.run();

    expect(caught).toBe(boom);
  });

  it("stop run() with the error when nobody handles them", () => {
    const sim = new Simulation();
    const boom = new Error("boom");
    const ranAfter: number[] = [];
    sim.process(
      (function* () {
        yield sim.timeout(3);
        throw boom;
      })(),
    );
    sim.schedule(10, () => ranAfter.push(sim.now));

    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBe(boom);
    expect(sim.now).toBe(3);
    expect(ranAfter).toEqual([]);
  });

  it("of a user event nobody waits on stop the run too", () => {
    const sim = new Simulation();
    sim.schedule(1, () => sim.event().fail(new Error("lost write")));

    expect(() => sim.run()).toThrow("lost write");
  });

  it("that are not Errors stop the run with a PROCESS_FAILED error naming the value", () => {
    const sim = new Simulation();
    sim.process(
      (function* () {
        yield sim.timeout(1);
        throw "disk full";
      })(),
    );

    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(SimulationError);
    expect((thrown as SimulationError).code).toBe("PROCESS_FAILED");
    expect((thrown as SimulationError).message).toContain("disk full");
  });

  it("do not stop the run once defused", () => {
    const sim = new Simulation();
    sim.schedule(1, () => sim.event().fail(new Error("expected")).defuse());
    sim.schedule(2, () => {});

    const result = sim.run();

    expect(result).toMatchObject({ reason: "empty", events: 3 });
  });
});

describe("allOf", () => {
  it("succeeds once every event has, with the values in list order", () => {
    const sim = new Simulation();
    let values: unknown[] = [];
    let doneAt = Number.NaN;

    sim.process(
      (function* () {
        values = yield* sim.allOf([sim.timeout(5, "slow"), sim.timeout(2, "fast")]);
        doneAt = sim.now;
      })(),
    );
    sim.run();

    expect(values).toEqual(["slow", "fast"]);
    expect(doneAt).toBe(5);
  });

  it("of no events succeeds at once with no values", () => {
    const sim = new Simulation();
    let values: unknown[] | undefined;
    let doneAt = Number.NaN;

    sim.schedule(4, () => {
      sim.process(
        (function* () {
          values = yield* sim.allOf([]);
          doneAt = sim.now;
        })(),
      );
    });
    sim.run();

    expect(values).toEqual([]);
    expect(doneAt).toBe(4);
  });

  it("fails with the first failure, at its time, without waiting for the rest", () => {
    const sim = new Simulation();
    const broken = sim.event<string>();
    const boom = new Error("shard down");
    sim.schedule(2, () => broken.fail(boom));
    let caught: unknown;
    let caughtAt = Number.NaN;

    sim.process(
      (function* () {
        try {
          yield sim.allOf([sim.timeout(5, "ok"), broken]);
        } catch (error) {
          caught = error;
          caughtAt = sim.now;
        }
      })(),
    );
    const result = sim.run();

    expect(caught).toBe(boom);
    expect(caughtAt).toBe(2);
    expect(result.reason).toBe("empty");
  });

  it("rejects something that is not an event", () => {
    const sim = new Simulation();
    const notAnEvent = 7 as unknown as SimEvent<unknown>;

    let thrown: unknown;
    try {
      sim.allOf([sim.timeout(1), notAnEvent]);
    } catch (error) {
      thrown = error;
    }

    expect((thrown as SimulationError).code).toBe("BAD_YIELD");
  });
});

describe("anyOf", () => {
  it("succeeds with the first event to succeed: its index and value", () => {
    const sim = new Simulation();
    let first: { index: number; value: unknown } | undefined;
    let doneAt = Number.NaN;

    sim.process(
      (function* () {
        first = yield* sim.anyOf([sim.timeout(5, "slow"), sim.timeout(2, "fast")]);
        doneAt = sim.now;
      })(),
    );
    sim.run();

    expect(first).toEqual({ index: 1, value: "fast" });
    expect(doneAt).toBe(2);
  });

  it("can race an operation against a deadline", () => {
    const sim = new Simulation();
    const reply = sim.event<string>();
    sim.schedule(30, () => reply.succeed("late reply"));
    let outcome = "";

    sim.process(
      (function* () {
        const first = yield* sim.anyOf([reply, sim.timeout(10, "timeout")]);
        outcome = `${String(first.value)}@${sim.now}`;
      })(),
    );
    sim.run();

    expect(outcome).toBe("timeout@10");
  });

  it("fails when the first event to fire fails", () => {
    const sim = new Simulation();
    const broken = sim.event();
    const boom = new Error("connection reset");
    sim.schedule(1, () => broken.fail(boom));
    let caught: unknown;

    sim.process(
      (function* () {
        try {
          yield sim.anyOf([sim.timeout(5), broken]);
        } catch (error) {
          caught = error;
        }
      })(),
    );
    sim.run();

    expect(caught).toBe(boom);
  });
});

describe("interrupt", () => {
  it("throws an Interrupt carrying the cause into the process, at the current time", () => {
    const sim = new Simulation();
    let caught: unknown;
    let caughtAt = Number.NaN;
    const worker = sim.process(
      (function* () {
        try {
          yield sim.timeout(10);
        } catch (error) {
          caught = error;
          caughtAt = sim.now;
        }
      })(),
    );

    sim.schedule(3, () => worker.interrupt("failover"));
    sim.run();

    expect(caught).toBeInstanceOf(Interrupt);
    expect((caught as Interrupt).cause).toBe("failover");
    expect(caughtAt).toBe(3);
  });

  it("stops the awaited event from resuming the process", () => {
    const sim = new Simulation();
    const resumes: string[] = [];
    const worker = sim.process(
      (function* () {
        try {
          yield sim.timeout(10);
          resumes.push(`timeout@${sim.now}`);
        } catch {
          resumes.push(`interrupt@${sim.now}`);
        }
        // Had the t=10 timeout still resumed it, this wait would end early.
        yield sim.timeout(100);
        resumes.push(`second wait@${sim.now}`);
      })(),
    );

    sim.schedule(3, () => worker.interrupt());
    sim.run();

    expect(resumes).toEqual(["interrupt@3", "second wait@103"]);
  });

  it("wins over the awaited event when both happen at the same instant", () => {
    const sim = new Simulation();
    const resumes: string[] = [];
    let worker: Process<void> | undefined;
    // Scheduled before the process's timeout, so it runs first at t=5.
    sim.schedule(5, () => worker?.interrupt("now"));
    worker = sim.process(
      (function* () {
        try {
          yield sim.timeout(5);
          resumes.push("timeout");
        } catch (error) {
          resumes.push(`interrupt:${String((error as Interrupt).cause)}`);
        }
      })(),
    );

    sim.run();

    expect(resumes).toEqual(["interrupt:now"]);
  });

  it("left uncaught fails the process, and the run stops with the Interrupt", () => {
    const sim = new Simulation();
    const worker = sim.process(
      (function* () {
        yield sim.timeout(10);
      })(),
    );
    sim.schedule(1, () => worker.interrupt("shutdown"));

    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(Interrupt);
    expect(worker.isAlive).toBe(false);
    expect(worker.ok).toBe(false);
  });

  it("before the process has started: its body never runs, and its waiters hear the Interrupt once", () => {
    // A process is its own start event (as SimPy's Initialize); an interrupt queued
    // ahead of the start must leave the start nothing to do.
    const sim = new Simulation();
    let bodyRan = false;
    const heard: string[] = [];
    let child: Process<void> | undefined;
    // The waiter starts first, so it already waits on the child when the child's start runs.
    sim.process(
      (function* () {
        try {
          yield child as Process<void>;
          heard.push("returned");
        } catch (error) {
          heard.push(`${(error as Interrupt).name}@${sim.now}`);
        }
        yield sim.timeout(5);
        heard.push(`done@${sim.now}`);
      })(),
    );
    child = sim.process(
      (function* () {
        bodyRan = true;
        yield sim.timeout(1);
      })(),
    );
    child.interrupt("before start");

    const result = sim.run();

    expect(bodyRan).toBe(false);
    expect(child.isAlive).toBe(false);
    expect(heard).toEqual(["Interrupt@0", "done@5"]);
    expect(result.reason).toBe("empty");
  });

  it("of a finished process is an error", () => {
    const sim = new Simulation();
    const worker = sim.process(
      (function* () {
        yield sim.timeout(1);
      })(),
    );
    sim.run();

    let thrown: unknown;
    try {
      worker.interrupt();
    } catch (error) {
      thrown = error;
    }

    expect(thrown).toBeInstanceOf(SimulationError);
    expect((thrown as SimulationError).code).toBe("NOT_RUNNING");
  });
});

describe("yielding something that is not an event", () => {
  it("fails the process with BAD_YIELD naming what was yielded", () => {
    const sim = new Simulation();
    let finallyRan = false;
    const bad = (function* () {
      try {
        yield 42;
      } finally {
        finallyRan = true;
      }
    })() as unknown as ProcessGenerator<void>;
    let caught: unknown;

    sim.process(
      (function* () {
        try {
          yield sim.process(bad);
        } catch (error) {
          caught = error;
        }
      })(),
    );
    sim.run();

    expect(caught).toBeInstanceOf(SimulationError);
    expect((caught as SimulationError).code).toBe("BAD_YIELD");
    expect((caught as SimulationError).message).toContain("42");
    expect(finallyRan).toBe(true);
  });

  it("stops the run when nobody waits on the process", () => {
    const sim = new Simulation();
    const bad = (function* () {
      yield "not an event";
    })() as unknown as ProcessGenerator<void>;
    sim.process(bad);

    let thrown: unknown;
    try {
      sim.run();
    } catch (error) {
      thrown = error;
    }

    expect((thrown as SimulationError).code).toBe("BAD_YIELD");
  });

  it("includes yielding an event of another simulation", () => {
    const sim = new Simulation();
    const other = new Simulation();
    let caught: unknown;

    sim.process(
      (function* () {
        try {
          yield sim.process(
            (function* () {
              yield other.timeout(1);
            })(),
          );
        } catch (error) {
          caught = error;
        }
      })(),
    );
    sim.run();

    expect((caught as SimulationError).code).toBe("BAD_YIELD");
  });
});
