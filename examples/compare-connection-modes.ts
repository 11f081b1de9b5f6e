// Runs one workload twice — persistent pooled connections, then a connection per
// request — and prints what the set-up cost and max_connections do to it.
// Run: npx tsx examples/compare-connection-modes.ts
import { runScenario, type ScenarioInput } from "dbsim";

const base: ScenarioInput = {
  seed: 11,
  duration: "20s",
  warmup: "2s",
  // 2,000 connection set-ups per second at 1–5 ms of server work each: more than 8 cores do.
  workload: { rate: 2000, readRatio: 0.9 },
  database: { cores: 8, sigma: 0.02, kappa: 0.0005, maxConnections: 100 },
};

for (const connections of ["persistent", "per-request"] as const) {
  const r = runScenario({ ...base, client: { connections, instances: 50, poolSize: 2 } });
  const node = r.nodes[0];
  console.log(
    [
      `${connections.padEnd(11)}`,
      `completed ${r.throughput.completedPerSec.toFixed(0)}/s`,
      `p50 ${r.latency.all.p50.toFixed(2)} ms`,
      `p99 ${r.latency.all.p99.toFixed(2)} ms`,
      `errors ${r.errors.total}`,
      `connections opened ${r.client.connectionsOpened}`,
      `peak connections ${node?.connectionsMax}`,
      `memory ${node?.memoryMB} MB`,
    ].join(" | "),
  );
}
