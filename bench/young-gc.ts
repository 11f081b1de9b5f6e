// Allocation of one run, counted by the collector: with the young generation fixed in
// size, every scavenge follows the same amount of allocation (about the semi-space
// size), so the number of scavenges in a run measures the bytes it allocated — a figure
// that does not depend on the machine's load, unlike CPU time. Run it once per build,
// each in a fresh process:
//
//   node --min-semi-space-size=8 --max-semi-space-size=8 --import tsx \
//     bench/young-gc.ts --dist /tmp/before/dist --work replicas
//
// Works: single, replicas, pool (read-heavy with its primary alone, with 2 replicas,
// with a transaction pool in front of every node; --requests, default 3·10^5) and
// mm1p (the M/M/1 queue of kernel.bench.ts on processes, 10^6 customers). A warm-up
// run comes first; the count is of the second run.

import { resolve } from "node:path";
import { PerformanceObserver } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { loadAverage } from "./measure.js";
import { mm1Processes } from "./mm1-processes.js";

type Dbsim = typeof import("../src/index.js");

const { values } = parseArgs({
  options: {
    dist: { type: "string", default: "dist" },
    work: { type: "string", default: "replicas" },
    requests: { type: "string", default: "300000" },
  },
});
const work = values.work;
if (work !== "single" && work !== "replicas" && work !== "pool" && work !== "mm1p") {
  throw new RangeError(`--work: expected single, replicas, pool or mm1p; got ${work}`);
}
const requests = Number(values.requests);
if (!(Number.isSafeInteger(requests) && requests >= 1)) {
  throw new RangeError(`--requests: expected a positive integer; got ${values.requests}`);
}
const d = (await import(resolve(values.dist, "index.js"))) as Dbsim;

function readHeavy(topology: "single" | "replicas" | "pool"): string {
  const base = d.resolveScenario(d.builtinScenario("read-heavy") as object);
  const rate = base.workload.rate;
  if (typeof rate !== "number") throw new Error("read-heavy is no longer constant-rate");
  const { replication, routing, variants: _variants, ...rest } = base;
  const scenario = d.resolveScenario({
    ...rest,
    duration: (requests / rate) * 1000 - base.warmup,
    ...(topology === "single" ? {} : { replication, routing }),
    ...(topology === "pool" ? { pool: { poolMode: "transaction" as const } } : {}),
  });
  return String(d.runScenarioDetailed(scenario).report.events);
}

const run = (): string => (work === "mm1p" ? mm1Processes(d, 1e6) : readHeavy(work));
const settle = (): Promise<void> => new Promise((done) => setTimeout(done, 50));
let scavenges = 0;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = ((entry as { detail?: unknown }).detail as { kind?: number } | null)?.kind;
    // NODE_PERFORMANCE_GC_MINOR (perf_hooks.constants): a scavenge.
    if (kind === 1) scavenges++;
  }
});
observer.observe({ entryTypes: ["gc"] });
run();
await settle();
scavenges = 0;
const c0 = process.cpuUsage();
const sink = run();
const cpu = process.cpuUsage(c0);
await settle();
observer.disconnect();
console.log(
  `${values.dist} ${work}: ${scavenges} scavenges; ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU; load ${loadAverage()}; sink ${sink}`,
);
