// The event queue with many pending events: a closed network of N clients (an
// exponential think time, then one request at a single FIFO server with exponential
// service) for N = 10 … 10^5. Every client's think timer is pending at once, so the
// queue holds about N events. The think mean is N / λ, so the offered rate λ is the
// same at every N, and every run processes the same number of events: the CPU time
// per event then grows only with what the queue's size costs.
//
//   kernel              the network on `Simulation.schedule` (the queue in src/kernel).
//   pointer heap (old)  the same events on the binary heap of entry pointers the kernel
//                       used before (bench/pointer-heap-queue.ts), driven by a loop that
//                       does what `Simulation.run` does (peek, pop, call).
//   4-ary heap (before) the 4-ary typed-array heap that held every pending event before
//                       the far-future buckets (bench/heap4-queue.ts), under that loop.
//   kernel queue        the kernel's current EventQueue driven by that same loop: the
//                       A/B pair with the two rows above, in one process, interleaved.
//
// All rows draw the same seeded alea streams in the same order and use the same
// (time, priority, sequence) order, so they simulate the same sample path: their mean
// response times (printed as the sink against dead-code elimination) agree exactly.
// CPU time (`process.cpuUsage()`), the min over interleaved rounds after a warm-up.
// Run: `npx tsx bench/pending.bench.ts [--quick] [--rounds=N] [--max=100000]`.
import os from "node:os";
import seedrandom from "seedrandom";
import { Simulation } from "../src/kernel/index.js";
import { Entry, EventQueue } from "../src/kernel/queue.js";
import { Heap4Queue } from "./heap4-queue.js";
import { loadAverage } from "./measure.js";
import { PointerHeapQueue } from "./pointer-heap-queue.js";

const quick = process.argv.includes("--quick");
const arg = (name: string): string | undefined =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const ROUNDS = Number(arg("rounds") ?? (quick ? 3 : 5));
const MAX_N = Number(arg("max") ?? 100_000);
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1)) {
  throw new RangeError(`--rounds must be a positive integer, got ${ROUNDS}`);
}
const EVENTS = quick ? 400_000 : 2_000_000;
const LAMBDA = 0.5; // offered requests per ms, at every N
const SERVICE_MEAN_MS = 1;
const SEED = 42;
const SIZES = [10, 100, 1_000, 10_000, 100_000].filter((n) => n <= MAX_N);

interface Result {
  meanResponseMs: number;
  events: number;
}

function alea(label: string): () => number {
  return seedrandom.alea(`${SEED}\u0000${label}`);
}

/** What the network needs from a scheduler: the clock and "call fn after delay". */
interface Scheduler {
  readonly now: number;
  schedule(delay: number, fn: () => void): void;
}

/** The closed network on any scheduler; returns the callback that starts it. */
function network(s: Scheduler, clients: number, requests: { left: number; sum: number }) {
  const thinkU = alea("think");
  const serviceU = alea("service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const thinkMean = clients / LAMBDA;
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let servedSince = 0;
  const think = (): void => {
    // Counted when scheduled, so every run has exactly EVENTS / 2 arrivals and departures.
    if (requests.left > 0) {
      requests.left--;
      s.schedule(exp(thinkU, thinkMean), arrive);
    }
  };
  const depart = (): void => {
    requests.sum += s.now - servedSince;
    think();
    if (head < waiting.length) {
      servedSince = waiting[head] as number;
      head++;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      s.schedule(exp(serviceU, SERVICE_MEAN_MS), depart);
    } else busy = false;
  };
  function arrive(): void {
    if (busy) waiting.push(s.now);
    else {
      busy = true;
      servedSince = s.now;
      s.schedule(exp(serviceU, SERVICE_MEAN_MS), depart);
    }
  }
  return (): void => {
    for (let i = 0; i < clients; i++) think();
  };
}

function kernel(clients: number): Result {
  const sim = new Simulation({ seed: SEED });
  // Two events per request (arrival, departure); the start-up adds none.
  const requests = { left: EVENTS / 2, sum: 0 };
  network(sim, clients, requests)();
  const run = sim.run();
  return { meanResponseMs: requests.sum / (EVENTS / 2), events: run.events };
}

interface QueueLike {
  push(entry: Entry): void;
  pop(): Entry | undefined;
  peek(): Entry | undefined;
}

/** `Simulation.run`'s loop without its checks, on a given queue. */
function onQueue(queue: QueueLike, clients: number): Result {
  let clock = 0;
  let seq = 0;
  const s: Scheduler = {
    get now() {
      return clock;
    },
    schedule(delay, fn) {
      queue.push(new Entry(clock + delay, 0, seq++, fn));
    },
  };
  const requests = { left: EVENTS / 2, sum: 0 };
  network(s, clients, requests)();
  let events = 0;
  for (;;) {
    const next = queue.peek();
    if (next === undefined) break;
    queue.pop();
    clock = next.time;
    events++;
    const fn = next.action as () => void;
    next.action = null;
    fn();
  }
  return { meanResponseMs: requests.sum / (EVENTS / 2), events };
}

const variants = [
  { name: "kernel (Simulation)", fn: kernel },
  { name: "pointer heap (old)", fn: (n: number) => onQueue(new PointerHeapQueue(), n) },
  { name: "4-ary heap (before)", fn: (n: number) => onQueue(new Heap4Queue(), n) },
  { name: "kernel queue (loop)", fn: (n: number) => onQueue(new EventQueue(), n) },
];

const cpus = os.cpus();
console.log(
  `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores; ` +
    `closed network, λ = ${LAMBDA}/ms, service mean ${SERVICE_MEAN_MS} ms, ` +
    `${EVENTS.toLocaleString("en")} events per run, ${ROUNDS} interleaved rounds after a warm-up`,
);
for (const n of SIZES) for (const v of variants) v.fn(n); // warm-up

const cpu = variants.map(() => SIZES.map(() => Number.POSITIVE_INFINITY));
const sinks = variants.map(() => SIZES.map(() => 0));
for (let round = 0; round < ROUNDS; round++) {
  for (let si = 0; si < SIZES.length; si++) {
    for (let k = 0; k < variants.length; k++) {
      const vi = (k + round + si) % variants.length;
      const v = variants[vi] as (typeof variants)[number];
      const c0 = process.cpuUsage();
      const r = v.fn(SIZES[si] as number);
      const c = process.cpuUsage(c0);
      if (r.events !== EVENTS) throw new Error(`${v.name}: ${r.events} events, not ${EVENTS}`);
      const row = cpu[vi] as number[];
      row[si] = Math.min(row[si] as number, (c.user + c.system) / 1000);
      (sinks[vi] as number[])[si] = r.meanResponseMs;
    }
  }
}

const nsPerEvent = (ms: number): number => (ms * 1e6) / EVENTS;
const rows = variants.map((v, vi) => {
  const row: Record<string, string> = { variant: v.name };
  const ms = cpu[vi] as number[];
  SIZES.forEach((n, si) => {
    row[`N=${n} ns/ev`] = nsPerEvent(ms[si] as number).toFixed(0);
  });
  const i10k = SIZES.indexOf(10_000);
  if (i10k >= 0) row["10⁴/10"] = ((ms[i10k] as number) / (ms[0] as number)).toFixed(2);
  return row;
});
console.table(rows);
const sinkRows = variants.map((v, vi) => [
  v.name,
  ...(sinks[vi] as number[]).map((x) => x.toFixed(9)),
]);
console.log("mean response ms (must agree across rows):");
for (const r of sinkRows) console.log(`  ${r.join("  ")}`);
const cur = cpu[3] as number[];
for (const [vi, name] of [
  [1, "pointer heap (old)"],
  [2, "4-ary heap (before)"],
] as const) {
  const other = cpu[vi] as number[];
  console.log(
    `kernel queue / ${name}, CPU: ${SIZES.map((n, si) => `N=${n} ${((cur[si] as number) / (other[si] as number)).toFixed(2)}×`).join(", ")}`,
  );
}
console.log(
  `Target: N = 10⁴ costs ≤ 1.5× N = 10 per event (kernel row). Load average: ${loadAverage()}`,
);
