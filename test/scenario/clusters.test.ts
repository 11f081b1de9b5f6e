// The composition root's side of the cluster contracts: each built cluster lists
// its version holders (its replication, then the proxy's query cache in front:
// both may serve a version later), the version oracle it hands out reads each
// cluster's primary and learns acknowledged writes from the completion hook, and
// a cluster's compaction floor is the least `oldestLsnInUse()` of its holders
// (ConsistencyMonitor.compact: forget only what every holder has moved past).
import { describe, expect, it } from "vitest";
import { resolveScenario, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { ProxySql } from "../../src/models/proxy/proxysql.js";
import { buildTopology } from "../../src/scenario/build.js";

const INPUT: ScenarioInput = {
  duration: 1_000,
  warmup: 200,
  workload: { rate: 400, readRatio: 0.7, keys: { count: 50 } },
  database: { engine: "mysql", cores: 4 },
  replication: { replicas: 2 },
  proxy: {
    queryRules: [
      {
        ruleId: 1,
        match: { kind: "read" },
        destinationHostgroup: 20,
        cacheTtl: "500ms",
        apply: true,
      },
    ],
  },
};

describe("the built clusters", () => {
  it("list their replication, then the proxy's cache, as version holders; the primary first", () => {
    // Arrange
    const sim = new Simulation({ seed: 1 });
    // Act
    const topology = buildTopology(sim, resolveScenario(INPUT));
    // Assert
    expect(topology.clusters).toHaveLength(1);
    const [cluster] = topology.clusters;
    expect(cluster?.primary).toBe(cluster?.nodes[0]?.server);
    expect(cluster?.holders).toHaveLength(2);
    expect(cluster?.holders[0]).toBe(cluster?.replication);
    expect(cluster?.holders[1]).toBeInstanceOf(ProxySql);
  });

  it("without replicas or a cache hold no versions", () => {
    const sim = new Simulation({ seed: 1 });
    const topology = buildTopology(sim, resolveScenario({ duration: 100, workload: { rate: 10 } }));
    expect(topology.clusters[0]?.holders).toEqual([]);
  });

  it("hand out an oracle that reads each cluster's primary, and a view of it to the components", () => {
    // Arrange
    const sim = new Simulation({ seed: 1 });
    const topology = buildTopology(sim, resolveScenario(INPUT));
    const primary = topology.clusters[0]?.primary;
    // Assert: the oracle's committed version is the primary's, key by key
    for (let key = 0; key < 50; key++) {
      expect(topology.versions.newestCommittedVersion(0, key)).toBe(primary?.read(key));
    }
    expect(() => topology.versions.newestCommittedVersion(1, 0)).toThrow(
      /cluster must be an integer in \[0, 0\], got 1/,
    );
  });

  it("leave the staleness figures as the primary-read and acked-array wiring gave them (same report)", () => {
    // The proxy's stale hits and the monitor's stale reads are what they were
    // when the runner kept its own acked array: 0 is impossible with a 500 ms TTL
    // cache over a key written every few ms, so the oracle is being read.
    const r = runScenarioDetailed(INPUT).report;
    expect(r.proxy?.cache.staleHits).toBeGreaterThan(0);
    expect(r.consistency?.staleReads).toBeGreaterThan(0);
  });
});
