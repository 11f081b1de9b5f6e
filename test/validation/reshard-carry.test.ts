// A moved key's versions go with it. Vitess's VReplication copies a moved row to
// its target with a bulk INSERT and replays every later change of the source's
// binlog there as a statement (vitess go/vt/vttablet/tabletmanager/vreplication/
// vcopier.go copyTable, vplayer.go applyRowEvent): the row on the new shard is
// the row of the old one, at its newest committed version. So after the switch a
// read of the key on its new shard returns what the old one last acknowledged,
// and the versions a history records count up across the move — which a check
// can then compare (acrossShards) where the per-shard checks never pair a read on
// the new shard with a write on the old one.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  acrossShards,
  checkReadYourWrites,
  History,
  type HistoryOp,
  measureStaleness,
} from "../../src/consistency/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { Operation } from "../../src/models/operation.js";
import { Migration, type RowCarrier } from "../../src/models/sharding/migration.js";
import { ShardMap } from "../../src/models/sharding/shard-map.js";

/** Each shard's primary: its rows' versions and its log's LSN, and constant-time background work. */
class FakeShards {
  readonly versions: Map<number, number>[];
  readonly lsn: number[];

  constructor(
    private readonly sim: Simulation,
    shards: number,
  ) {
    this.versions = Array.from({ length: shards }, () => new Map<number, number>());
    this.lsn = Array.from({ length: shards }, () => 0);
  }

  version(shard: number, key: number): number {
    return this.versions[shard]?.get(key) ?? 0;
  }

  /** A write of `shard`'s own log: the next LSN, `key` at `version`. */
  commit(shard: number, key: number, version: number): number {
    this.lsn[shard] = (this.lsn[shard] as number) + 1;
    this.versions[shard]?.set(key, version);
    return this.lsn[shard] as number;
  }

  readonly work = (_shard: number, ms: number, done: () => void): void => {
    this.sim.schedule(ms, done);
  };

  /** The carry the scenario gives a migration: the version read on the source, written on the target. */
  carrier(): RowCarrier {
    return {
      version: (shard, key) => this.version(shard, key),
      write: (shard, key, version) => {
        this.commit(shard, key, version);
      },
    };
  }
}

/** Keys [0, keys) on shard 0, moving [split, keys) to shard 1. */
function rangeSplit(keys: number, split: number) {
  const live = new ShardMap({ strategy: "range", boundaries: [] }, keys);
  live.grow(2);
  const target = new ShardMap({ strategy: "range", boundaries: [split] }, keys);
  return { live, target };
}

/** Writes and reads through the live map, recorded in a history as the scenario runner does. */
class Clients {
  readonly history = new History();
  private nextId = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly live: ShardMap,
    private readonly migration: Migration,
    private readonly shards: FakeShards,
  ) {}

  /** A write of `key` by `session`: committed `commitMs` after it is sent, acknowledged `ackMs` later. */
  write(session: number, key: number, commitMs = 1, ackMs = 1): void {
    if (this.migration.holds(key)) {
      this.migration.hold(key, () => this.write(session, key, commitMs, ackMs));
      return;
    }
    const id = this.nextId++;
    const shard = this.live.shardOf(key);
    const sentAt = this.sim.now;
    const done = this.migration.sent(key, (op) => this.record(op, shard, "primary"));
    this.sim.schedule(commitMs, () => {
      const op = new Operation(id, session, "write", key, 1, sentAt);
      op.version = this.shards.version(shard, key) + 1;
      op.lsn = this.shards.commit(shard, key, op.version);
      op.versionLsn = op.lsn;
      op.commitMs = this.sim.now;
      this.sim.schedule(ackMs, () => {
        op.completedAt = this.sim.now;
        done(op);
      });
    });
  }

  /** A read of `key` by `session` on its shard's primary now, answered 1 ms later. */
  read(session: number, key: number): void {
    const op = new Operation(this.nextId++, session, "read", key, 1, this.sim.now);
    const shard = this.live.shardOf(key);
    op.version = this.shards.version(shard, key);
    op.lsn = this.shards.lsn[shard] as number;
    this.sim.schedule(1, () => {
      op.completedAt = this.sim.now;
      this.record(op, shard, "primary");
    });
  }

  private record(op: Operation, shard: number, node: string): void {
    const h: HistoryOp = {
      id: op.id,
      session: op.session,
      kind: op.kind,
      key: op.key,
      invokeMs: op.issuedAt,
      completeMs: op.completedAt,
      ok: op.error === null,
      version: op.version,
      lsn: op.lsn,
      versionLsn: op.versionLsn,
      commitMs: op.commitMs,
      cluster: shard,
      node: `s${shard}/${node}`,
    };
    this.history.record(h);
  }
}

/**
 * Session 7 writes key 80 three times on shard 0 (versions 1–3, acknowledged by
 * 22 ms); at 100 ms keys 50–99 move to shard 1 in one batch of 50 rows at 100 rows/s
 * (snapshot at 100 ms, copied at 600 ms, switched at 610 ms once the target has
 * applied the changes); at 300 ms, after the snapshot, session 7 writes key 80
 * again (version 4, a change the catch-up carries); at 700 ms it reads key 80,
 * now on shard 1. Constant times throughout.
 */
function writeMoveRead(carrierOf: (shards: FakeShards) => RowCarrier, late = true) {
  const sim = new Simulation({ seed: 1 });
  const { live, target } = rangeSplit(100, 50);
  const shards = new FakeShards(sim, 2);
  const migration = new Migration(sim, live, target, {
    rowsPerSec: 100,
    batchRows: 50,
    copyMs: 0,
    cutoverMs: 10,
    applyMs: 1,
    rowBytes: 100,
    work: shards.work,
    carry: carrierOf(shards),
  });
  const clients = new Clients(sim, live, migration, shards);
  for (const at of late ? [0, 10, 20, 300] : [0, 10, 20]) sim.at(at, () => clients.write(7, 80));
  sim.at(100, () => migration.start());
  sim.at(700, () => clients.read(7, 80));
  sim.run();
  const read = clients.history.toArray().find((op) => op.kind === "read") as HistoryOp;
  return { history: clients.history, read, migration, shards };
}

/** A broken carry (a test double): it writes each row one version behind the one it was given. */
function oneBehind(shards: FakeShards): RowCarrier {
  return {
    version: (shard, key) => shards.version(shard, key),
    write: (shard, key, version) => {
      shards.commit(shard, key, version - 1);
    },
  };
}

describe("a moved key's versions are carried to its new shard", () => {
  it("after the switch the session reads on the new shard the version it wrote on the old one", () => {
    // Act
    const { read, migration, shards } = writeMoveRead((s) => s.carrier());
    // Assert: the catch-up wrote key 80 at version 4 on shard 1's log at 303 ms (acknowledged
    // at 302 ms, 1 ms to apply); the copy that lands at 600 ms holds the snapshot's version
    // 3, older, so it writes nothing (nor for the other moved rows, at the initial version
    // every node starts with).
    expect(migration.figures().keysMoved).toBe(50);
    expect(migration.figures().caughtUpChanges).toBe(1);
    expect(shards.lsn[1]).toBe(1);
    expect(read.cluster).toBe(1);
    expect(read.version).toBe(4);
  });

  it("without a change during the copy, the copy itself writes the row's version on the target", () => {
    const { read, shards } = writeMoveRead((s) => s.carrier(), false);
    expect(shards.lsn[1]).toBe(1);
    expect(shards.version(1, 80)).toBe(3);
    expect(read.version).toBe(3);
  });

  it("across the move the history shows no stale read and no read-your-writes violation", () => {
    const { history } = writeMoveRead((s) => s.carrier());
    const joined = acrossShards(history);
    expect(checkReadYourWrites(joined).ok).toBe(true);
    expect(measureStaleness(joined).staleReads).toBe(0);
  });

  it("a broken carry is caught across the move, and only there", () => {
    // Arrange: the double writes version 3 where the change carried version 4.
    const { history, read } = writeMoveRead(oneBehind);
    expect(read.version).toBe(3);
    // Act
    const perShard = checkReadYourWrites(history);
    const joined = checkReadYourWrites(acrossShards(history));
    // Assert: each shard's log alone looks fine (the write is on shard 0, the read on
    // shard 1); one key space shows the session's write of version 4 missing.
    expect(perShard.count).toBe(0);
    expect(joined.count).toBe(1);
    expect(joined.violations[0]?.witness.version).toBe(4);
    expect(measureStaleness(acrossShards(history)).staleReads).toBe(1);
    expect(measureStaleness(history).staleReads).toBe(0);
  });
});

describe("no acknowledged write to a moved key is missing on its new shard, through the history (property)", () => {
  it("every read returns at least the newest version acknowledged before it, judged across shards", () => {
    fc.assert(
      fc.property(
        fc.record({
          batchRows: fc.integer({ min: 1, max: 60 }),
          rowsPerSec: fc.integer({ min: 1_000, max: 20_000 }),
          applyMs: fc.double({ min: 0, max: 5, noNaN: true }),
          cutoverMs: fc.double({ min: 0, max: 20, noNaN: true }),
          switchAtEnd: fc.boolean(),
          startMs: fc.double({ min: 0, max: 100, noNaN: true }),
          ops: fc.array(
            fc.record({
              at: fc.double({ min: 0, max: 250, noNaN: true }),
              key: fc.integer({ min: 0, max: 119 }),
              session: fc.integer({ min: 0, max: 5 }),
              read: fc.boolean(),
              commitMs: fc.double({ min: 0, max: 10, noNaN: true }),
              ackMs: fc.double({ min: 0.001, max: 10, noNaN: true }),
            }),
            { minLength: 50, maxLength: 250 },
          ),
        }),
        (p) => {
          // Arrange: 1 → 2 shards by jump hash (about half the keys move).
          const sim = new Simulation({ seed: 1 });
          const live = new ShardMap({ strategy: "jump", shards: 1 }, 120);
          live.grow(2);
          const target = new ShardMap({ strategy: "jump", shards: 2 }, 120);
          const shards = new FakeShards(sim, 2);
          const migration = new Migration(sim, live, target, {
            ...p,
            copyMs: 0.01,
            rowBytes: 1,
            work: shards.work,
            carry: shards.carrier(),
          });
          const clients = new Clients(sim, live, migration, shards);
          for (const o of p.ops) {
            sim.at(o.at, () =>
              o.read
                ? clients.read(o.session, o.key)
                : clients.write(o.session, o.key, o.commitMs, o.ackMs),
            );
          }
          sim.at(p.startMs, () => migration.start());
          // After everything: every key read once more, on the shard that holds it now.
          sim.at(10_000, () => {
            for (let key = 0; key < 120; key++) clients.read(99, key);
          });
          // Act
          sim.run();
          // Assert: the keys all moved; judged as one key space, no read missed an acknowledged write.
          expect(live.movedTo(target)).toBe(0);
          const joined = acrossShards(clients.history);
          expect(measureStaleness(joined).staleReads).toBe(0);
          expect(checkReadYourWrites(joined).ok).toBe(true);
        },
      ),
      { numRuns: 40, seed: 1313 },
    );
  });
});
