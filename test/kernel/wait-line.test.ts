// WaitLine (src/kernel/wait-line.ts): a FIFO line whose waiters each leave
// exactly once — served, timed out, or cancelled. The expected outcomes come
// from a reference written here (a list scanned in time order), not from the line.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Simulation, SimulationError, type WaitHandle, WaitLine } from "../../src/kernel/index.js";

describe("WaitLine", () => {
  it("serves waiters first come, first served", () => {
    const sim = new Simulation({ seed: 1 });
    const line = new WaitLine<string>(sim, () => {});
    line.push("a", 10);
    line.push("b", 10);
    line.push("c", Number.POSITIVE_INFINITY);

    expect([line.length, line.peek(), line.shift(), line.shift(), line.shift()]).toEqual([
      3,
      "a",
      "a",
      "b",
      "c",
    ]);
    expect(line.shift()).toBeUndefined();
    expect(line.length).toBe(0);
  });

  it("times a waiter out at its own deadline, once, and skips it afterwards", () => {
    const sim = new Simulation({ seed: 1 });
    const timedOut: string[] = [];
    const line = new WaitLine<string>(sim, (who) => timedOut.push(`${who}@${sim.now}`));
    line.push("slow", 100);
    line.push("quick", 5);
    line.push("patient", Number.POSITIVE_INFINITY);

    sim.run({ until: 50 });

    expect(timedOut).toEqual(["quick@5"]);
    expect([line.length, line.shift(), line.shift(), line.shift()]).toEqual([
      2,
      "slow",
      "patient",
      undefined,
    ]);
    sim.run({ until: 1000 });
    expect(timedOut).toEqual(["quick@5"]);
    expect(sim.pending).toBe(0);
  });

  it("withdraws a cancelled waiter: no timeout, not served, and a second cancel is false", () => {
    const sim = new Simulation({ seed: 1 });
    const timedOut: string[] = [];
    const line = new WaitLine<string>(sim, (who) => timedOut.push(who));
    const a = line.push("a", 5);
    line.push("b", 50);

    expect(line.cancel(a)).toBe(true);
    expect(line.cancel(a)).toBe(false);
    sim.run({ until: 10 });

    expect(timedOut).toEqual([]);
    expect([line.length, line.peek()]).toEqual([1, "b"]);
  });

  it("refuses a negative or NaN timeout, naming it", () => {
    const sim = new Simulation({ seed: 1 });
    const line = new WaitLine<string>(sim, () => {});

    expect(() => line.push("x", -1)).toThrow(SimulationError);
    expect(() => line.push("x", Number.NaN)).toThrow(
      "Wait timeout NaN ms is not a number ≥ 0 (or Infinity for none)",
    );
  });

  /** A step of a script: a waiter joins (with its timeout), one is served, one is cancelled, time passes. */
  type Step = { join: number } | { serve: true } | { cancel: number } | { wait: number };
  const step = fc.oneof(
    fc
      .oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Number.POSITIVE_INFINITY))
      .map((t): Step => ({ join: t })),
    fc.constant<Step>({ serve: true }),
    fc.nat({ max: 30 }).map((i): Step => ({ cancel: i })),
    fc.integer({ min: 0, max: 10 }).map((t): Step => ({ wait: t })),
  );

  test.prop([fc.array(step, { maxLength: 80 })])(
    "each waiter leaves once: served in FIFO order, timed out at its deadline unless served or cancelled first",
    (script) => {
      const sim = new Simulation({ seed: 1 });
      // Reference: every waiter's deadline and how it left (absent: still in the line).
      const waiters: { id: number; deadline: number; handle: WaitHandle }[] = [];
      const left = new Map<number, "served" | "cancelled" | "timed out">();
      const line = new WaitLine<number>(sim, (id) => {
        expect(left.get(id)).toBeUndefined();
        expect(sim.now).toBe(waiters[id]?.deadline);
        left.set(id, "timed out");
      });
      const inLine = (w: { id: number }): boolean => !left.has(w.id);
      for (const s of script) {
        if ("join" in s) {
          const id = waiters.length;
          waiters.push({ id, deadline: sim.now + s.join, handle: line.push(id, s.join) });
        } else if ("serve" in s) {
          const expected = waiters.find(inLine);
          const served = line.shift();
          expect(served).toBe(expected?.id);
          if (served !== undefined) left.set(served, "served");
        } else if ("cancel" in s) {
          const w = waiters[s.cancel];
          if (w === undefined) continue;
          const was = inLine(w);
          expect(line.cancel(w.handle)).toBe(was);
          if (was) left.set(w.id, "cancelled");
        } else {
          sim.run({ until: sim.now + s.wait });
        }
        expect(line.length).toBe(waiters.filter(inLine).length);
      }
      sim.run();
      // Every finite deadline has passed: only the waiters without one are still in the line.
      const waiting = waiters.filter(inLine);
      expect(waiting.every((w) => w.deadline === Number.POSITIVE_INFINITY)).toBe(true);
      expect(line.length).toBe(waiting.length);
      expect(sim.pending).toBe(0);
    },
  );
});
