// Memory a built topology holds before it runs — the per-key state of every node
// and the version oracle (issues 11 and 13) — for read-heavy's 10^6 keys, from
// `process.memoryUsage().arrayBuffers` (typed arrays' backing stores: counted when
// allocated, whereas RSS counts only pages written to). Run it once per source tree
// and topology, each in a fresh process:
//
//   npx tsx bench/key-memory.ts --src /tmp/before/src --topology shards16
//   npx tsx bench/key-memory.ts --src src --topology shards16
//
// Topologies: shards16 (16 shards, each a primary, 2 replicas and a transaction
// pool: 48 nodes) and replicas32 (one primary and 32 replicas: 33 nodes).
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadAverage } from "./measure.js";

type Build = typeof import("../src/scenario/build.js");
type Dbsim = typeof import("../src/index.js");

const { values } = parseArgs({
  options: {
    src: { type: "string", default: "src" },
    topology: { type: "string", default: "shards16" },
  },
});
const topology = values.topology;
if (topology !== "shards16" && topology !== "replicas32") {
  throw new RangeError(`--topology: expected shards16 or replicas32; got ${topology}`);
}
const d = (await import(resolve(values.src, "index.ts"))) as Dbsim;
const { buildTopology } = (await import(resolve(values.src, "scenario/build.ts"))) as Build;
const base = d.resolveScenario(d.builtinScenario("read-heavy") as object);
const { replication, variants: _variants, ...rest } = base;
const scenario = d.resolveScenario({
  ...rest,
  ...(topology === "shards16"
    ? {
        replication,
        pool: { poolMode: "transaction" as const },
        sharding: { strategy: "hash-mod" as const, shards: 16 },
      }
    : { replication: { ...replication, replicas: 32 } }),
});
const before = process.memoryUsage().arrayBuffers;
const built = buildTopology(new d.Simulation({ seed: 1 }), scenario);
const held = process.memoryUsage().arrayBuffers - before;
const nodes = built.clusters.reduce((n, c) => n + c.nodes.length, 0);
const keys = scenario.workload.keys.count;
console.log(
  `${values.src} ${topology}: ${nodes} nodes, ${keys} keys; typed arrays held by the built topology ` +
    `${(held / 2 ** 20).toFixed(1)} MiB = ${(held / (keys * nodes)).toFixed(2)} B per key per node; load ${loadAverage()}`,
);
