// The version oracle the composition root hands to components: per cluster, the newest
// version a client was told is written (what measureStaleness and the monitor call a
// read stale against: writes "acknowledged when the read was issued") and the newest
// the primary holds, acknowledged or not (a synchronous commit returns only after the
// standby confirms: PostgreSQL docs, synchronous_commit).
import { describe, expect, it } from "vitest";
import { Operation } from "../../src/models/operation.js";
import { ClusterVersionOracle } from "../../src/scenario/versions.js";

function written(id: number, key: number, version: number, cluster = 0): Operation {
  const op = new Operation(id, 0, "write", key, 1, 0);
  op.version = version;
  op.cluster = cluster;
  return op;
}

describe("ClusterVersionOracle", () => {
  it("knows a version once its write is acknowledged, in its own cluster only", () => {
    // Arrange
    const oracle = new ClusterVersionOracle([{ read: () => 0 }, { read: () => 0 }], 4);
    // Act
    oracle.acknowledge(written(0, 2, 1, 1));
    // Assert
    expect(oracle.newestAckedVersion(1, 2)).toBe(1);
    expect(oracle.newestAckedVersion(0, 2)).toBe(0);
    expect(oracle.newestAckedVersion(1, 3)).toBe(0);
  });

  it("ignores reads and failed writes, and is not lowered by a late acknowledgement", () => {
    // Arrange
    const oracle = new ClusterVersionOracle([{ read: () => 0 }], 4);
    const failed = written(1, 2, 5);
    failed.error = "query_wait_timeout";
    const readOp = new Operation(2, 0, "read", 2, 1, 0);
    readOp.version = 7;
    // Act: v3 acknowledged, then v2 (its ack was slower), a failure and a read
    oracle.acknowledge(written(0, 2, 3));
    oracle.acknowledge(written(3, 2, 2));
    oracle.acknowledge(failed);
    oracle.acknowledge(readOp);
    // Assert
    expect(oracle.newestAckedVersion(0, 2)).toBe(3);
  });

  it("reads the committed version from the cluster's primary", () => {
    const oracle = new ClusterVersionOracle([{ read: (k) => k * 10 }, { read: (k) => k + 1 }], 4);
    expect(oracle.newestCommittedVersion(0, 3)).toBe(30);
    expect(oracle.newestCommittedVersion(1, 3)).toBe(4);
  });

  it("names a cluster it does not have", () => {
    const oracle = new ClusterVersionOracle([{ read: () => 0 }], 4);
    const message = "Version oracle: cluster must be an integer in [0, 0], got 1";
    expect(() => oracle.newestAckedVersion(1, 0)).toThrow(message);
    expect(() => oracle.newestCommittedVersion(1, 0)).toThrow(message);
    expect(() => oracle.acknowledge(written(0, 0, 1, 1))).toThrow(message);
  });

  it("needs at least one cluster", () => {
    expect(() => new ClusterVersionOracle([], 4)).toThrow(
      "Version oracle: expected at least one cluster, got none",
    );
  });
});
