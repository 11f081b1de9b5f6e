// The connection-pool paradox: sweep pgbouncer's default_pool_size in front of
// a 16-core primary and print throughput and p99 for each size. With the
// Universal Scalability Law's σ = 0.03 and κ = 0.01, throughput peaks near
// N* = √((1 − σ)/κ) ≈ 10 concurrent queries and falls beyond: more
// connections, less work done, longer waits.
// Run: npx tsx examples/pool-sizing.ts
import { BUILTIN_SCENARIOS, runScenario, type ScenarioInput } from "dbsim";

const base = BUILTIN_SCENARIOS["pool-size"] as ScenarioInput;
const sigma = 0.03;
const kappa = 0.01;
const cores = 16;
console.log(`N* = √((1−σ)/κ) = ${Math.sqrt((1 - sigma) / kappa).toFixed(1)}`);
console.log("pool  completed/s  USL X(N)/s   p50 ms    p99 ms");
for (const size of [2, 4, 6, 8, 10, 12, 16, 20, 30, 40, 60, 100]) {
  const report = runScenario({
    ...base,
    duration: "10s",
    warmup: "2s",
    variants: undefined,
    pool: { ...base.pool, defaultPoolSize: size },
  });
  // Mean work 3 ms per statement (pool-size's CPU-heavy statements, 1–5 ms), all N connections busy.
  const usl =
    (Math.min(size, cores) / (1 + sigma * (size - 1) + kappa * size * (size - 1)) / 3) * 1000;
  const { completedPerSec } = report.throughput;
  const { p50, p99 } = report.latency.all;
  console.log(
    `${String(size).padStart(4)}  ${completedPerSec.toFixed(0).padStart(11)}  ${usl.toFixed(0).padStart(10)}  ${p50.toFixed(1).padStart(8)}  ${p99.toFixed(1).padStart(8)}`,
  );
}
