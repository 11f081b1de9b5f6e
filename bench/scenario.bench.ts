// Simulated requests per wall-clock second for a built-in scenario, and the peak
// resident memory of the process, which must stay bounded however many requests
// run (histograms, not sample arrays).
//
//   npx tsx bench/scenario.bench.ts                      # read-heavy, 10^6 requests, 3 runs
//   npx tsx bench/scenario.bench.ts --requests 10000000 --runs 1   # the memory check
//   npx tsx bench/scenario.bench.ts --scenario write-heavy
//   npx tsx bench/scenario.bench.ts --single                 # read-heavy on its primary alone
//   npx tsx bench/scenario.bench.ts --pool transaction       # pgbouncer in front of every node
//   npx tsx bench/scenario.bench.ts --history --runs 1       # record every operation too
//   npm run build && npx tsx bench/scenario.bench.ts --dist  # the built package
import { cpus } from "node:os";
import { parseArgs } from "node:util";

// --dist measures the built package (what users run; build it first); without it, the
// source through tsx, whose transform wraps every closure in a naming helper.
const dbsim = (await import(
  process.argv.includes("--dist") ? "../dist/index.js" : "../src/index.js"
)) as typeof import("../src/index.js");
const { builtinScenario, resolveScenario, runScenarioDetailed } = dbsim;

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "read-heavy" },
    requests: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    single: { type: "boolean", default: false },
    pool: { type: "string" },
    history: { type: "boolean", default: false },
    dist: { type: "boolean", default: false },
  },
});
const name = values.scenario;
const requests = Number(values.requests);
const runs = Number(values.runs);
const input = builtinScenario(name);
if (input === undefined) throw new Error(`no built-in scenario "${name}"`);
const base = resolveScenario(input);
const rate = base.workload.rate;
if (typeof rate !== "number") throw new Error("the bench needs a constant-rate scenario");
// Simulated time for the wanted number of requests, warm-up included.
const durationMs = (requests / rate) * 1000 - base.warmup;
const { replication, routing, variants: _variants, ...rest } = base;
const scenario = resolveScenario({
  ...rest,
  duration: durationMs,
  ...(values.single ? {} : { replication, routing }),
  ...(values.pool === undefined
    ? {}
    : { pool: { poolMode: values.pool as "session" | "transaction" | "statement" } }),
});
const topology = [
  scenario.replication
    ? `${typeof scenario.replication.replicas === "number" ? scenario.replication.replicas : scenario.replication.replicas.length} replicas`
    : "primary only",
  scenario.pool ? `pgbouncer ${scenario.pool.poolMode}` : "no pooler",
  values.history ? "history on" : "history off",
].join(", ");

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`,
);
console.log(
  `scenario ${name} (${topology}${values.dist ? ", built package" : ", source via tsx"}): ${requests.toExponential(0)} requests at ${rate}/s (${(durationMs / 1000).toFixed(0)} s simulated + warm-up)`,
);
let sink = 0;
const rates: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const run = runScenarioDetailed(
    scenario,
    values.history ? { history: { limit: requests * 2 } } : {},
  );
  const report = run.report;
  if (run.history !== null)
    console.log(
      `history: ${run.history.length} operations, ${(run.history.byteLength / 1e6).toFixed(1)} MB`,
    );
  const wallMs = performance.now() - t0;
  sink += report.latency.all.count;
  const perSec = requests / (wallMs / 1000);
  rates.push(perSec);
  console.log(
    `run ${i + 1}: ${(wallMs / 1000).toFixed(2)} s wall, ${Math.round(perSec).toLocaleString("en-US")} simulated requests/s, ` +
      `${Math.round(report.events / (wallMs / 1000)).toLocaleString("en-US")} events/s, p99 ${report.latency.all.p99} ms`,
  );
}
const maxRssMB = process.resourceUsage().maxRSS / 1024;
console.log(
  `best ${Math.round(Math.max(...rates)).toLocaleString("en-US")} simulated requests/s; peak RSS ${maxRssMB.toFixed(0)} MB (sink ${sink})`,
);
