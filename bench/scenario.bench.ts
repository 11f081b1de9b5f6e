// Simulated requests per wall-clock second for a built-in scenario, and the peak
// resident memory of the process, which must stay bounded however many requests
// run (histograms, not sample arrays).
//
//   npx tsx bench/scenario.bench.ts                      # read-heavy, 10^6 requests, 3 runs
//   npx tsx bench/scenario.bench.ts --requests 10000000 --runs 1   # the memory check
//   npx tsx bench/scenario.bench.ts --scenario write-heavy
import { cpus } from "node:os";
import { parseArgs } from "node:util";
import { builtinScenario, resolveScenario, runScenario } from "../src/index.js";

const { values } = parseArgs({
  options: {
    scenario: { type: "string", default: "read-heavy" },
    requests: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
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
const scenario = resolveScenario({ ...base, duration: durationMs });

console.log(
  `node ${process.version}, ${cpus()[0]?.model ?? "unknown CPU"}, ${cpus().length} cores`,
);
console.log(
  `scenario ${name}: ${requests.toExponential(0)} requests at ${rate}/s (${(durationMs / 1000).toFixed(0)} s simulated + warm-up)`,
);
let sink = 0;
const rates: number[] = [];
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  const report = runScenario(scenario);
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
