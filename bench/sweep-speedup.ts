// The sweep row of the targets: the same experiment on 1 worker thread and on 2, in
// interleaved pairs (1, 2, 1, 2, …) so both sides see the same neighbours.
//
//   npx tsx bench/sweep-speedup.ts --dist                      # 3 pairs, 4 replications (40 runs)
//   npx tsx bench/sweep-speedup.ts --dist --pairs 5 --replications 10
//
// Three figures, because on a shared 2-core machine wall time also measures the
// neighbours:
// - wall: (wall on 1 worker) / (wall on 2) — what a user sees; capped by the cores
//   the other processes leave.
// - critical path (the target's figure): each worker thread's own CPU time, read from
//   /proc (thread-cpu.ts), plus the main thread's. On 2 idle cores the run takes
//   about as long as its busiest thread: main + the busiest worker. The figure is
//   (main + worker) on 1 worker / (main + busiest worker) on 2. It charges what
//   parallelism costs — each worker's start-up and JIT warm-up, an uneven split, a
//   worker idle at the tail — but not the neighbours.
// - process CPU: (CPU on 1 worker) / (CPU on 2 workers / 2), the figure this bench
//   printed before 2026-11-30. It assumes a perfect split (an idle worker spends no
//   CPU, so the tail is invisible to it) and charges V8's background threads.
// The load average (1, 5, 15 min) is printed before and after each measurement.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { fmt, loadAverage, measure } from "./measure.js";
import { threadCpuMs } from "./thread-cpu.js";

export interface SweepSpeedup {
  /** Median over the pairs of wall(1) / wall(2). */
  readonly wallSpeedup: number;
  /** Median over the pairs of the critical-path ratio (see the header). */
  readonly cpuSpeedup: number;
  /** Median over the pairs of CPU(1) / (CPU(2) / 2). */
  readonly processCpuSpeedup: number;
}

interface SideMeasure {
  readonly wallMs: number;
  readonly cpuMs: number;
  readonly mainMs: number;
  /** Each worker thread's CPU ms, busiest first. */
  readonly workerMs: readonly number[];
  readonly result: string;
}

const DIR = new URL("../examples/experiments/", import.meta.url);
type NodeEntry = typeof import("../src/node/index.js");

/** examples/experiments/bench-100x1e5.json (10 points of about 10^5 requests) with its scenario inlined. */
function benchExperiment(replications: number): Record<string, unknown> {
  const experiment = JSON.parse(readFileSync(new URL("bench-100x1e5.json", DIR), "utf8")) as Record<
    string,
    unknown
  >;
  const scenario = JSON.parse(readFileSync(new URL("bench-scenario.json", DIR), "utf8")) as unknown;
  return { ...experiment, scenario, replications };
}

async function measureSide(node: NodeEntry, input: unknown, workers: number): Promise<SideMeasure> {
  const before = threadCpuMs();
  // The workers' threads are new; their last sample is taken after their last run
  // (onProgress runs in this thread when a record arrives), before the pool ends them.
  const last = new Map<number, number>();
  const onProgress = (): void => {
    for (const [tid, ms] of threadCpuMs()) if (!before.has(tid)) last.set(tid, ms);
  };
  const m = await measure(() => node.runExperimentOnWorkers(input, { workers, onProgress }));
  const mainMs = (threadCpuMs().get(process.pid) ?? 0) - (before.get(process.pid) ?? 0);
  const workerMs = [...last.values()].sort((a, b) => b - a).slice(0, workers);
  return { wallMs: m.wallMs, cpuMs: m.cpuMs, mainMs, workerMs, result: JSON.stringify(m.value) };
}

function describe(workers: number, m: SideMeasure, runs: number): string {
  const threads = m.workerMs.map((ms) => (ms / 1000).toFixed(2)).join(" + ");
  return (
    `  ${workers} worker${workers === 1 ? "" : "s"}: ${(m.wallMs / 1000).toFixed(2)} s wall, ` +
    `${(m.cpuMs / 1000).toFixed(2)} s process CPU (${(m.cpuMs / m.wallMs).toFixed(2)} cores), ` +
    `main ${(m.mainMs / 1000).toFixed(2)} s + worker${workers === 1 ? "" : "s"} ${threads} s CPU, ` +
    `${fmt(runs / (m.wallMs / 1000))} runs per wall-s; load ${loadAverage()}`
  );
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1
    ? (s[mid] as number)
    : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function sweepSpeedup(
  dist: boolean,
  replications: number,
  pairs = 1,
): Promise<SweepSpeedup> {
  const node = (await import(dist ? "../dist/node.js" : "../src/node/index.js")) as NodeEntry;
  const input = benchExperiment(replications);
  const runs = 10 * replications;
  console.log(
    `sweep: bench-100x1e5.json with ${replications} replications (${runs} runs of about 10^5 requests), ` +
      `${pairs} interleaved pair${pairs === 1 ? "" : "s"} of 1 worker then 2; load ${loadAverage()}`,
  );
  const wall: number[] = [];
  const critical: number[] = [];
  const processCpu: number[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    const one = await measureSide(node, input, 1);
    console.log(describe(1, one, runs));
    const two = await measureSide(node, input, 2);
    console.log(describe(2, two, runs));
    if (one.result !== two.result) {
      throw new Error("sweep: 1 worker and 2 gave different results; they must be identical");
    }
    wall.push(one.wallMs / two.wallMs);
    critical.push((one.mainMs + (one.workerMs[0] ?? 0)) / (two.mainMs + (two.workerMs[0] ?? 0)));
    processCpu.push(one.cpuMs / (two.cpuMs / 2));
    console.log(
      `  pair ${pair + 1}: ${wall.at(-1)?.toFixed(3)}x wall, ${critical.at(-1)?.toFixed(3)}x critical path, ` +
        `${processCpu.at(-1)?.toFixed(3)}x process CPU`,
    );
  }
  const result = {
    wallSpeedup: median(wall),
    cpuSpeedup: median(critical),
    processCpuSpeedup: median(processCpu),
  };
  console.log(
    `  speed-up 2 workers vs 1 (median of ${pairs}): ${result.wallSpeedup.toFixed(3)}x wall, ` +
      `${result.cpuSpeedup.toFixed(3)}x critical path (CPU), ${result.processCpuSpeedup.toFixed(3)}x process CPU; ` +
      `target ≥ 1.8x on the critical path: ${result.cpuSpeedup >= 1.8 ? "met" : "NOT met"}; load ${loadAverage()}`,
  );
  return result;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const { values } = parseArgs({
    options: {
      dist: { type: "boolean", default: false },
      replications: { type: "string", default: "4" },
      pairs: { type: "string", default: "3" },
    },
  });
  const replications = Number(values.replications);
  const pairs = Number(values.pairs);
  for (const [flag, v] of [
    ["--replications", replications],
    ["--pairs", pairs],
  ] as const) {
    if (!(Number.isSafeInteger(v) && v >= 1)) {
      throw new RangeError(`${flag}: expected a positive integer; got ${JSON.stringify(v)}`);
    }
  }
  await sweepSpeedup(values.dist, replications, pairs);
}
