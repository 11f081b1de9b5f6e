// The replication model on its own: a primary's commits shipped to replica
// ports that record what they apply, with constant network and apply times so
// every instant can be computed by hand.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Replication, type ReplicationConfig, Simulation } from "../../src/index.js";

/** A replica node stub: runs work on `cores` processors FIFO (no sharing), records applies. */
function stubReplica(sim: Simulation, name: string) {
  const applied: { key: number; version: number; lsn: number; at: number }[] = [];
  return {
    name,
    applied,
    runWork(work: number, done: () => void) {
      sim.schedule(work, done);
    },
    applyReplicated(key: number, version: number, lsn: number) {
      applied.push({ key, version, lsn, at: sim.now });
    },
  };
}

function link(overrides: Partial<ReplicationConfig["replicas"][number]> = {}) {
  return {
    roundTripMs: () => 2,
    flushMs: () => 0.5,
    applyMs: () => 1,
    applyWorkers: 1,
    outages: [],
    ...overrides,
  };
}

describe("Replication", () => {
  it("delivers in order after half a round trip and applies one at a time", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link()] },
      [r1],
    );
    const acks: number[] = [];
    // Three commits at t = 0: arrive at 1 ms, flushed together at 1.5 ms (WAL is
    // replayed only once flushed), then applied back to back (1 ms each).
    for (let lsn = 1; lsn <= 3; lsn++) rep.commit(lsn, lsn, 1, () => acks.push(sim.now));
    sim.run();
    expect(acks).toEqual([0, 0, 0]);
    expect(r1.applied.map((a) => [a.lsn, a.at])).toEqual([
      [1, 2.5],
      [2, 3.5],
      [3, 4.5],
    ]);
    expect(rep.appliedLsn(0)).toBe(3);
    expect(rep.lag(0)).toEqual({
      oldestUnappliedAgeMs: 0,
      lagMs: 0,
      lagBytes: 0,
      secondsBehindSource: 0,
    });
    // Replay lag per record, commit to visible: 2.5, 3.5 and 4.5 ms.
    expect(rep.replayLagMs(0).count).toBe(3);
    expect(rep.replayLagMs(0).mean).toBeCloseTo(3.5, 9);
    expect(rep.replayLagMs(0).max).toBeCloseTo(4.5, 2);
  });

  it("parallel appliers finish out of order but make records visible in LSN order", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    // LSN 1 takes 5 ms to apply, LSN 2 takes 1 ms: with two workers, 2 finishes first.
    const times = [5, 1];
    const rep = new Replication(
      sim,
      {
        mode: { kind: "async" },
        bytesPerWrite: 100,
        replicas: [link({ applyWorkers: 2, applyMs: () => times.shift() ?? 1 })],
      },
      [r1],
    );
    rep.commit(1, 10, 1, () => {});
    rep.commit(2, 20, 1, () => {});
    sim.run();
    // Both arrive at 1 ms and are flushed at 1.5 ms; LSN 1 is applied at 6.5 ms.
    expect(r1.applied.map((a) => [a.lsn, a.at])).toEqual([
      [1, 6.5],
      [2, 6.5],
    ]);
  });

  it("lag counts the age of the oldest unapplied record, and bytes not yet applied", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link()] },
      [r1],
    );
    rep.commit(1, 1, 1, () => {});
    sim.run({ until: 0.5 });
    // In transit: 0.5 ms old, 100 bytes behind, and MySQL's counter is blind to it.
    expect(rep.lag(0)).toEqual({
      oldestUnappliedAgeMs: 0.5,
      lagMs: 0.5,
      lagBytes: 100,
      secondsBehindSource: 0,
    });
  });

  // MySQL, sql/rpl_replica.cc, show_slave_status_send_data: "if (SQL thread
  // processed all the available relay log) { if (IO thread is running) print 0;
  // else print NULL; } else compute Seconds_Behind_Source".
  it("Seconds_Behind_Source: a number while applying, NULL once drained with the receiver cut off, 0 after", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      {
        mode: { kind: "async" },
        bytesPerWrite: 100,
        // 2 s of apply work per record, cut off from 1 s to 10 s.
        replicas: [link({ applyMs: () => 2000, outages: [{ fromMs: 1000, toMs: 10_000 }] })],
        replayFrom: "received",
      },
      [r1],
    );
    rep.commit(1, 1, 1, () => {});
    sim.schedule(5000, () => rep.commit(2, 2, 1, () => {}));
    const seen: [number, number | null][] = [];
    for (const t of [500, 1500, 2500, 3000, 9000, 10_500, 12_000, 12_500]) {
      sim.at(t, () => seen.push([t, rep.lag(0).secondsBehindSource]));
    }
    sim.run();
    expect(seen).toEqual([
      [500, 0], // received at 1 ms, applying: 0 whole seconds behind
      [1500, 1], // still applying after the cut: a number
      [2500, null], // applied at 2001 ms, relay log drained, receiver cut off
      [3000, null],
      [9000, null], // the write at 5 s waits for the link: still NULL, not 0
      [10_500, 5], // sent at 10 s, received at 10 001 ms, applying: 10.5 s − 5 s
      [12_000, 7], // still applying until 12 001 ms
      [12_500, 0], // caught up and connected
    ]);
  });

  it("sync remote_apply acknowledges after arrival, apply, and the way back", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      {
        mode: { kind: "sync", acks: 1, synchronousCommit: "remote_apply" },
        bytesPerWrite: 100,
        replicas: [link()],
      },
      [r1],
    );
    let ackedAt = Number.NaN;
    rep.commit(1, 1, 1, () => {
      ackedAt = sim.now;
    });
    sim.run();
    // 1 ms there, 0.5 ms flush, then 1 ms apply (replay reads only flushed WAL), 1 ms back.
    expect(ackedAt).toBe(3.5);
    expect(rep.commitWaitMs.mean).toBe(3.5);
  });

  // PostgreSQL's startup process replays WAL only up to what the walreceiver has
  // flushed (src/backend/access/transam/xlogrecovery.c, WaitForWALToBecomeAvailable:
  // flushedUpto = GetWalRcvFlushRecPtr(...)), so remote_apply costs
  // round trip + flush + apply and can never return before `on`.
  it("sync levels with a flush longer than the apply: remote_write 10, on 13, remote_apply 14", () => {
    const ackAt = (synchronousCommit: "remote_write" | "on" | "remote_apply") => {
      const sim = new Simulation();
      const rep = new Replication(
        sim,
        {
          mode: { kind: "sync", acks: 1, synchronousCommit },
          bytesPerWrite: 100,
          replicas: [link({ roundTripMs: () => 10, flushMs: () => 3, applyMs: () => 1 })],
        },
        [stubReplica(sim, "r1")],
      );
      let at = Number.NaN;
      rep.commit(1, 1, 1, () => {
        at = sim.now;
      });
      sim.run();
      return at;
    };
    expect([ackAt("remote_write"), ackAt("on"), ackAt("remote_apply")]).toEqual([10, 13, 14]);
  });

  // For any costs, each level adds its stage to the previous one: replay follows
  // the flush (xlogrecovery.c reads up to GetWalRcvFlushRecPtr), so
  // remote_apply never returns before `on`.
  test.prop([
    fc.integer({ min: 1, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
    fc.integer({ min: 0, max: 10_000 }),
  ])(
    "sync levels wait round trip, + flush, + flush + apply (µs-grid costs)",
    (rttUs, flushUs, applyUs) => {
      const [rtt, flush, apply] = [rttUs / 1000, flushUs / 1000, applyUs / 1000];
      const ackAt = (synchronousCommit: "remote_write" | "on" | "remote_apply") => {
        const sim = new Simulation();
        const rep = new Replication(
          sim,
          {
            mode: { kind: "sync", acks: 1, synchronousCommit },
            bytesPerWrite: 100,
            replicas: [
              link({ roundTripMs: () => rtt, flushMs: () => flush, applyMs: () => apply }),
            ],
          },
          [stubReplica(sim, "r1")],
        );
        let at = Number.NaN;
        rep.commit(1, 1, 1, () => {
          at = sim.now;
        });
        sim.run();
        return at;
      };
      expect(ackAt("remote_write")).toBeCloseTo(rtt, 9);
      expect(ackAt("on")).toBeCloseTo(rtt + flush, 9);
      expect(ackAt("remote_apply")).toBeCloseTo(rtt + flush + apply, 9);
    },
  );

  it("a MySQL applier reads the relay log once written: apply overlaps the flush", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      {
        mode: { kind: "async" },
        bytesPerWrite: 100,
        replicas: [link({ roundTripMs: () => 10, flushMs: () => 3, applyMs: () => 1 })],
        replayFrom: "received",
      },
      [r1],
    );
    rep.commit(1, 1, 1, () => {});
    sim.run();
    // 5 ms there, 1 ms apply; the 3 ms relay-log sync is not in the way.
    expect(r1.applied.map((a) => a.at)).toEqual([6]);
  });

  it("sync with two acks waits for the slower of two standbys", () => {
    const sim = new Simulation();
    const fast = stubReplica(sim, "fast");
    const slow = stubReplica(sim, "slow");
    const rep = new Replication(
      sim,
      {
        mode: { kind: "sync", acks: 2, synchronousCommit: "remote_write" },
        bytesPerWrite: 100,
        replicas: [link({ roundTripMs: () => 2 }), link({ roundTripMs: () => 10 })],
      },
      [fast, slow],
    );
    let ackedAt = Number.NaN;
    rep.commit(1, 1, 1, () => {
      ackedAt = sim.now;
    });
    sim.run();
    expect(ackedAt).toBe(10);
  });

  it("an outage holds records until it ends; semi-sync falls back, then resumes once a replica catches up", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      {
        mode: { kind: "semi-sync", acks: 1, timeoutMs: 100 },
        bytesPerWrite: 100,
        replicas: [link({ outages: [{ fromMs: 0, toMs: 500 }] })],
      },
      [r1],
    );
    const acks: number[] = [];
    rep.commit(1, 1, 1, () => acks.push(sim.now));
    sim.schedule(50, () => rep.commit(2, 2, 1, () => acks.push(sim.now)));
    sim.schedule(200, () => rep.commit(3, 3, 1, () => acks.push(sim.now)));
    sim.run({ until: 400 });
    // The timeout at 100 ms switches semi-sync off and releases both waiting commits;
    // the commit at 200 ms returns at once (async).
    expect(acks).toEqual([100, 100, 200]);
    expect(rep.semiSyncFallbacks).toBe(1);
    expect(rep.semiSyncTimeouts).toBe(2);
    expect(rep.semiSyncOn).toBe(false);
    sim.run();
    // Sent when the outage ends (500), arriving 1 ms later, flushed 0.5 ms after,
    // applied 1 ms after that; all received → semi-sync on.
    expect(r1.applied[0]?.at).toBe(502.5);
    expect(rep.semiSyncOn).toBe(true);
  });

  it("waitForLsn resolves when the replica applies the LSN, or times out", () => {
    const sim = new Simulation();
    const r1 = stubReplica(sim, "r1");
    const rep = new Replication(
      sim,
      { mode: { kind: "async" }, bytesPerWrite: 100, replicas: [link()] },
      [r1],
    );
    rep.commit(1, 1, 1, () => {});
    const results: [boolean, number][] = [];
    rep.waitForLsn(0, 1, 10, (ok) => results.push([ok, sim.now]));
    rep.waitForLsn(0, 2, 10, (ok) => results.push([ok, sim.now]));
    sim.run();
    // Arrival 1 ms + flush 0.5 ms + apply 1 ms.
    expect(results).toEqual([
      [true, 2.5],
      [false, 10],
    ]);
  });
});
