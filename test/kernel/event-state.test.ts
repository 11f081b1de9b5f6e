// An event's stage (pending, triggered, processed) and its two flags (failed, defused)
// are independent: defusing does not trigger, triggering does not forget a defuse,
// and a failure is judged unhandled only after every waiter has run (a waiter that
// handles it defuses it). src/kernel/events.ts packs the three into one field, and
// keeps one waiter or an array of them in another; these are the combinations that
// packing must keep apart.
import { describe, expect, it } from "vitest";
import { Interrupt, Simulation, SimulationError } from "../../src/kernel/index.js";

describe("an event's stage and flags", () => {
  it("a defuse before the failure still holds once it fails", () => {
    const sim = new Simulation();
    const ev = sim.event<number>().defuse();
    expect(ev.triggered).toBe(false);

    ev.fail(new Error("expected"));
    const result = sim.run();

    expect(result.reason).toBe("empty");
    expect([ev.triggered, ev.processed, ev.ok]).toEqual([true, true, false]);
    expect(() => ev.value).toThrow("expected");
  });

  it("a defuse before success leaves the value readable and ok", () => {
    const sim = new Simulation();
    const ev = sim.event<number>().defuse();

    ev.succeed(7);
    sim.run();

    expect([ev.processed, ev.ok, ev.value]).toEqual([true, true, 7]);
  });

  it("a failure handled by a waiting callback does not stop the run", () => {
    const sim = new Simulation();
    const ev = sim.event();
    ev.on((e) => e.defuse());

    ev.fail(new Error("handled by the callback"));

    expect(sim.run().reason).toBe("empty");
    expect(ev.ok).toBe(false);
  });

  it("a failure that nobody handles stops the run, after its waiters ran", () => {
    const sim = new Simulation();
    const ev = sim.event();
    const seen: boolean[] = [];
    ev.on((e) => seen.push(e.ok));

    ev.fail(new Error("unhandled"));

    expect(() => sim.run()).toThrow("unhandled");
    expect(seen).toEqual([false]);
  });

  it("a process caught failure is defused; its own value stays readable", () => {
    const sim = new Simulation();
    const failing = sim.event<number>();
    const p = sim.process(
      (function* () {
        try {
          yield failing;
        } catch (error) {
          return (error as Error).message;
        }
        return "not thrown";
      })(),
    );
    sim.schedule(1, () => failing.fail(new Error("caught")));

    expect(sim.run().reason).toBe("empty");
    expect([p.ok, p.value]).toEqual([true, "caught"]);
  });

  it("a defused process is still alive until it ends, and can be interrupted", () => {
    const sim = new Simulation();
    const p = sim.process(
      (function* () {
        yield sim.timeout(10);
      })(),
    );
    p.defuse();
    sim.run({ until: 1 });

    expect(p.isAlive).toBe(true);
    p.interrupt("stop");
    sim.run();

    expect(p.isAlive).toBe(false);
    expect(p.ok).toBe(false);
    expect(() => p.value).toThrow(Interrupt);
  });

  it("an event triggers once whatever its flags", () => {
    const sim = new Simulation();
    const ev = sim.event().defuse();
    ev.fail(new Error("first"));

    expect(() => ev.succeed(1)).toThrow(SimulationError);
    expect(() => ev.fail(new Error("second"))).toThrow(SimulationError);
  });

  it("waiters run in the order they were added, also after one withdrew", () => {
    const sim = new Simulation();
    const ev = sim.event<string>();
    const order: string[] = [];
    const waiter = (name: string) =>
      sim.process(
        (function* () {
          try {
            yield ev;
            order.push(name);
          } catch {
            order.push(`${name} interrupted`);
          }
        })(),
      );
    waiter("first");
    ev.on(() => order.push("callback"));
    const second = waiter("second");
    sim.run();
    second.interrupt();
    sim.run();
    ev.on(() => order.push("late callback"));
    waiter("third");
    sim.run();

    ev.succeed("go");
    sim.run();

    // The callbacks attach at once; a process attaches when it starts, at run().
    expect(order).toEqual(["second interrupted", "callback", "first", "late callback", "third"]);
  });

  it("a lone waiter that withdrew leaves the event with none", () => {
    const sim = new Simulation();
    const ev = sim.event();
    const p = sim.process(
      (function* () {
        yield ev;
      })(),
    );
    p.defuse();
    sim.run();
    p.interrupt();
    sim.run();
    const after: string[] = [];
    ev.on(() => after.push("added after the withdrawal"));

    ev.succeed();
    sim.run();

    expect(after).toEqual(["added after the withdrawal"]);
    // The withdrawn process is not resumed again: it ended with the interrupt.
    expect(() => p.value).toThrow(Interrupt);
  });

  it("a process whose waiters all withdrew ends as one nobody waits on", () => {
    // A process that nobody waits on is done when its generator returns, without an
    // end event in the queue; withdrawn waiters must leave it in that state.
    const sim = new Simulation();
    const p = sim.process(
      (function* () {
        yield sim.timeout(5);
      })(),
    );
    const waiters = [1, 2].map(() =>
      sim.process(
        (function* () {
          yield p;
        })(),
      ),
    );
    for (const w of waiters) w.defuse();
    sim.run({ until: 1 });
    for (const w of waiters) w.interrupt();
    sim.run({ until: 5 });

    sim.step(); // p's timeout: p resumes and returns

    expect(p.processed).toBe(true);
    expect(sim.pending).toBe(0);
  });
});
