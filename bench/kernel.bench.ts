// The kernel against a bare event loop: the same M/M/1 queue
// (λ = 0.9, μ = 1 per ms, one FIFO server, 10^6 customers) written six ways in one
// process, timed interleaved after a warm-up, and reported as a ratio to the bare loop.
//
//   bare        a tinyqueue heap of {time, priority, seq, kind} objects ordered by
//               (time, priority, sequence) as the kernel orders its events (a bare heap
//               is not stable: without the sequence, equal times come out in any order),
//               an array of waiting arrival times: the least a correct event loop can do.
//   callbacks   the same logic on the kernel's `sim.schedule` (the models' fast path).
//   resource    callbacks with the kernel's `Resource` (`request().on(...)`, `release`).
//   processes   SimPy style: a generator per customer yielding `server.request()` and
//               `sim.timeout(service)` with a plain `yield`, as SimPy's own docs write it
//               (`request = resource.request(); yield request`). The target's row.
//   yield*      the same with `const req = yield* server.request()`: the typed form, which
//               costs an iterator object and two iterator results per request.
//   simjs       the npm package simjs 2.0.3 (a peer): an Entity with `setTimer` for the
//               arrivals and a FCFS `Facility` with `useFacility(...).done(...)`.
//
// All of them draw from the same seeded alea streams in the same order, so they simulate
// the same sample path: the mean waits they print (the sink against dead-code
// elimination) agree. Every ratio and target is on the process's CPU time
// (`process.cpuUsage()`), which holds on a shared machine where wall time does not.
// Run: `npx tsx bench/kernel.bench.ts [--quick] [--rounds=N]`.
import { createRequire } from "node:module";
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
  priority: number;
  seq: number;
  kind: number;
}

/** The kernel's order (src/kernel/queue.ts): time, then priority, then insertion sequence. */
function bareOrder(a: BareEvent, b: BareEvent): number {
  return a.time - b.time || a.priority - b.priority || a.seq - b.seq;
}

function bare(customers: number): Result {
  const arrivalU = alea("arrivals");
  const serviceU = alea("service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const queue = new TinyQueue<BareEvent>([], bareOrder);
  let seq = 0;
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let arrived = 0;
  let totalWait = 0;
  let events = 0;
  queue.push({ time: exp(arrivalU, 1 / LAMBDA), priority: 0, seq: seq++, kind: ARRIVAL });
  arrived++;
  while (queue.length > 0) {
    const ev = queue.pop() as BareEvent;
    const now = ev.time;
    events++;
    if (ev.kind === ARRIVAL) {
      if (arrived < customers) {
        queue.push({
          time: now + exp(arrivalU, 1 / LAMBDA),
          priority: 0,
          seq: seq++,
          kind: ARRIVAL,
        });
        arrived++;
      }
      if (busy) {
        waiting.push(now);
      } else {
        busy = true;
        queue.push({
          time: now + exp(serviceU, SERVICE_MEAN_MS),
          priority: 0,
          seq: seq++,
          kind: DEPARTURE,
        });
      }
    } else if (head < waiting.length) {
      totalWait += now - (waiting[head] as number);
      head++;
      queue.push({
        time: now + exp(serviceU, SERVICE_MEAN_MS),
        priority: 0,
        seq: seq++,
        kind: DEPARTURE,
      });
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
    const req = server.request();
    yield req;
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

/**
 * As {@link processes}, with the request waited on through `yield*` (its value typed).
 * A copy rather than one function over two customer bodies: a shared source loop would
 * see two generator shapes and slow both rows (as bench/generator-floor.ts explains).
 */
function processesDelegated(customers: number): Result {
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

// simjs 2.0.3 is a browserify bundle that publishes its API only as `window.Sim`
// (its src/sim.js ends `if (typeof window !== 'undefined') window.Sim = {...}`), so a
// stand-in `window` is set while it loads. Only what this bench calls is typed.
interface SimjsRequest {
  done(callback: () => void): SimjsRequest;
}
interface SimjsEntity {
  time(): number;
  setTimer(duration: number): SimjsRequest;
  useFacility(facility: object, duration: number): SimjsRequest;
}
interface Simjs {
  Sim: new () => {
    addEntity(klass: new (...args: never[]) => object): SimjsEntity;
    simulate(endTime: number): boolean;
  };
  Entity: new (...args: never[]) => SimjsEntity;
  Facility: new (name: string) => object;
}
function loadSimjs(): Simjs | null {
  const g = globalThis as { window?: { Sim?: Simjs } };
  g.window = {};
  try {
    createRequire(import.meta.url)("simjs");
    return g.window.Sim ?? null;
  } catch {
    return null;
  } finally {
    delete g.window;
  }
}
const SIMJS = loadSimjs();

function simjs(customers: number): Result {
  const lib = SIMJS as Simjs;
  const arrivalU = alea("arrivals");
  const serviceU = alea("service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const sim = new lib.Sim();
  const server = new lib.Facility("server");
  let arrived = 0;
  let served = 0;
  let totalWait = 0;
  // FIFO with one server: services start in arrival order, so drawing each service at
  // arrival takes the service stream in the same order as the other variants.
  class Source extends lib.Entity {
    start(): void {
      this.setTimer(exp(arrivalU, 1 / LAMBDA)).done(() => this.arrive());
    }
    arrive(): void {
      arrived++;
      if (arrived < customers) this.setTimer(exp(arrivalU, 1 / LAMBDA)).done(() => this.arrive());
      const arrivedAt = this.time();
      const service = exp(serviceU, SERVICE_MEAN_MS);
      this.useFacility(server, service).done(() => {
        totalWait += this.time() - arrivedAt - service;
        served++;
      });
    }
  }
  sim.addEntity(Source);
  sim.simulate(Number.POSITIVE_INFINITY);
  if (served !== customers) throw new Error(`simjs served ${served} of ${customers} customers`);
  // Events are not counted by simjs; an arrival timer and a departure per customer.
  return { meanWaitMs: totalWait / customers, events: 2 * customers };
}

const variants = [
  { name: "bare tinyqueue loop", fn: bare },
  { name: "kernel callbacks", fn: callbacks },
  { name: "kernel callbacks + Resource", fn: resource },
  { name: "kernel processes + Resource", fn: processes },
  { name: "kernel processes + Resource, yield*", fn: processesDelegated },
  ...(SIMJS === null ? [] : [{ name: "simjs 2.0.3 (peer)", fn: simjs }]),
];

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

// CPU time is the headline: on a shared machine wall time also measures the neighbours.
const bareCpuMin = stats(cpuTimes[0] as number[]).min;
const bareWallMin = stats(times[0] as number[]).min;
const TARGETS: Record<string, number> = {
  "kernel callbacks": 1.3,
  "kernel processes + Resource": 3,
};
const rows = variants.map((v, i) => {
  const wall = stats(times[i] as number[]);
  const cpu = stats(cpuTimes[i] as number[]);
  const sink = sinks[i] as Result;
  const ratio = cpu.min / bareCpuMin;
  const target = TARGETS[v.name];
  return {
    variant: v.name,
    "cpu min ms": cpu.min.toFixed(1),
    "cpu mean ± sd ms": `${cpu.mean.toFixed(1)} ± ${cpu.sd.toFixed(1)}`,
    "× bare cpu": ratio.toFixed(2),
    target: target === undefined ? "" : `≤ ${target}× ${ratio <= target ? "met" : "NOT met"}`,
    "customers/cpu-s": Math.round(CUSTOMERS / (cpu.min / 1000)).toLocaleString("en"),
    "events/cpu-s": Math.round(sink.events / (cpu.min / 1000)).toLocaleString("en"),
    "wall min ms": wall.min.toFixed(1),
    "× bare wall": (wall.min / bareWallMin).toFixed(2),
    "mean wait ms": sink.meanWaitMs.toFixed(6),
  };
});
console.table(rows);
console.log(
  `Load average (1, 5, 15 min): ${os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(", ")}`,
);
const cpuMinOf = (name: string): number | undefined => {
  const i = variants.findIndex((v) => v.name === name);
  return i < 0 ? undefined : stats(cpuTimes[i] as number[]).min;
};
const simjsCpu = cpuMinOf("simjs 2.0.3 (peer)");
if (simjsCpu === undefined) {
  console.log("simjs: not installed (npm ci installs it as a devDependency); no peer ratio.");
} else {
  for (const name of [
    "kernel callbacks",
    "kernel processes + Resource",
    "kernel processes + Resource, yield*",
  ]) {
    const own = cpuMinOf(name) as number;
    console.log(`simjs CPU time / ${name}: ${(simjsCpu / own).toFixed(2)}×`);
  }
}
console.log(
  "Targets (CPU time, bare loop with the sequence tie-break): kernel callbacks ≤ 1.3×, processes ≤ 3× " +
    "(judged on the plain-`yield` row, the form SimPy documents; the `yield*` row shows what the typed form costs).",
);
