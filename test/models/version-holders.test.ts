// The components that hold versions report, as VersionHolders, the oldest log position
// they may still serve a read from: what the consistency monitor may compact below.
// - Replication: the primary holds every commit and a replica serves the prefix it has
//   applied (PostgreSQL's pg_last_wal_replay_lsn()), so the floor is the smallest
//   applied LSN among the replicas, the primary's LSN when none lags.
// - ProxySQL's query cache: an entry is served until its cache_ttl runs out (ProxySQL
//   docs, "Query Cache": no invalidation on write), so the floor is the snapshot LSN
//   of the oldest result stored within the TTL, and nothing once every one expired.
import { describe, expect, it } from "vitest";
import {
  type ErrorKind,
  Operation,
  type PortConnection,
  ProxySql,
  Replication,
  type ServerPort,
  Simulation,
  type VersionHolder,
} from "../../src/index.js";

function stubReplica(sim: Simulation, name: string) {
  return {
    name,
    runWork(work: number, done: () => void) {
      sim.schedule(work, done);
    },
    applyReplicated() {},
  };
}

function link(applyMs: number) {
  return {
    roundTripMs: () => 2,
    flushMs: () => 0.5,
    applyMs: () => applyMs,
    applyWorkers: 1,
    outages: [],
  };
}

describe("Replication as a VersionHolder", () => {
  it("reports the applied LSN of the replica furthest behind", () => {
    // Arrange: three commits at t = 0 reach both replicas at 1 ms, flushed at 1.5 ms;
    // the fast one applies each in 1 ms (visible at 2.5, 3.5, 4.5), the slow one in
    // 3 ms (visible at 4.5, 7.5, 10.5).
    const sim = new Simulation();
    const replication = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link(1), link(3)] },
      [stubReplica(sim, "fast"), stubReplica(sim, "slow")],
    );
    const holder: VersionHolder = replication;
    for (let lsn = 1; lsn <= 3; lsn++) replication.commit(lsn, lsn, 1, () => {});
    const floors: number[] = [];
    for (const t of [2, 5, 8, 11]) sim.at(t, () => floors.push(holder.oldestLsnInUse()));
    // Act
    sim.run();
    // Assert: nothing applied by the slow one at 2 ms; LSN 1 at 5; 2 at 8; all at 11
    expect(floors).toEqual([0, 1, 2, 3]);
  });
});

/** A backend that answers a read at once with version 1 at snapshot LSN `lsn`. */
class SnapshotNode implements ServerPort {
  readonly name = "replica";
  lsn = 0;
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    done({}, null);
  }
  disconnect(): void {}
  execute(_c: PortConnection, op: Operation, _i: number, done: (e: ErrorKind | null) => void) {
    op.node = this.name;
    op.version = 1;
    op.lsn = this.lsn;
    op.versionLsn = 1;
    done(null);
  }
}

describe("ProxySql's query cache as a VersionHolder", () => {
  it("reports the oldest snapshot stored within the TTL, and +Infinity once all expired", () => {
    // Arrange: reads cached for 100 ms; key 1 stored at t = 0 from snapshot 5, key 2
    // at t = 50 from snapshot 9.
    const sim = new Simulation({ seed: 1 });
    const node = new SnapshotNode();
    const proxy = new ProxySql(
      sim,
      {
        name: "proxysql",
        maxConnections: 10,
        defaultHostgroup: 0,
        queryRules: [
          { ruleId: 1, match: {}, destinationHostgroup: null, cacheTtlMs: 100, apply: true },
        ],
        multiplexing: true,
        backendRoundTripMs: () => 0,
        backendConnectRoundTrips: 0,
        queryCacheSizeMB: 1,
        queryCacheEntryBytes: 1024,
        cacheHitMs: () => 0,
        monitorReplicationLagIntervalMs: 10_000,
        connectTimeoutServerMaxMs: 1000,
      },
      [
        {
          hostgroup: 0,
          port: node,
          weight: 1,
          maxConnections: 10,
          maxReplicationLagS: 0,
          secondsBehindSource: null,
        },
      ],
      () => 1,
    );
    const holder: VersionHolder = proxy;
    let conn: PortConnection | null = null;
    proxy.connect((c) => {
      conn = c;
    });
    const read = (key: number, lsn: number) => () => {
      node.lsn = lsn;
      proxy.execute(
        conn as unknown as PortConnection,
        new Operation(key, 0, "read", key, 1, sim.now),
        0,
        () => {},
      );
    };
    sim.at(0, read(1, 5));
    sim.at(50, read(2, 9));
    const floors: number[] = [];
    for (const t of [10, 99, 100, 149, 150]) sim.at(t, () => floors.push(holder.oldestLsnInUse()));
    // Act
    sim.run();
    // Assert: 5 while key 1's entry may be served (until 100 ms), then 9 until 150 ms
    expect(floors).toEqual([5, 5, 9, 9, Number.POSITIVE_INFINITY]);
  });
});
