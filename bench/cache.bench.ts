// The read-heavy plan on its primary alone, without and with an application
// cache (cache-aside on Redis, sized for ≥ 90 % hits), interleaved in one
// process: simulated requests per CPU-second, the hit ratio, GC share. The key
// space is cut to 10,000 keys so the cache reaches ≥ 90 % hits within the run
// (read-heavy's 10^6 Zipf keys need about 400,000 cached items for 90 % by
// Che's approximation, more than a 10^6-request run warms).
//
//   npm run build && npx tsx bench/cache.bench.ts --dist
//   npx tsx bench/cache.bench.ts --dist --requests 200000 --runs 1   # a smoke run
import { parseArgs } from "node:util";
import { fmt, loadAverage, measure } from "./measure.js";

const dbsim = (await import(
  process.argv.includes("--dist") ? "../dist/index.js" : "../src/index.js"
)) as typeof import("../src/index.js");
const { builtinScenario, resolveScenario, runScenario } = dbsim;

const { values } = parseArgs({
  options: {
    requests: { type: "string", default: "1000000" },
    runs: { type: "string", default: "3" },
    dist: { type: "boolean", default: false },
  },
});
const requests = Number(values.requests);
const runs = Number(values.runs);

function scenario(withCache: boolean) {
  const base = resolveScenario(builtinScenario("read-heavy") ?? {});
  const rate = base.workload.rate as number;
  const { replication: _r, routing: _g, variants: _v, ...rest } = base;
  return resolveScenario({
    ...rest,
    duration: (requests / rate) * 1000 - base.warmup,
    workload: { ...base.workload, keys: { ...base.workload.keys, count: 10_000 } },
    ...(withCache
      ? { cache: { engine: "redis" as const, capacity: { megabytes: 16 }, valueBytes: 1024 } }
      : {}),
  });
}

const plans = [
  { name: "primary alone", scenario: scenario(false) },
  { name: "primary + cache", scenario: scenario(true) },
];
const best = new Map<string, number>();
for (let round = 0; round < runs; round++) {
  for (const plan of round % 2 === 0 ? plans : [...plans].reverse()) {
    const m = await measure(() => runScenario(plan.scenario));
    const perCpuSec = requests / (m.cpuMs / 1000);
    best.set(plan.name, Math.max(best.get(plan.name) ?? 0, perCpuSec));
    const hit = m.value.cache === undefined ? "" : `, hit ratio ${m.value.cache.hitRatio}`;
    console.log(
      `${plan.name}: ${(m.cpuMs / 1000).toFixed(2)} s CPU, ${fmt(perCpuSec)} simulated requests per CPU-s, ` +
        `GC ${((100 * m.gcMs) / m.wallMs).toFixed(1)} % of wall, p50 read ${m.value.latency.read.p50} ms${hit}; load ${loadAverage()}`,
    );
  }
}
for (const [name, perCpuSec] of best) console.log(`best ${name}: ${fmt(perCpuSec)} per CPU-s`);
console.log("target (read-heavy with a cache at ≥ 90 % hits): ≥ 600,000 per CPU-s");
