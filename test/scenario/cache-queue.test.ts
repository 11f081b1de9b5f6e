// A cache node's command queue in a scenario: every GET and SET waits for one of
// the node's threads. Redis executes commands on one thread (server.c's event
// loop; io-threads only read sockets and write replies), Memcached on `-t`
// worker threads (memcached.c settings_init: num_threads = 4). Read-only traffic
// over 1,000 uniformly popular keys, all of which fit in the cache, so after the
// warm-up nearly every command is a GET arriving as a Poisson stream.
import { describe, expect, it } from "vitest";
import { builtinScenario, runScenario, runVariants, type ScenarioInput } from "../../src/index.js";
import { mm1WaitMs } from "../validation/queueing.js";

/** A slow command (1 ms: think of a large value or a Lua script) so saturation comes at 1,000 commands per second. */
const COMMAND_MS = 1;

function scenario(
  rate: number,
  cache: Partial<NonNullable<ScenarioInput["cache"]>>,
): ScenarioInput {
  return {
    seed: 12,
    duration: "10s",
    warmup: "2s",
    workload: { rate, readRatio: 1, keys: { count: 1000, popularity: { kind: "uniform" } } },
    cache: {
      engine: "redis",
      capacity: { megabytes: 16 },
      commandTime: { kind: "exponential", mean: COMMAND_MS },
      ...cache,
    },
  };
}

function nodes(input: ScenarioInput) {
  const c = runScenario(input).cache;
  if (c === undefined) throw new Error("no cache section");
  return c.nodes;
}

describe("a cache node's command queue", () => {
  it("one Redis node at ρ = 0.5 waits as M/M/1: Wq = ρ/(μ−λ) = 1 ms (Kleinrock 1975, §3.2)", () => {
    // A 10 s warm-up (5,000 reads) leaves e⁻⁵ ≈ 0.7 % of the keys uncached, so sets after a
    // miss add almost nothing to the node's Poisson GETs (with 2 s, 37 % of keys would still
    // miss once in the measured span: ρ ≈ 0.54, not 0.5).
    const [node] = nodes({ ...scenario(500, {}), warmup: "10s" });
    // 5,000 measured commands; M/M/1's relaxation time at ρ = 0.5 is about 12 commands,
    // so the mean's standard error is about 6 %: 20 % is over three of them.
    expect(node?.queueWaitMeanMs).toBeGreaterThan(mm1WaitMs(0.5, 1) * 0.8);
    expect(node?.queueWaitMeanMs).toBeLessThan(mm1WaitMs(0.5, 1) * 1.2);
    expect(node?.utilisation).toBeGreaterThan(0.47);
    expect(node?.utilisation).toBeLessThan(0.53);
  });

  it("1,500 GETs/s: one Redis node saturates; Memcached's 4 threads and a 4-node Redis Cluster do not", () => {
    const [redis] = nodes(scenario(1500, {}));
    const [memcached] = nodes(scenario(1500, { engine: "memcached" }));
    const cluster = nodes(scenario(1500, { nodes: 4 }));
    // ρ = λ/μ = 1.5 on one thread: busy all the time, and the backlog grows by about
    // 500 commands a second, so waits reach seconds.
    expect(redis?.utilisation).toBeGreaterThan(0.99);
    expect(redis?.queueWaitMaxMs).toBeGreaterThan(1000);
    // ρ = 1.5/4 = 0.375 per thread: M/M/4's mean wait C/(4μ−λ) ≈ 0.02 ms; 0.2 ms is far above.
    expect(memcached?.utilisation).toBeLessThan(0.45);
    expect(memcached?.queueWaitMeanMs).toBeLessThan(0.2);
    // Hash slots spread uniform keys: about 375 commands/s per node, ρ ≈ 0.375, Wq ≈ 0.6 ms.
    expect(cluster).toHaveLength(4);
    for (const node of cluster) {
      expect(node.utilisation).toBeLessThan(0.5);
      expect(node.queueWaitMeanMs).toBeLessThan(1.5);
    }
  });

  it("the reference LRU has no queue unless given a commandTime; Redis refuses threads ≠ 1", () => {
    const lru = runScenario({
      ...scenario(100, {}),
      cache: { engine: "lru", capacity: { items: 1000 } },
    }).cache;
    expect(lru?.nodes[0]?.utilisation).toBeUndefined();
    expect(() => runScenario(scenario(100, { threads: 4 }))).toThrow(/cache\.threads/);
  });
});

describe("built-in cache-nodes", () => {
  it("one Redis node is overloaded; one Memcached node and a 4-node Redis Cluster keep up", () => {
    // Shortened to 2 s + 6 s: about 1.2 commands per request at 1,500 requests per second and
    // 1 ms a command is ρ ≈ 1.8 on one thread, ≈ 0.45 on each of four.
    const input: ScenarioInput = {
      ...builtinScenario("cache-nodes"),
      warmup: "2s",
      duration: "6s",
    } as ScenarioInput;
    const [redis, memcached, cluster] = runVariants(input).map((v) => v.report);
    expect(redis?.verdict.status).toBe("overloaded");
    expect(redis?.cache?.nodes[0]?.utilisation).toBeGreaterThan(0.99);
    for (const report of [memcached, cluster]) {
      expect(report?.verdict.status).toBe("ok");
      for (const node of report?.cache?.nodes ?? []) expect(node.utilisation).toBeLessThan(0.6);
    }
    expect(cluster?.cache?.nodes).toHaveLength(4);
  });
});
