// The ProxySQL model on its own: stub backends that answer after a fixed time,
// count their connections and hold versions of their keys, and a small driver
// that opens frontend connections and runs operations statement by statement.
import { describe, expect, it } from "vitest";
import {
  type ErrorKind,
  Operation,
  type PortConnection,
  type ProxyServerConfig,
  ProxySql,
  type ProxySqlConfig,
  type QueryRule,
  type ServerPort,
  Simulation,
} from "../../src/index.js";

const WRITER = 10;
const READER = 20;

/** A backend that answers every statement after `workMs` and counts its connections. */
class StubNode implements ServerPort {
  readonly name: string;
  open = 0;
  openMax = 0;
  connects = 0;
  statements = 0;
  readonly versions = new Map<number, number>();
  private readonly sim: Simulation;
  private readonly workMs: number;
  private readonly maxConnections: number;
  constructor(sim: Simulation, name: string, workMs = 1, maxConnections = 1000) {
    this.sim = sim;
    this.name = name;
    this.workMs = workMs;
    this.maxConnections = maxConnections;
  }
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    if (this.open >= this.maxConnections) {
      done(null, "too_many_clients");
      return;
    }
    this.open++;
    this.connects++;
    this.openMax = Math.max(this.openMax, this.open);
    done({}, null);
  }
  disconnect(): void {
    this.open--;
  }
  execute(_c: PortConnection, op: Operation, index: number, done: (e: ErrorKind | null) => void) {
    this.statements++;
    this.sim.schedule(this.workMs, () => {
      if (index === op.statements - 1) {
        op.node = this.name;
        if (op.kind === "write") this.versions.set(op.key, (this.versions.get(op.key) ?? 0) + 1);
        op.version = this.versions.get(op.key) ?? 0;
      }
      done(null);
    });
  }
}

const READ_SPLIT: QueryRule[] = [
  {
    ruleId: 1,
    match: { forUpdate: true },
    destinationHostgroup: WRITER,
    cacheTtlMs: null,
    apply: true,
  },
  {
    ruleId: 2,
    match: { kind: "read" },
    destinationHostgroup: READER,
    cacheTtlMs: null,
    apply: true,
  },
];

function rule(ruleId: number, match: QueryRule["match"], more: Partial<QueryRule> = {}): QueryRule {
  return { ruleId, match, destinationHostgroup: null, cacheTtlMs: null, apply: false, ...more };
}

interface Setup {
  readonly sim: Simulation;
  readonly proxy: ProxySql;
  readonly primary: StubNode;
  readonly replica: StubNode;
}

function setup(
  config: Partial<ProxySqlConfig> = {},
  servers?: (primary: StubNode, replica: StubNode) => ProxyServerConfig[],
): Setup {
  const sim = new Simulation({ seed: 3 });
  const primary = new StubNode(sim, "primary");
  const replica = new StubNode(sim, "replica");
  const row = (port: ServerPort, hostgroup: number): ProxyServerConfig => ({
    hostgroup,
    port,
    weight: 1,
    maxConnections: 1000,
    maxReplicationLagS: 0,
    secondsBehindSource: null,
  });
  const rows = servers?.(primary, replica) ?? [row(primary, WRITER), row(replica, READER)];
  const proxy = new ProxySql(
    sim,
    {
      name: "proxysql",
      maxConnections: 2048,
      defaultHostgroup: WRITER,
      queryRules: READ_SPLIT,
      multiplexing: true,
      backendRoundTripMs: () => 0,
      backendConnectRoundTrips: 0,
      queryCacheSizeMB: 256,
      queryCacheEntryBytes: 1024,
      cacheHitMs: () => 0,
      monitorReplicationLagIntervalMs: 10_000,
      connectTimeoutServerMaxMs: 10_000,
      ...config,
    },
    rows,
    (key) => primary.versions.get(key) ?? 0,
  );
  return { sim, proxy, primary, replica };
}

let nextId = 0;
function op(kind: "read" | "write", key = 1, statements = 1): Operation {
  return new Operation(nextId++, 0, kind, key, statements, 0);
}

/** Opens a frontend connection now. */
function frontend(proxy: ProxySql): PortConnection {
  let conn: PortConnection | null = null;
  proxy.connect((c, e) => {
    if (c === null) throw new Error(`refused: ${e}`);
    conn = c;
  });
  return conn as unknown as PortConnection;
}

/** Runs `o`'s statements one after another on `conn`, `gapMs` apart; `done` gets the outcome. */
function run(
  s: Setup,
  conn: PortConnection,
  o: Operation,
  done: (error: ErrorKind | null) => void = () => {},
  gapMs = 0,
): void {
  const step = (i: number): void => {
    s.proxy.execute(conn, o, i, (error) => {
      if (error !== null || i === o.statements - 1) {
        o.error = error;
        o.completedAt = s.sim.now;
        done(error);
        return;
      }
      s.sim.schedule(gapMs, () => step(i + 1));
    });
  };
  step(0);
}

describe("ProxySql: query rules", () => {
  it("sends reads to the reader hostgroup, locking reads and writes to the writer (default hostgroup)", () => {
    const s = setup();
    const fe = frontend(s.proxy);
    const read = op("read");
    const locking = op("read");
    locking.forUpdate = true;
    const write = op("write");
    run(s, fe, read);
    s.sim.run({ until: 10 });
    run(s, fe, locking);
    s.sim.run({ until: 20 });
    run(s, fe, write);
    s.sim.run({ until: 30 });
    expect([read.node, locking.node, write.node]).toEqual(["replica", "primary", "primary"]);
    expect(s.proxy.stats.ruleHits).toEqual([1, 1]);
    // No rule matches a write: it goes to the user's default hostgroup.
    expect(s.proxy.stats.unmatchedQueries).toBe(1);
    expect(s.proxy.stats.hostgroupQueries).toEqual([2, 1]);
  });

  it("tries rules by ruleId, not in the order given", () => {
    const s = setup({
      queryRules: [
        rule(9, {}, { destinationHostgroup: WRITER, apply: true }),
        rule(3, { kind: "read" }, { destinationHostgroup: READER, apply: true }),
      ],
    });
    const read = op("read");
    run(s, frontend(s.proxy), read);
    s.sim.run({ until: 10 });
    expect(read.node).toBe("replica");
    expect(s.proxy.rules.map((r) => r.ruleId)).toEqual([3, 9]);
    expect(s.proxy.stats.ruleHits).toEqual([1, 0]);
  });

  it("lets a later matching rule override the destination unless apply stops", () => {
    for (const apply of [false, true]) {
      const s = setup({
        queryRules: [
          rule(1, { kind: "read" }, { destinationHostgroup: READER, apply }),
          rule(2, {}, { destinationHostgroup: WRITER }),
        ],
      });
      const read = op("read");
      run(s, frontend(s.proxy), read);
      s.sim.run({ until: 10 });
      expect(read.node).toBe(apply ? "replica" : "primary");
      expect(s.proxy.stats.ruleHits).toEqual(apply ? [1, 0] : [1, 1]);
    }
  });

  it("matches inTransaction on multi-statement operations, counting every statement", () => {
    const s = setup({
      queryRules: [
        rule(1, { inTransaction: true }, { destinationHostgroup: WRITER, apply: true }),
        rule(2, { kind: "read" }, { destinationHostgroup: READER, apply: true }),
      ],
    });
    const fe = frontend(s.proxy);
    const tx = op("read", 1, 3);
    run(s, fe, tx);
    s.sim.run({ until: 10 });
    expect(tx.node).toBe("primary");
    expect(s.proxy.stats.ruleHits).toEqual([3, 0]);
    expect(s.primary.statements).toBe(3);
  });
});

describe("ProxySql: query cache", () => {
  const cached = (ttl: number): QueryRule[] => [
    rule(1, { kind: "read" }, { destinationHostgroup: READER, cacheTtlMs: ttl, apply: true }),
  ];

  it("answers from the cache within the TTL after the result was stored, and misses after", () => {
    const s = setup({ queryRules: cached(100) });
    const fe = frontend(s.proxy);
    const first = op("read");
    const within = op("read");
    const after = op("read");
    run(s, fe, first); // miss at 0, stored at 1 ms (the backend's work)
    s.sim.schedule(100, () => run(s, fe, within)); // 99 ms after storing: a hit
    s.sim.schedule(101, () => run(s, fe, after)); // 100 ms after storing: expired
    s.sim.run({ until: 200 });
    expect(within.node).toBe("proxysql");
    expect(after.node).toBe("replica");
    expect(s.replica.statements).toBe(2);
    expect(s.proxy.stats).toMatchObject({ cacheHits: 1, cacheMisses: 2, cacheStaleHits: 0 });
  });

  it("is not invalidated by writes: a hit returns the older version and counts as stale", () => {
    const s = setup({ queryRules: cached(1000) });
    const fe = frontend(s.proxy);
    const before = op("read", 7);
    const write = op("write", 7);
    const after = op("read", 7);
    run(s, fe, before);
    s.sim.schedule(10, () => run(s, fe, write));
    s.sim.schedule(20, () => run(s, fe, after));
    s.sim.run({ until: 50 });
    expect(write.version).toBe(1);
    expect(after.node).toBe("proxysql");
    expect(after.version).toBe(0);
    expect(s.proxy.stats).toMatchObject({ cacheHits: 1, cacheStaleHits: 1 });
  });

  it("never caches writes or multi-statement reads", () => {
    const s = setup({
      queryRules: [rule(1, {}, { destinationHostgroup: WRITER, cacheTtlMs: 1000 })],
    });
    const fe = frontend(s.proxy);
    for (const [t, o] of [
      [0, op("write", 3)],
      [10, op("read", 3, 2)],
      [20, op("read", 3, 2)],
    ] as const) {
      s.sim.schedule(t, () => run(s, fe, o));
    }
    s.sim.run({ until: 50 });
    expect(s.proxy.stats.cacheHits + s.proxy.stats.cacheMisses).toBe(0);
    expect(s.proxy.cacheEntries).toBe(0);
  });

  it("holds at most queryCacheSizeMB ÷ entry size entries, evicting the least recently used", () => {
    const s = setup({
      queryRules: cached(10_000),
      queryCacheSizeMB: 2,
      queryCacheEntryBytes: 1024 * 1024,
    });
    expect(s.proxy.cacheCapacity).toBe(2);
    const fe = frontend(s.proxy);
    const reads = [1, 2, 1, 3, 1, 2].map((key) => op("read", key));
    reads.forEach((o, i) => {
      s.sim.schedule(i * 10, () => run(s, fe, o));
    });
    s.sim.run({ until: 100 });
    // 1, 2 stored; 1 hit (most recent); 3 stored, evicting 2; 1 hit; 2 missed.
    expect(reads.map((o) => o.node === "proxysql")).toEqual([
      false,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect(s.proxy.stats.cacheEvictions).toBe(2);
    expect(s.proxy.cacheEntries).toBe(2);
    expect(s.proxy.cacheEntriesMax).toBe(2);
  });
});

describe("ProxySql: multiplexing", () => {
  it("lets many frontend connections share a few backend connections", () => {
    for (const multiplexing of [true, false]) {
      const s = setup({ multiplexing });
      const fes = Array.from({ length: 10 }, () => frontend(s.proxy));
      // One read every 2 ms, each taking 1 ms: never two at once.
      for (let round = 0; round < 3; round++) {
        fes.forEach((fe, i) => {
          s.sim.schedule((round * 10 + i) * 2, () => run(s, fe, op("read")));
        });
      }
      s.sim.run({ until: 100 });
      expect(s.replica.connects).toBe(multiplexing ? 1 : 10);
      expect(s.proxy.frontends.max).toBe(10);
    }
  });

  it("holds a backend connection for a whole transaction, then returns it", () => {
    const s = setup();
    const a = frontend(s.proxy);
    const b = frontend(s.proxy);
    const tx = op("write", 1, 3);
    // Statements 5 ms apart (the client's round trips): the connection stays with `a`.
    run(s, a, tx, () => {}, 5);
    s.sim.schedule(3, () => run(s, b, op("write", 2)));
    s.sim.schedule(30, () => run(s, b, op("write", 2)));
    s.sim.run({ until: 50 });
    expect(tx.error).toBeNull();
    expect(s.primary.connects).toBe(2);
    // After the transaction both connections are free again: the late write opened none.
    const [writer] = s.proxy.serverStats(s.sim.now);
    expect(writer?.connectionsUsedMax).toBe(2);
  });

  // The report's multiplexingDisabled is documented as a number of frontend
  // connections (docs/proxy.md): a frontend pinned before the warm-up cut and
  // still open is pinned in the window, so the cut must not drop it.
  it("counts frontends still pinned at the warm-up cut, not only switch-offs after it", () => {
    const s = setup();
    const a = frontend(s.proxy);
    const b = frontend(s.proxy);
    const c = frontend(s.proxy);
    for (const [fe, key] of [
      [a, 1],
      [b, 2],
    ] as const) {
      const set = op("write", key);
      set.sessionState = "set";
      run(s, fe, set);
    }
    s.sim.run({ until: 20 });
    s.proxy.disconnect(b);
    s.proxy.resetStats(s.sim.now);
    // `a` stays pinned; `b` is gone; `c` pins itself after the cut.
    const set = op("write", 3);
    set.sessionState = "set";
    run(s, c, set);
    s.sim.run({ until: 40 });
    expect(s.proxy.stats.multiplexingDisabled).toBe(2);
  });

  it("switches multiplexing off for good once a frontend uses session state", () => {
    const s = setup();
    const a = frontend(s.proxy);
    const b = frontend(s.proxy);
    const set = op("write", 1);
    set.sessionState = "set";
    run(s, a, set);
    s.sim.schedule(10, () => run(s, b, op("write", 2))); // a's connection is pinned: b opens another
    s.sim.schedule(20, () => run(s, a, op("write", 3))); // a keeps using its own
    s.sim.schedule(30, () => run(s, b, op("write", 4))); // b's went back to the pool
    s.sim.run({ until: 40 });
    expect(s.proxy.stats.multiplexingDisabled).toBe(1);
    expect(s.primary.connects).toBe(2);
    // When `a` disconnects its connection goes back to the pool.
    s.proxy.disconnect(a);
    const c = frontend(s.proxy);
    const d = frontend(s.proxy);
    s.sim.schedule(0, () => run(s, c, op("write", 5)));
    s.sim.schedule(0, () => run(s, d, op("write", 6)));
    s.sim.run({ until: 60 });
    expect(s.primary.connects).toBe(2);
  });
});

describe("ProxySql: limits", () => {
  it("refuses frontend connections past mysql-max_connections", () => {
    const s = setup({ maxConnections: 2 });
    frontend(s.proxy);
    const b = frontend(s.proxy);
    const refused: (ErrorKind | null)[] = [];
    s.proxy.connect((c, e) => refused.push(c === null ? e : null));
    s.proxy.disconnect(b);
    s.proxy.connect((c, e) => refused.push(c === null ? e : null));
    expect(refused).toEqual(["proxy_max_connections", null]);
    expect(s.proxy.stats.frontendRefused).toBe(1);
  });

  it("queues queries FIFO for a server's max_connections and records their waits", () => {
    const s = setup({}, (primary) => [
      {
        hostgroup: WRITER,
        port: primary,
        weight: 1,
        maxConnections: 1,
        maxReplicationLagS: 0,
        secondsBehindSource: null,
      },
    ]);
    const done: number[] = [];
    for (let i = 0; i < 3; i++) {
      run(s, frontend(s.proxy), op("write", i), () => done.push(s.sim.now));
    }
    s.sim.run({ until: 10 });
    expect(done).toEqual([1, 2, 3]);
    expect(s.primary.openMax).toBe(1);
    expect(s.proxy.stats.backendWaits).toBe(3);
    expect(s.proxy.backendWaitMs.max).toBeCloseTo(2, 6);
  });

  it("fails a query with hostgroup_unavailable when its hostgroup has no ONLINE server for connect_timeout_server_max", () => {
    const s = setup({ connectTimeoutServerMaxMs: 500 }, (primary) => [
      {
        hostgroup: WRITER,
        port: primary,
        weight: 1,
        maxConnections: 1000,
        maxReplicationLagS: 0,
        secondsBehindSource: null,
      },
    ]);
    const read = op("read");
    let failedAt = -1;
    run(s, frontend(s.proxy), read, () => {
      failedAt = s.sim.now;
    });
    s.sim.run({ until: 1000 });
    expect(read.error).toBe("hostgroup_unavailable");
    expect(failedAt).toBe(500);
    expect(s.proxy.stats.noOnlineServer).toBe(1);
  });

  it("serves a waiting query as soon as a shunned reader comes back ONLINE", () => {
    let lagS = 5;
    const s = setup(
      { monitorReplicationLagIntervalMs: 100, connectTimeoutServerMaxMs: 500 },
      (p, r) => [
        {
          hostgroup: WRITER,
          port: p,
          weight: 1,
          maxConnections: 10,
          maxReplicationLagS: 0,
          secondsBehindSource: null,
        },
        {
          hostgroup: READER,
          port: r,
          weight: 1,
          maxConnections: 10,
          maxReplicationLagS: 1,
          secondsBehindSource: () => lagS,
        },
      ],
    );
    const read = op("read");
    s.sim.schedule(150, () => run(s, frontend(s.proxy), read));
    s.sim.schedule(250, () => {
      lagS = 0;
    });
    s.sim.run({ until: 1000 });
    s.proxy.stop();
    expect(read.error).toBeNull();
    expect(read.node).toBe("replica");
    // Shunned at the check at 0, ONLINE at the check at 300; the read waited from 150.
    expect(read.completedAt).toBe(301);
    expect(s.proxy.serverStats(s.sim.now)[1]).toMatchObject({ shunEvents: 1, shunnedMs: 300 });
  });
});
