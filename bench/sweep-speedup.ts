// The sweep row of the targets: the same experiment on 1 worker thread and on 2.
// Wall-clock speed-up is what a user sees, but on a shared machine it also measures
// the neighbours. The CPU figure is the speed-up 2 idle cores would give for the CPU
// the runs actually spent: (CPU on 1 worker) / (CPU on 2 workers / 2). It holds on a
// busy machine and still charges parallelism for what it costs (a second worker's
// start-up, its own JIT warm-up, the messages); it assumes the runs split evenly,
// which they do here (equal runs, one task per worker at a time).
import { readFileSync } from "node:fs";
import { fmt, loadAverage, measure } from "./measure.js";

export interface SweepSpeedup {
  readonly wallSpeedup: number;
  readonly cpuSpeedup: number;
}

const DIR = new URL("../examples/experiments/", import.meta.url);

export async function sweepSpeedup(dist: boolean, replications: number): Promise<SweepSpeedup> {
  const node = (await import(
    dist ? "../dist/node.js" : "../src/node/index.js"
  )) as typeof import("../src/node/index.js");
  // examples/experiments/bench-100x1e5.json (10 points of about 10^5 requests each) with
  // fewer replications, its scenario file inlined.
  const experiment = JSON.parse(readFileSync(new URL("bench-100x1e5.json", DIR), "utf8")) as Record<
    string,
    unknown
  >;
  const scenario = JSON.parse(readFileSync(new URL("bench-scenario.json", DIR), "utf8")) as unknown;
  const input = { ...experiment, scenario, replications };
  const runs = 10 * replications;
  console.log(
    `sweep: bench-100x1e5.json with ${replications} replications (${runs} runs of about 10^5 requests), 1 worker then 2`,
  );
  const one = await measure(() => node.runExperimentOnWorkers(input, { workers: 1 }));
  const two = await measure(() => node.runExperimentOnWorkers(input, { workers: 2 }));
  for (const [w, m] of [
    [1, one],
    [2, two],
  ] as const) {
    console.log(
      `  ${w} worker${w === 1 ? "" : "s"}: ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${(m.wallMs / 1000).toFixed(2)} s wall, ` +
        `${fmt(runs / (m.wallMs / 1000))} runs per wall-s; load ${loadAverage()}`,
    );
  }
  if (JSON.stringify(one.value) !== JSON.stringify(two.value)) {
    throw new Error("sweep: 1 worker and 2 gave different results; they must be identical");
  }
  const wallSpeedup = one.wallMs / two.wallMs;
  const cpuSpeedup = one.cpuMs / (two.cpuMs / 2);
  console.log(
    `  speed-up 2 workers vs 1: ${wallSpeedup.toFixed(3)}x wall, ${cpuSpeedup.toFixed(3)}x on CPU time; target ≥ 1.8x: ${cpuSpeedup >= 1.8 ? "met" : "NOT met"}`,
  );
  return { wallSpeedup, cpuSpeedup };
}
