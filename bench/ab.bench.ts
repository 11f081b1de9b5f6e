// Before and after in one process: two built packages (e.g. main's dist copied aside
// and this tree's) run the same work alternately, round after round, and each is
// timed in CPU time (`process.cpuUsage()`). On a shared machine the neighbours' load
// changes from minute to minute; interleaving puts both builds under the same load,
// and the median over rounds of each side is compared. Every pair must agree on
// its result (the same mean wait, the same report), or the bench throws.
//
//   npx tsx bench/ab.bench.ts --a /tmp/before/dist --b dist                # everything
//   npx tsx bench/ab.bench.ts --a /tmp/before/dist --b dist --only pending,scenario
//   npx tsx bench/ab.bench.ts --a … --b … --rounds 9 --requests 300000
//   npx tsx bench/ab.bench.ts --a … --b … --only shards                   # the 16-shard row alone
//   npx tsx bench/ab.bench.ts --a … --b … --only cache,replicas           # the cache plan, 2 replicas
//   npx tsx bench/ab.bench.ts --a … --b … --only monitor                  # the consistency monitor alone
//   npx tsx bench/ab.bench.ts --a … --b … --only single,replicas,pool --mechanisms none   # pure processor sharing
//
// Rows: the M/M/1 queue on kernel callbacks and on processes, with a plain `yield` and
// with `yield*` (as in kernel.bench.ts, 10^6 customers); the closed network of
// pending.bench.ts at N = 10 … 10^5 pending events (2·10^6 events), on `Simulation`;
// read-heavy with its primary alone, with 2
// replicas, with a transaction pool in front of every node, with 32 replicas, and
// 16 shards of the pooled cluster (the 16-shard row of scenario.bench.ts).
// A build directory needs its dependencies resolvable from where it sits (a copy
// under this repository's folder, or a symlinked node_modules beside it).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import seedrandom from "seedrandom";
import { loadAverage } from "./measure.js";
import { mm1Processes } from "./mm1-processes.js";
import { monitorStream, replayMonitor } from "./monitor-stream.js";

type Dbsim = typeof import("../src/index.js");

const { values } = parseArgs({
  options: {
    a: { type: "string" },
    b: { type: "string" },
    rounds: { type: "string", default: "5" },
    requests: { type: "string", default: "300000" },
    only: { type: "string", default: "kernel,pending,scenario" },
    mechanisms: { type: "string", default: "all" },
  },
});
if (values.a === undefined || values.b === undefined) {
  throw new Error("--a <dist dir> and --b <dist dir> are required (two built packages)");
}
const rounds = Number(values.rounds);
const requests = Number(values.requests);
for (const [flag, v] of [
  ["--rounds", rounds],
  ["--requests", requests],
] as const) {
  if (!(Number.isSafeInteger(v) && v >= 1)) {
    throw new RangeError(`${flag}: expected a positive integer; got ${JSON.stringify(v)}`);
  }
}
const only = new Set(values.only.split(","));
if (values.mechanisms !== "all" && values.mechanisms !== "none")
  throw new RangeError(
    `--mechanisms: expected "all" or "none"; got ${JSON.stringify(values.mechanisms)}`,
  );
// "none": the scenario rows' pure processor-sharing form, as scenario.bench.ts's
// `--mechanisms none` (its 1–5 ms statements of CPU alone).
const PURE = values.mechanisms === "none";
const load = async (dir: string): Promise<Dbsim> =>
  (await import(resolve(dir, "index.js"))) as Dbsim;
const builds = [await load(values.a), await load(values.b)] as const;

interface Work {
  readonly name: string;
  /** Runs once on a build; returns what both builds must agree on. */
  readonly run: (d: Dbsim) => string;
  /** What one run amounts to, for the rate column (customers, events, requests). */
  readonly units: number;
  readonly unit: string;
}

function mm1Callbacks(d: Dbsim, customers: number): string {
  const sim = new d.Simulation({ seed: 42 });
  const ar = sim.rng("arrivals");
  const sr = sim.rng("service");
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let arrived = 0;
  let totalWait = 0;
  const depart = (): void => {
    if (head < waiting.length) {
      totalWait += sim.now - (waiting[head] as number);
      head++;
      sim.schedule(sr.exponential(1), depart);
    } else busy = false;
  };
  const arrive = (): void => {
    if (arrived < customers) {
      sim.schedule(ar.exponential(1 / 0.9), arrive);
      arrived++;
    }
    if (busy) waiting.push(sim.now);
    else {
      busy = true;
      sim.schedule(sr.exponential(1), depart);
    }
  };
  sim.schedule(ar.exponential(1 / 0.9), arrive);
  arrived++;
  sim.run();
  return (totalWait / customers).toFixed(9);
}

/** pending.bench.ts's closed network: N think timers pending, λ = 0.5 per ms in total. */
function closedNetwork(d: Dbsim, clients: number, events: number): string {
  const sim = new d.Simulation({ seed: 42 });
  const thinkU = seedrandom.alea("42\u0000think");
  const serviceU = seedrandom.alea("42\u0000service");
  const exp = (u: () => number, mean: number): number => -mean * Math.log(1 - u());
  const thinkMean = clients / 0.5;
  const waiting: number[] = [];
  let head = 0;
  let busy = false;
  let left = events / 2;
  let since = 0;
  let sum = 0;
  const think = (): void => {
    if (left > 0) {
      left--;
      sim.schedule(exp(thinkU, thinkMean), arrive);
    }
  };
  const depart = (): void => {
    sum += sim.now - since;
    think();
    if (head < waiting.length) {
      since = waiting[head] as number;
      head++;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting.splice(0, head);
        head = 0;
      }
      sim.schedule(exp(serviceU, 1), depart);
    } else busy = false;
  };
  function arrive(): void {
    if (busy) waiting.push(sim.now);
    else {
      busy = true;
      since = sim.now;
      sim.schedule(exp(serviceU, 1), depart);
    }
  }
  for (let i = 0; i < clients; i++) think();
  const run = sim.run();
  if (run.events !== events) throw new Error(`closed network: ${run.events} events, not ${events}`);
  return (sum / (events / 2)).toFixed(9);
}

type Topology = "single" | "replicas" | "pool" | "replicas32" | "shards16";

function readHeavy(d: Dbsim, topology: Topology, n: number): string {
  const base = d.resolveScenario(d.builtinScenario("read-heavy") as object);
  const rate = base.workload.rate;
  if (typeof rate !== "number") throw new Error("read-heavy is no longer constant-rate");
  const { replication, routing, variants: _variants, database, ...rest } = base;
  const scenario = d.resolveScenario({
    ...rest,
    database: PURE
      ? {
          ...database,
          mechanisms: "none" as const,
          readTime: "simpleIndexedQuery",
          writeTime: "simpleIndexedQuery",
        }
      : database,
    duration: (n / rate) * 1000 - base.warmup,
    ...(topology === "single"
      ? {}
      : {
          replication: topology === "replicas32" ? { ...replication, replicas: 32 } : replication,
          routing,
        }),
    ...(topology === "pool" || topology === "shards16"
      ? { pool: { poolMode: "transaction" as const } }
      : {}),
    // As scenario.bench.ts's 16-shard row: each shard the whole cluster above.
    ...(topology === "shards16" ? { sharding: { strategy: "hash-mod" as const, shards: 16 } } : {}),
  });
  return JSON.stringify(d.runScenarioDetailed(scenario).report);
}

// As cache.bench.ts: read-heavy on its primary alone with cache-aside on one Redis
// node (16 MB, 1 KB values) over 10,000 keys, about 90 % hits within the run.
function cachePlan(d: Dbsim, n: number): string {
  const base = d.resolveScenario(d.builtinScenario("read-heavy") as object);
  const rate = base.workload.rate;
  if (typeof rate !== "number") throw new Error("read-heavy is no longer constant-rate");
  const { replication: _r, routing: _g, variants: _v, ...rest } = base;
  const scenario = d.resolveScenario({
    ...rest,
    duration: (n / rate) * 1000 - base.warmup,
    workload: { ...base.workload, keys: { ...base.workload.keys, count: 10_000 } },
    cache: { engine: "redis" as const, capacity: { megabytes: 16 }, valueBytes: 1024 },
  });
  return JSON.stringify(d.runScenarioDetailed(scenario).report);
}

const PENDING_EVENTS = 2_000_000;
const works: Work[] = [];
if (only.has("kernel")) {
  works.push(
    {
      name: "M/M/1, kernel callbacks",
      run: (d) => mm1Callbacks(d, 1e6),
      units: 1e6,
      unit: "customers",
    },
    {
      name: "M/M/1, processes + Resource",
      run: (d) => mm1Processes(d, 1e6, "yield"),
      units: 1e6,
      unit: "customers",
    },
    {
      name: "M/M/1, processes + Resource, yield*",
      run: (d) => mm1Processes(d, 1e6, "yield*"),
      units: 1e6,
      unit: "customers",
    },
  );
}
if (only.has("pending")) {
  for (const n of [10, 100, 1_000, 10_000, 100_000]) {
    works.push({
      name: `closed network, N = ${n}`,
      run: (d) => closedNetwork(d, n, PENDING_EVENTS),
      units: PENDING_EVENTS,
      unit: "events",
    });
  }
}
// "shards" alone: the 16-shard row only, without the others; "single", "replicas",
// "pool": the primary-alone, 2-replica and pooled rows.
if (["scenario", "shards", "single", "replicas", "pool"].some((row) => only.has(row))) {
  for (const [name, t] of [
    ["read-heavy, primary alone", "single"],
    ["read-heavy, primary + 2 replicas", "replicas"],
    ["read-heavy, transaction pool, 2 replicas", "pool"],
    ["read-heavy, primary + 32 replicas", "replicas32"],
    ["read-heavy, 16 shards, each 2 replicas and a transaction pool", "shards16"],
  ] as const) {
    if (!only.has("scenario") && !only.has(t === "shards16" ? "shards" : t)) continue;
    // A request with 32 replicas costs a few times one with 2: a quarter of them keeps the row short.
    const n = t === "replicas32" ? Math.round(requests / 4) : requests;
    works.push({ name, run: (d) => readHeavy(d, t, n), units: n, unit: "requests" });
  }
}
if (only.has("monitor")) {
  const stream = monitorStream(requests * 4);
  works.push(
    {
      name: "consistency monitor alone, replicas 40 commits behind",
      run: (d) => replayMonitor(d, stream),
      units: stream.n,
      unit: "ops",
    },
    {
      name: "consistency monitor alone, compacted 5,000 commits behind (a cache)",
      run: (d) => replayMonitor(d, stream, 5_000),
      units: stream.n,
      unit: "ops",
    },
  );
}
if (only.has("cache")) {
  works.push({
    name: "read-heavy with a cache at ≥ 90 % hits",
    run: (d) => cachePlan(d, requests),
    units: requests,
    unit: "requests",
  });
}

console.log(`A = ${values.a}\nB = ${values.b}`);
console.log(
  `Node ${process.version}; ${rounds} interleaved rounds after a warm-up; load ${loadAverage()}`,
);
const median = (xs: number[]): number => {
  const s = [...xs].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};
const rows: Record<string, string>[] = [];
for (const w of works) {
  const sinks = builds.map((d) => w.run(d)); // warm-up, and the agreement check
  if (sinks[0] !== sinks[1]) throw new Error(`${w.name}: A and B disagree`);
  const cpu: [number[], number[]] = [[], []];
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? [0, 1] : [1, 0];
    for (const i of order) {
      const c0 = process.cpuUsage();
      const out = w.run(builds[i as 0 | 1]);
      const c = process.cpuUsage(c0);
      if (out !== sinks[0])
        throw new Error(`${w.name}: build ${i === 0 ? "A" : "B"} changed its result`);
      cpu[i as 0 | 1].push((c.user + c.system) / 1000);
    }
  }
  const [a, b] = [median(cpu[0]), median(cpu[1])];
  rows.push({
    work: w.name,
    "A CPU ms": a.toFixed(0),
    "B CPU ms": b.toFixed(0),
    "B / A": (b / a).toFixed(3),
    "A per CPU-s": `${Math.round((w.units / a) * 1000).toLocaleString("en-US")} ${w.unit}`,
    "B per CPU-s": `${Math.round((w.units / b) * 1000).toLocaleString("en-US")} ${w.unit}`,
  });
  console.log(
    `${w.name}: A ${cpu[0].map(Math.round).join(",")}  B ${cpu[1].map(Math.round).join(",")}`,
  );
}
console.table(rows);
console.log(`Load average at the end (1, 5, 15 min): ${loadAverage()}`);
