// A cache node's command queue (src/models/cache/command-queue.ts) takes a
// command as a callback or as an object (a hit's read passes itself, with no
// closure): both kinds are served first come, first served, each ending one
// command time after its thread took it — the FIFO recursion
// end = max(arrival, previous end) + service, per thread (Lindley).
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { type Command, CommandQueue } from "../../src/models/cache/index.js";

/** Commands (as callbacks where `asObject` is false) arriving at `arrivals`, on `threads` threads. */
function ends(arrivals: number[], asObject: boolean[], serviceMs: number[], threads: number) {
  const sim = new Simulation({ seed: 1 });
  let drawn = 0;
  const queue = new CommandQueue(sim, threads, () => serviceMs[drawn++ % serviceMs.length] ?? 1);
  const ended: [number, number][] = [];
  arrivals.forEach((at, i) => {
    const record = (): void => {
      ended.push([i, sim.now]);
    };
    const command: Command = { executed: record };
    sim.at(at, () => queue.execute(asObject[i] ? command : record));
  });
  sim.run();
  return ended;
}

/** The FIFO recursion over `threads` identical servers, commands in arrival order. */
function fifoEnds(arrivals: number[], serviceMs: number[], threads: number): [number, number][] {
  const free = new Array<number>(threads).fill(0);
  const out: [number, number][] = arrivals.map((at, i) => {
    let t = 0;
    for (let k = 1; k < threads; k++) if ((free[k] as number) < (free[t] as number)) t = k;
    const end = Math.max(at, free[t] as number) + (serviceMs[i % serviceMs.length] as number);
    free[t] = end;
    return [i, end];
  });
  return out.sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

test.prop([
  fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 30 }),
  fc.array(fc.boolean(), { minLength: 30, maxLength: 30 }),
  fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 8 }),
  fc.integer({ min: 1, max: 3 }),
])("callbacks and command objects are served FIFO alike", (gaps, asObject, serviceMs, threads) => {
  const arrivals: number[] = [];
  let t = 0;
  for (const gap of gaps) {
    t += gap;
    arrivals.push(t);
  }
  const got = ends(arrivals, asObject, serviceMs, threads);
  expect(got.map(([, end]) => end)).toEqual(
    fifoEnds(arrivals, serviceMs, threads).map(([, e]) => e),
  );
  expect(got.map(([, end]) => end)).toEqual(
    ends(
      arrivals,
      asObject.map(() => false),
      serviceMs,
      threads,
    ).map(([, end]) => end),
  );
});
