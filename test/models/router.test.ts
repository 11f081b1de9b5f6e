// The router on its own: stub services that answer after a fixed delay and say
// which node they are, and a replica status whose lag and applied LSN the test sets.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  BUILTIN_SCENARIOS,
  type ConsistencyPolicy,
  Operation,
  Router,
  type RouterConfig,
  runScenario,
  type ScenarioInput,
  type Service,
  Simulation,
} from "../../src/index.js";

function node(
  sim: Simulation,
  name: string,
  lsnOf: () => number,
  delay = 1,
): Service & { seen: number } {
  return {
    seen: 0,
    submit(op, done) {
      this.seen++;
      sim.schedule(delay, () => {
        op.node = name;
        op.completedAt = sim.now;
        if (op.kind === "write") op.lsn = lsnOf();
        else op.lsn = lsnOf();
        done(op);
      });
    },
  };
}

function setup(config: Partial<RouterConfig> & { consistency?: ConsistencyPolicy }, replicas = 2) {
  const sim = new Simulation();
  const lag = new Array<number>(replicas).fill(0);
  const applied = new Array<number>(replicas).fill(0);
  let primaryLsn = 0;
  const waiters: { i: number; lsn: number; done: (ok: boolean) => void; until: number }[] = [];
  const status = {
    lagMs: (i: number) => lag[i] ?? 0,
    appliedLsn: (i: number) => applied[i] ?? 0,
    waitForLsn(i: number, lsn: number, timeoutMs: number, done: (ok: boolean) => void) {
      if ((applied[i] ?? 0) >= lsn) return done(true);
      const w = { i, lsn, done, until: sim.now + timeoutMs };
      waiters.push(w);
      sim.schedule(timeoutMs, () => {
        const k = waiters.indexOf(w);
        if (k >= 0) {
          waiters.splice(k, 1);
          done(false);
        }
      });
    },
  };
  const apply = (i: number, lsn: number) => {
    applied[i] = lsn;
    for (const w of [...waiters]) {
      if (w.i === i && lsn >= w.lsn) {
        waiters.splice(waiters.indexOf(w), 1);
        w.done(true);
      }
    }
  };
  const primary = node(sim, "primary", () => (primaryLsn += 1));
  const reps = Array.from({ length: replicas }, (_, i) =>
    node(sim, `r${i}`, () => applied[i] ?? 0),
  );
  const router = new Router(
    sim,
    {
      via: "app",
      proxyRoundTripMs: () => 0,
      dnsTtlMs: 1000,
      instances: 1,
      readBalancing: "round-robin",
      maxReplicationLagMs: null,
      lagCheckIntervalMs: 1000,
      consistency: { policy: "none" },
      sessions: 10,
      ...config,
    },
    primary,
    reps,
    status,
  );
  let id = 0;
  const served: string[] = [];
  const op = (kind: "read" | "write", session = 0, at?: number) => {
    const run = () => {
      const o = new Operation(id++, session, kind, 1, 1, sim.now);
      router.submit(o, (done) => served.push(done.node));
    };
    if (at === undefined) run();
    else sim.at(at, run);
  };
  return { sim, router, lag, apply, primary, reps, op, served };
}

describe("Router", () => {
  it("sends writes to the primary and spreads reads round-robin", () => {
    const t = setup({});
    t.op("write");
    for (let i = 0; i < 4; i++) t.op("read");
    t.sim.run();
    // Every stub answers after 1 ms, so answers come back in submission order.
    expect(t.served).toEqual(["primary", "r0", "r1", "r0", "r1"]);
    expect(t.router.stats.readsToReplicas).toBe(4);
    expect(t.router.stats.readsPerReplica).toEqual([2, 2]);
  });

  it("keeps the latency of the reads it moved to the primary and of those replicas served, and resets both", () => {
    // Arrange: a 1 s read-your-writes window; stubs answer after 1 ms
    const t = setup({ consistency: { policy: "read-your-writes", by: "window", windowMs: 1000 } });
    t.op("write", 0, 0);
    t.op("read", 0, 5); // within the session's window: moved to the primary
    t.op("read", 1, 5); // another session: a replica
    // Act
    t.sim.run();
    // Assert: each read took the stub's 1 ms, measured by the router itself
    expect(t.router.stats.movedByPolicy).toBe(1);
    expect([t.router.movedReadMs.count, t.router.movedReadMs.mean]).toEqual([1, 1]);
    expect([t.router.replicaReadMs.count, t.router.replicaReadMs.mean]).toEqual([1, 1]);
    t.router.resetStats(t.sim.now);
    expect([t.router.movedReadMs.count, t.router.replicaReadMs.count]).toEqual([0, 0]);
  });

  it("sends locking reads (FOR UPDATE) to the primary", () => {
    const t = setup({});
    const o = new Operation(0, 0, "read", 1, 1, 0);
    o.forUpdate = true;
    t.router.submit(o, (done) => t.served.push(done.node));
    t.sim.run();
    expect(t.served).toEqual(["primary"]);
  });

  it("shuns a replica whose lag is strictly greater than the maximum, at the check instants only", () => {
    const t = setup({ maxReplicationLagMs: 100, lagCheckIntervalMs: 1000 });
    t.lag[0] = 100; // equal: not shunned
    t.sim.run({ until: 1 });
    expect(t.router.isShunned(0)).toBe(false);
    t.lag[0] = 101; // greater, but nobody looks until the check at 1000 ms
    t.sim.run({ until: 999 });
    expect(t.router.isShunned(0)).toBe(false);
    t.sim.run({ until: 1001 });
    expect(t.router.isShunned(0)).toBe(true);
    t.lag[0] = 100; // back at the threshold: online again at the next check
    t.sim.run({ until: 1999 });
    expect(t.router.isShunned(0)).toBe(true);
    t.sim.run({ until: 2001 });
    expect(t.router.isShunned(0)).toBe(false);
    t.router.stop();
  });

  it("sends reads to the primary when every replica is shunned, and counts them", () => {
    const t = setup({ maxReplicationLagMs: 10 });
    t.lag[0] = 50;
    t.lag[1] = 50;
    // The first check ran when the router was built (lags 0); the next is at 1000 ms.
    t.op("read", 0, 5);
    t.op("read", 0, 1005);
    t.sim.run({ until: 1100 });
    t.router.stop();
    expect(t.served).toEqual(["r0", "primary"]);
    expect(t.router.stats.movedByLag).toBe(1);
  });

  it("read-your-writes by window: the session's reads go to the primary for the window after its write", () => {
    const t = setup({ consistency: { policy: "read-your-writes", by: "window", windowMs: 100 } });
    t.op("write", 0, 0); // completes at 1
    t.op("read", 0, 50); // inside the window
    t.op("read", 1, 50); // another session: replica
    t.op("read", 0, 101); // window over (1 + 100)
    t.sim.run();
    expect(t.served).toEqual(["primary", "primary", "r0", "r1"]);
    expect(t.router.stats.movedByPolicy).toBe(1);
  });

  it("read-your-writes by LSN: the read waits for its replica, or goes to the primary after maxWait", () => {
    const t = setup({ consistency: { policy: "read-your-writes", by: "lsn", maxWaitMs: 20 } });
    t.op("write", 0, 0); // LSN 1, completes at 1
    t.op("read", 0, 10); // r0 has not applied LSN 1: waits
    t.sim.at(15, () => t.apply(0, 1)); // applied at 15: the read proceeds, served at 16
    t.op("read", 0, 30); // r1 has not applied: waits 20 ms, then the primary
    t.sim.run();
    expect(t.served).toEqual(["primary", "r0", "primary"]);
    expect(t.router.stats.lsnWaits).toBe(2);
    expect(t.router.stats.lsnWaitTimeouts).toBe(1);
    expect(t.router.stats.lsnWaitMs).toBe(5 + 20);
  });

  it("monotonic reads by pinning keeps a session on one replica", () => {
    const t = setup({ consistency: { policy: "monotonic-reads", by: "pinning" } });
    for (let k = 0; k < 3; k++) {
      t.op("read", 0);
      t.op("read", 1);
    }
    t.sim.run();
    const r = t.router.stats.readsPerReplica;
    expect(r).toEqual([3, 3]);
  });

  it("least-lag picks the replica with the smallest lag", () => {
    const t = setup({ readBalancing: "least-lag" });
    t.lag[0] = 5;
    t.lag[1] = 1;
    t.op("read");
    t.op("read");
    t.sim.run();
    expect(t.served).toEqual(["r1", "r1"]);
  });

  it("least-lag: replicas tied at the smallest lag take turns, least recently chosen first", () => {
    // MaxScale readwritesplit, rwsplit_select_backends.cc, best_score(): "In the case
    // of a tie, use the least recently used backend" — the rule its LEAST_BEHIND_MASTER
    // criterion applies. With every lag 0, that is round-robin.
    const t = setup({ readBalancing: "least-lag" }, 3);
    for (let k = 0; k < 6; k++) t.op("read");
    t.sim.run();
    expect(t.served).toEqual(["r0", "r1", "r2", "r0", "r1", "r2"]);
  });

  it("least-lag: a tie among some replicas rotates among those only", () => {
    const t = setup({ readBalancing: "least-lag" }, 3);
    t.lag[0] = 2; // r1 and r2 tie at 0; r0 never wins
    for (let k = 0; k < 4; k++) t.op("read");
    t.sim.run();
    expect(t.served).toEqual(["r1", "r2", "r1", "r2"]);
  });

  it("least-connections: replicas tied at the fewest reads in flight take turns", () => {
    // HAProxy configuration manual, `balance leastconn`: "Round-robin is performed
    // within groups of servers of the same load". Each read completes before the
    // next is sent, so all ties are at 0 in flight.
    const t = setup({ readBalancing: "least-connections" }, 2);
    for (let k = 0; k < 4; k++) t.op("read", 0, 10 * k);
    t.sim.run();
    expect(t.served).toEqual(["r0", "r1", "r0", "r1"]);
  });

  it("a replica added during the run (the rejoined old primary) takes its round-robin turn", () => {
    const t = setup({});
    t.op("read");
    t.op("read");
    t.sim.run();
    expect(t.router.addReplica(node(t.sim, "r2", () => 0))).toBe(2);
    for (let k = 0; k < 3; k++) t.op("read");
    t.sim.run();
    // The rotation continues where it was, now over three.
    expect(t.served).toEqual(["r0", "r1", "r2", "r0", "r1"]);
    expect(t.router.stats.readsPerReplica).toEqual([2, 2, 1]);
  });

  it("least-lag reads an added replica's lag from its status index, next to a down one", () => {
    const t = setup({ readBalancing: "least-lag" });
    t.router.setReplicaDown(0, true);
    t.lag[1] = 3;
    t.lag[2] = 1;
    t.router.addReplica(node(t.sim, "r2", () => 0));
    t.op("read");
    t.op("read");
    t.sim.run();
    expect(t.served).toEqual(["r2", "r2"]);
    t.lag[2] = 5;
    t.op("read");
    t.sim.run();
    expect(t.served).toEqual(["r2", "r2", "r1"]);
  });

  test.prop([fc.integer({ min: 1, max: 4 }), fc.nat(7), fc.integer({ min: 1, max: 5 })])(
    "round-robin after a replica joins: every k rounds over the n + 1 replicas give each exactly k reads",
    (n, before, k) => {
      const t = setup({}, n);
      for (let r = 0; r < before; r++) t.op("read");
      t.sim.run();
      t.router.addReplica(node(t.sim, "added", () => 0));
      t.router.resetStats();
      for (let r = 0; r < k * (n + 1); r++) t.op("read");
      t.sim.run();
      expect(t.router.stats.readsPerReplica).toEqual(new Array<number>(n + 1).fill(k));
    },
  );

  it("lag shunning checks an added replica from the next check on", () => {
    const t = setup({ maxReplicationLagMs: 100, lagCheckIntervalMs: 1000 });
    t.sim.run({ until: 500 });
    t.router.addReplica(node(t.sim, "r2", () => 0));
    t.lag[2] = 101;
    expect(t.router.isShunned(2)).toBe(false);
    t.sim.run({ until: 1001 });
    expect(t.router.isShunned(2)).toBe(true);
    t.lag[2] = 0;
    t.sim.run({ until: 2001 });
    expect(t.router.isShunned(2)).toBe(false);
    t.router.stop();
  });

  it("via dns: an instance keeps its resolved replica for the TTL", () => {
    const t = setup({ via: "dns", dnsTtlMs: 100 });
    t.op("read", 0, 0);
    t.op("read", 0, 50);
    t.op("read", 0, 150); // TTL expired: resolves again, to the next replica
    t.sim.run();
    expect(t.served).toEqual(["r0", "r0", "r1"]);
  });

  it("via proxy: each statement pays one more round trip", () => {
    const t = setup({ via: "proxy", proxyRoundTripMs: () => 4 });
    const o = new Operation(0, 0, "read", 1, 2, 0);
    let doneAt = Number.NaN;
    t.router.submit(o, () => {
      doneAt = t.sim.now;
    });
    t.sim.run();
    // 2 statements × 4 ms of proxy round trips, plus the node's 1 ms.
    expect(doneAt).toBe(9);
  });
});

describe("least-lag in a whole run", () => {
  it("spreads the built-in read-heavy plan's reads evenly over two equal replicas", () => {
    // Two identical async replicas at light load are both caught up (lag 0) most
    // of the time, so nearly every choice is a tie; rotating ties must give each
    // about half the reads, as round-robin does. Before ties rotated, the first
    // replica took about 95 % of them and saturated.
    const base = BUILTIN_SCENARIOS["read-heavy"] as ScenarioInput;
    const scenario = {
      ...base,
      duration: "3s",
      warmup: "1s",
      workload: { ...(base.workload as object), rate: 2400 },
      routing: { via: "app", readBalancing: "least-lag" },
    } as ScenarioInput;
    const report = runScenario(scenario);
    const reads = report.nodes.slice(1).map((n) => n.readsServed);
    const total = (reads[0] as number) + (reads[1] as number);
    expect(total).toBeGreaterThan(5000);
    for (const r of reads) expect(Math.abs(r / total - 0.5)).toBeLessThan(0.05);
  });
});
