// acrossShards: a sharded history as one cluster for the version-only checks.
import { describe, expect, it } from "vitest";
import {
  acrossShards,
  checkMonotonicReadsPerKey,
  History,
  type HistoryOp,
} from "../../src/consistency/index.js";

const write = (id: number, cluster: number, version: number, at: number): HistoryOp => ({
  id,
  session: 1,
  kind: "write",
  key: 7,
  invokeMs: at,
  completeMs: at + 1,
  ok: true,
  version,
  lsn: 100 + id,
  versionLsn: 100 + id,
  commitMs: at + 0.5,
  cluster,
  node: `s${cluster}/primary`,
});

describe("acrossShards", () => {
  it("puts every operation in cluster 0 with unknown log positions, the rest as recorded, in order", () => {
    const ops = [write(0, 2, 3, 0), write(1, 0, 4, 10)];
    const joined = acrossShards(History.from(ops));
    expect(joined).toEqual([
      { ...ops[0], cluster: 0, lsn: Number.NaN, versionLsn: Number.NaN },
      { ...ops[1], cluster: 0, lsn: Number.NaN, versionLsn: Number.NaN },
    ]);
    // The input is left as it was.
    expect(ops[0]?.cluster).toBe(2);
    expect(ops[0]?.lsn).toBe(100);
  });

  it("pairs a read on a key's new shard with one on its old shard: a version going back is seen", () => {
    // Session 1 reads version 4 of key 7 on shard 0, then version 2 on shard 1.
    const read = (id: number, cluster: number, version: number, at: number): HistoryOp => ({
      ...write(id, cluster, version, at),
      kind: "read",
      commitMs: Number.NaN,
    });
    const ops = [read(0, 0, 4, 0), read(1, 1, 2, 10)];
    expect(checkMonotonicReadsPerKey(ops).count).toBe(0);
    expect(checkMonotonicReadsPerKey(acrossShards(ops)).count).toBe(1);
  });
});
