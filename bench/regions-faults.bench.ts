// The targets table's row "3 regions with faults" (buffer pool, locks, log flush,
// ≥ 150,000 simulated requests per CPU-second): the built-in `regions` plan with a
// replica in each region, at read-heavy's 1,200 requests per second, and on its
// timeline a partition that cuts ap-south off, a primary crash with failover and
// a delay spike on every application hop, placed at fixed shares of the run so
// any run length has all three. CPU time, best of the runs; peak RSS of the
// process (run it once at 3·10^5 and once at 3·10^6 requests and compare: flat,
// see bench/README.md).
//
//   npm run build && npx tsx bench/regions-faults.bench.ts --dist
//   npx tsx bench/regions-faults.bench.ts --dist --requests 300000 --runs 1
//   npx tsx bench/regions-faults.bench.ts --dist --no-faults       # the same plan, no timeline
//   node --expose-gc --import tsx bench/regions-faults.bench.ts --dist --runs 1   # live heap too
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { fmt, loadAverage, measure } from "./measure.js";

const dbsim = (await import(
  process.argv.includes("--dist") ? "../dist/index.js" : "../src/index.js"
)) as typeof import("../src/index.js");
const { builtinScenario, resolveScenario, runScenarioDetailed } = dbsim;

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    dist: { type: "boolean", default: false },
    // The same plan without its timeline: what the faults cost, and whether memory grows without them.
    "no-faults": { type: "boolean", default: false },
    // Keep only the timeline's events of one kind (partition, primary-crash, delay-spike).
    only: { type: "string" },
  },
});
const requests = Number(values.requests);
const runs = Number(values.runs);
for (const [flag, v] of [
  ["--requests", requests],
  ["--runs", runs],
] as const) {
  if (!(Number.isSafeInteger(v) && v >= 1))
    throw new RangeError(`${flag}: expected a positive integer; got ${JSON.stringify(v)}`);
}

const TARGET = 150_000;
const RATE = 1_200;

function scenario() {
  const input = builtinScenario("regions");
  if (input === undefined) throw new Error("no built-in scenario regions");
  const { variants: _variants, ...base } = resolveScenario(input);
  const durationMs = (requests / RATE) * 1000 - base.warmup;
  const totalMs = durationMs + base.warmup;
  const at = (share: number) => Math.round(totalMs * share);
  return resolveScenario({
    ...base,
    duration: durationMs,
    workload: { ...base.workload, rate: RATE },
    // Between the crash and the promotion reads of the old primary's region cross
    // regions and hold their connection for the round trip: the built-in's
    // 4 × 20 connections ran out (connection_timeout piling up) when the replicas
    // left behind also left the rotation; 4 × 60 keep the figures comparable.
    client: { ...base.client, poolSize: 60 },
    database: { ...base.database, maxConnections: 300 },
    replication: {
      ...base.replication,
      replicas: [
        { name: "us-east-1", region: "us-east" },
        { name: "eu-west-1", region: "eu-west" },
        { name: "ap-south-1", region: "ap-south" },
      ],
    },
    timeline: (values["no-faults"]
      ? []
      : [
          {
            at: at(0.2),
            kind: "partition",
            for: 20_000,
            sides: [["ap-south"], ["us-east", "eu-west"]],
            driverTimeout: 5_000,
          },
          {
            at: at(0.4),
            kind: "primary-crash",
            failover: { detection: 10_000, routingUpdate: 1_000 },
          },
          { at: at(0.6), kind: "delay-spike", for: 30_000, extra: 40 },
        ]
    ).filter((e) => values.only === undefined || e.kind === values.only),
  });
}

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores; load average (1, 5, 15 min) ${loadAverage()}`,
);
const s = scenario();
console.log(
  `3 regions (us-east, eu-west, ap-south), a replica in each, buffer pool, locks, log flush; ` +
    `partition + primary crash + delay spike; ${requests.toExponential(1)} requests at ${RATE}/s` +
    `${values.dist ? ", built package" : ", source via tsx"}`,
);
let best = 0;
let sink = 0;
for (let i = 0; i < runs; i++) {
  const m = await measure(() => runScenarioDetailed(s));
  const { report } = m.value;
  sink += report.latency.all.count;
  const perCpuSec = requests / (m.cpuMs / 1000);
  best = Math.max(best, perCpuSec);
  const fault = report.faults?.events[0];
  console.log(
    `run ${i + 1}: ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${(m.wallMs / 1000).toFixed(2)} s wall; ` +
      `${fmt(perCpuSec)} simulated requests per CPU-s, GC pauses ${((100 * m.gcMs) / m.wallMs).toFixed(1)} % of wall; ` +
      `promoted ${fault?.promoted}, lost ${report.faults?.lostWrites}, errors ${JSON.stringify(report.errors.byKind)}; load ${loadAverage()}`,
  );
}
// With --expose-gc: the live heap once the run is over (its report still held),
// which unlike the peak RSS does not count garbage the collector had not yet freed.
const gc = (globalThis as { gc?: () => void }).gc;
if (gc !== undefined) {
  gc();
  console.log(
    `live heap after a full collection ${(process.memoryUsage().heapUsed / 1e6).toFixed(1)} MB`,
  );
}
console.log(
  `best ${fmt(best)} simulated requests per CPU-s; target ≥ ${fmt(TARGET)}: ${best >= TARGET ? "met" : "NOT met"}; ` +
    `peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB (sink ${sink})`,
);
