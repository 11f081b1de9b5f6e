// The symptom rules on figures built by hand (no simulation): each new rule
// fires at its documented threshold and not below it, and names the steps of
// the "when to reach for what" table.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  diagnose,
  type Evidence,
  HOT_SHARD_IMBALANCE,
  type NodeEvidence,
  SCATTER_SHARE,
  type SloResult,
} from "../../src/index.js";

const workload = {
  workload: { rate: 1000, readShare: 0.3 },
  data: { popularity: { kind: "uniform" } },
};

const node = (over: Partial<NodeEvidence>): NodeEvidence => ({
  name: "primary",
  role: "primary",
  cores: 8,
  utilization: 0.3,
  readsPerSec: 300,
  writesPerSec: 700,
  bufferPoolHitRatio: null,
  diskUtilization: null,
  ...over,
});

const evidence = (over: Partial<Evidence>): Evidence => ({
  nodes: [node({})],
  errorsByKind: {},
  clientWaitingMax: 0,
  connectionsOpenedPerSec: 0,
  poolWaitMs: null,
  replayLagP99Ms: null,
  cacheHitRatio: null,
  verdicts: ["ok", "ok", "ok"],
  readYourWritesViolations: 0,
  reads: 1000,
  offeredPerSec: 1000,
  sharding: null,
  ...over,
});

const writeMissed: SloResult = {
  slo: "writeP99Ms",
  target: 20,
  status: "missed",
  value: 40,
  perSeed: [40, 40, 40],
  ci95: { low: 39, high: 41 },
  withinNoise: false,
  margin: -1,
};

const codes = (e: Evidence, slos: SloResult[] = []) => diagnose(workload, e, slos);

describe("the symptom rules", () => {
  it("a write p99 missed on a primary serving mostly writes calls for scale-up, shard, write batching", () => {
    const [symptom] = codes(evidence({}), [writeMissed]);
    expect(symptom?.steps).toEqual(["scale-up", "shard", "write-batching"]);
    expect(symptom?.message).toMatch(
      /on primary, which serves mostly writes \(700\/s, 30 % busy\)$/,
    );
    // The same miss where reads dominate is not write-bound: no step from it.
    const reads = evidence({ nodes: [node({ readsPerSec: 900, writesPerSec: 100 })] });
    expect(codes(reads, [writeMissed])[0]?.steps).toEqual([]);
  });

  it("any read-your-writes violation is a symptom; none is not", () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e6, noNaN: true }), (violations) => {
        const found = codes(evidence({ readYourWritesViolations: violations })).find(
          (s) => s.code === "read-your-writes-violated",
        );
        expect(found !== undefined).toBe(violations > 0);
        if (found) expect(found.steps).toEqual(["read-primary-after-write", "sync-replication"]);
      }),
    );
  });

  it("a hot shard from an imbalance of 1.5, scatter below 90 % single-shard operations", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1, max: 4, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (imbalance, singleShardShare) => {
          const found = new Set(
            codes(evidence({ sharding: { key: "row", imbalance, singleShardShare } })).map(
              (s) => s.code,
            ),
          );
          expect(found.has("hot-shard")).toBe(imbalance >= HOT_SHARD_IMBALANCE);
          expect(found.has("scatter-queries")).toBe(singleShardShare < SCATTER_SHARE);
        },
      ),
    );
    expect(HOT_SHARD_IMBALANCE).toBe(1.5);
    expect(SCATTER_SHARE).toBe(0.9);
  });
});
