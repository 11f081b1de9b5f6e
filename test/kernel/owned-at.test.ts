// `Simulation._atOwned` schedules at an absolute time on an entry that has run, as
// the workload's open arrivals do (one pending at a time, each scheduled from the
// one before). Reuse must not move anything: chains of owned arrivals among public
// events, ties in time and priority included, give the same (time, priority,
// sequence) trace as the public `at`, which reuses nothing.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { type EventHandle, Simulation, SimulationError } from "../../src/kernel/index.js";

interface Chain {
  /** Gaps between the chain's events (integer ms: ties with other events are common). */
  readonly gaps: readonly number[];
  readonly priority: number;
}

interface Other {
  readonly at: number;
  readonly priority: number;
}

function runProgram(chains: readonly Chain[], others: readonly Other[], owned: boolean) {
  const trace: string[] = [];
  const sim = new Simulation({ trace: (t, p, s) => trace.push(`${t}/${p}/${s}`) });
  const handles = new Set<EventHandle>();
  chains.forEach((chain, c) => {
    let spent: EventHandle | null = null;
    let i = 0;
    const next = (): void => {
      const gap = chain.gaps[i];
      if (gap === undefined) return;
      i++;
      const time = sim.now + gap;
      spent = owned
        ? sim._atOwned(time, fire, chain.priority, spent)
        : sim.at(time, fire, chain.priority);
      handles.add(spent);
    };
    const fire = (): void => {
      trace.push(`chain ${c} @${sim.now}`);
      next();
    };
    next();
  });
  for (const o of others) sim.at(o.at, () => trace.push(`other @${sim.now}`), o.priority);
  const run = sim.run();
  return { trace, events: run.events, distinct: handles.size };
}

const chain = fc.record({
  gaps: fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 12 }),
  priority: fc.integer({ min: -1, max: 2 }),
});
const other = fc.record({
  at: fc.integer({ min: 0, max: 30 }),
  priority: fc.integer({ min: -1, max: 2 }),
});

describe("owned entries at an absolute time", () => {
  test.prop([fc.array(chain, { maxLength: 4 }), fc.array(other, { maxLength: 30 })], {
    numRuns: 150,
  })("run in the order `at` gives, event for event", (chains, others) => {
    const reference = runProgram(chains, others, false);
    const owned = runProgram(chains, others, true);
    expect(owned.trace).toEqual(reference.trace);
    expect(owned.events).toBe(reference.events);
  });

  it("are reused: a chain of any length runs on one entry", () => {
    const owned = runProgram([{ gaps: [1, 0, 2, 2, 5], priority: 1 }], [], true);
    expect(owned.trace.filter((line) => line.startsWith("chain"))).toHaveLength(5);
    expect(owned.distinct).toBe(1);
  });

  it("refuse a time in the past or not finite, as `at` does", () => {
    const sim = new Simulation();
    sim.schedule(5, () => {
      for (const [time, code] of [
        [4, "PAST_TIME"],
        [Number.NaN, "BAD_TIME"],
        [Number.POSITIVE_INFINITY, "BAD_TIME"],
      ] as const) {
        expect(() => sim._atOwned(time, () => {}, 0, null)).toThrow(SimulationError);
        expect(() => sim._atOwned(time, () => {}, 0, null)).toThrow(
          expect.objectContaining({ code }),
        );
      }
    });
    sim.run();
  });
});
