// The kernel against a bare event loop: the same M/M/1 queue
// (λ = 0.9, μ = 1 per ms, one FIFO server, 10^6 customers) written four ways in one
// process, timed interleaved after a warm-up, and reported as a ratio to the bare loop.
//
//   bare        a tinyqueue heap of {time, kind} objects and a comparator, an array of
//               waiting arrival times: the least an event loop can do.
//   callbacks   the same logic on the kernel's `sim.schedule` (the models' fast path).
//   resource    callbacks with the kernel's `Resource` (`request().on(...)`, `release`).
//   processes   SimPy style: a generator per customer yielding `server.request()` and
//               `sim.timeout(service)`.
//
// All four draw from the same seeded alea streams in the same order, so they simulate
// the same sample path: the mean waits they print (the sink against dead-code
// elimination) agree. Run: `npx tsx bench/kernel.bench.ts [--quick] [--rounds=N]`.
import os from "node:os";
import { performance } from "node:perf_hooks";
import seedrandom from "seedrandom";
import TinyQueue from "tinyqueue";
import { type ProcessGenerator, Resource, Simulation } from "../src/kernel/index.js";

const quick = process.argv.includes("--quick");
const roundsArg = process.argv.find((a) => a.startsWith("--rounds="));
const CUSTOMERS = quick ? 100_000 : 1_000_000;
const ROUNDS =
  roundsArg === undefined ? (quick ? 3 : 5) : Number(roundsArg.slice("--rounds=".length));
if (!(Number.isInteger(ROUNDS) && ROUNDS >= 1)) {
  throw new RangeError(`--rounds must be a positive integer, got ${roundsArg}`);
}
const LAMBDA = 0.9;
const SERVICE_MEAN_MS = 1;
const SEED = 42;

interface Result {
  meanWaitMs: number;
  events: number;
}

/** The uniform stream `sim.rng(label)` gives for this seed: alea seeded by `${seed}\0${label}`. */
function alea(label: string): () => number {
  return seedrandom.alea(`${SEED}\u0000${label}`);
}

const ARRIVAL = 0;
const DEPARTURE = 1;

interface BareEvent {
  time: number;
  kind: number;
}

function bare(customers: number): Result {
  const arrivalU = alea("arrivals");
  const serviceU = alea("service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const queue = new TinyQueue<BareEvent>([], (a, b) => a.time - b.time);
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let arrived = 0;
  let totalWait = 0;
  let events = 0;
  queue.push({ time: exp(arrivalU, 1 / LAMBDA), kind: ARRIVAL });
  arrived++;
  while (queue.length > 0) {
    const ev = queue.pop() as BareEvent;
    const now = ev.time;
    events++;
    if (ev.kind === ARRIVAL) {
      if (arrived < customers) {
        queue.push({ time: now + exp(arrivalU, 1 / LAMBDA), kind: ARRIVAL });
        arrived++;
      }
      if (busy) {
        waiting.push(now);
      } else {
        busy = true;
        queue.push({ time: now + exp(serviceU, SERVICE_MEAN_MS), kind: DEPARTURE });
      }
    } else if (head < waiting.length) {
      totalWait += now - (waiting[head] as number);
      head++;
      queue.push({ time: now + exp(serviceU, SERVICE_MEAN_MS), kind: DEPARTURE });
    } else {
      busy = false;
    }
  }
  return { meanWaitMs: totalWait / customers, events };
}

function callbacks(customers: number): Result {
  const sim = new Simulation({ seed: SEED });
  const arrivalRng = sim.rng("arrivals");
  const serviceRng = sim.rng("service");
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let arrived = 0;
  let totalWait = 0;
  const depart = (): void => {
    if (head < waiting.length) {
      totalWait += sim.now - (waiting[head] as number);
      head++;
      sim.schedule(serviceRng.exponential(SERVICE_MEAN_MS), depart);
    } else {
      busy = false;
    }
  };
  const arrive = (): void => {
    if (arrived < customers) {
      sim.schedule(arrivalRng.exponential(1 / LAMBDA), arrive);
      arrived++;
    }
    if (busy) {
      waiting.push(sim.now);
    } else {
      busy = true;
      sim.schedule(serviceRng.exponential(SERVICE_MEAN_MS), depart);
    }
  };
  sim.schedule(arrivalRng.exponential(1 / LAMBDA), arrive);
  arrived++;
  const run = sim.run();
  return { meanWaitMs: totalWait / customers, events: run.events };
}

function resource(customers: number): Result {
  const sim = new Simulation({ seed: SEED });
  const arrivalRng = sim.rng("arrivals");
  const serviceRng = sim.rng("service");
  const server = new Resource(sim, { capacity: 1 });
  let arrived = 0;
  let totalWait = 0;
  const arrive = (): void => {
    if (arrived < customers) {
      sim.schedule(arrivalRng.exponential(1 / LAMBDA), arrive);
      arrived++;
    }
    const req = server.request();
    req.on(() => {
      totalWait += sim.now - req.requestedAt;
      sim.schedule(serviceRng.exponential(SERVICE_MEAN_MS), () => server.release(req));
    });
  };
  sim.schedule(arrivalRng.exponential(1 / LAMBDA), arrive);
  arrived++;
  const run = sim.run();
  return { meanWaitMs: totalWait / customers, events: run.events };
}

function processes(customers: number): Result {
  const sim = new Simulation({ seed: SEED });
  const arrivalRng = sim.rng("arrivals");
  const serviceRng = sim.rng("service");
  const server = new Resource(sim, { capacity: 1 });
  let totalWait = 0;
  function* customer(): ProcessGenerator<void> {
    const arrivedAt = sim.now;
    const req = yield* server.request();
    totalWait += sim.now - arrivedAt;
    yield sim.timeout(serviceRng.exponential(SERVICE_MEAN_MS));
    server.release(req);
  }
  function* source(): ProcessGenerator<void> {
    for (let i = 0; i < customers; i++) {
      yield sim.timeout(arrivalRng.exponential(1 / LAMBDA));
      sim.process(customer());
    }
  }
  sim.process(source());
  const run = sim.run();
  return { meanWaitMs: totalWait / customers, events: run.events };
}

const variants = [
  { name: "bare tinyqueue loop", fn: bare },
  { name: "kernel callbacks", fn: callbacks },
  { name: "kernel callbacks + Resource", fn: resource },
  { name: "kernel processes + Resource", fn: processes },
] as const;

function stats(xs: readonly number[]): { min: number; mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / Math.max(1, xs.length - 1);
  return { min: Math.min(...xs), mean, sd: Math.sqrt(variance) };
}

const cpus = os.cpus();
console.log(
  `Node ${process.version}, ${cpus[0]?.model ?? "unknown CPU"}, ${cpus.length} cores, ${os.platform()} ${os.arch()}`,
);
console.log(
  `M/M/1 λ = ${LAMBDA}, μ = ${1 / SERVICE_MEAN_MS} per ms, ${CUSTOMERS.toLocaleString("en")} customers, ` +
    `seed ${SEED}, ${ROUNDS} interleaved rounds after a warm-up (theory Wq = 9 ms)`,
);

// Warm-up: let the JIT compile every variant before anything is timed.
for (let i = 0; i < 3; i++) for (const v of variants) v.fn(Math.min(CUSTOMERS, 100_000));

const times = variants.map(() => [] as number[]);
const cpuTimes = variants.map(() => [] as number[]);
const sinks: Result[] = [];
for (let round = 0; round < ROUNDS; round++) {
  // Rotate the order so no variant always runs right after another's garbage.
  for (let k = 0; k < variants.length; k++) {
    const i = (k + round) % variants.length;
    const v = variants[i] as (typeof variants)[number];
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const result = v.fn(CUSTOMERS);
    const t1 = performance.now();
    const cpu = process.cpuUsage(c0);
    (times[i] as number[]).push(t1 - t0);
    (cpuTimes[i] as number[]).push((cpu.user + cpu.system) / 1000);
    sinks[i] = result;
  }
}

const bareMin = stats(times[0] as number[]).min;
const bareCpuMin = stats(cpuTimes[0] as number[]).min;
const rows = variants.map((v, i) => {
  const s = stats(times[i] as number[]);
  const cpuMin = stats(cpuTimes[i] as number[]).min;
  const sink = sinks[i] as Result;
  return {
    variant: v.name,
    "min ms": s.min.toFixed(1),
    "mean ± sd ms": `${s.mean.toFixed(1)} ± ${s.sd.toFixed(1)}`,
    "customers/s": Math.round(CUSTOMERS / (s.min / 1000)).toLocaleString("en"),
    "events/s": Math.round(sink.events / (s.min / 1000)).toLocaleString("en"),
    "× bare": (s.min / bareMin).toFixed(2),
    "cpu min ms": cpuMin.toFixed(1),
    "× bare cpu": (cpuMin / bareCpuMin).toFixed(2),
    "mean wait ms": sink.meanWaitMs.toFixed(6),
  };
});
console.table(rows);
// Wall time is the headline; on a shared machine the process's CPU time (all its threads,
// GC helpers included) is steadier, so it is shown beside it.
console.log(
  `Load average (1, 5, 15 min): ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ")}`,
);
console.log("Targets: kernel callbacks ≤ 1.5× bare, processes ≤ 4× bare.");
