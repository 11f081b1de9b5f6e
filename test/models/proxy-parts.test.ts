// The ProxySQL model's parts on their own (src/models/proxy/): the query rules'
// verdicts, the query cache's expiry and log-position floor, the lag monitor's
// shun/restore rule. Each expected value follows from ProxySQL's documented
// behaviour (mysql_query_rules; the query cache's cache_ttl; the monitor's
// max_replication_lag check in lib/MySQL_Monitor.cpp), worked out by hand here.
import { describe, expect, it } from "vitest";
import { Operation, Simulation } from "../../src/index.js";
import { WaitLine } from "../../src/kernel/index.js";
import { ServerRow } from "../../src/models/proxy/backend-pools.js";
import { LagMonitor } from "../../src/models/proxy/lag-monitor.js";
import { QueryCache } from "../../src/models/proxy/query-cache.js";
import { type QueryRule, QueryRules } from "../../src/models/proxy/query-rules.js";

function read(key = 1, more: Partial<Operation> = {}): Operation {
  const op = new Operation(1, 0, "read", key, 1, 0);
  return Object.assign(op, more);
}

function rule(ruleId: number, match: QueryRule["match"], more: Partial<QueryRule> = {}): QueryRule {
  return { ruleId, match, destinationHostgroup: null, cacheTtlMs: null, apply: false, ...more };
}

describe("QueryRules", () => {
  it("tries rules in rule_id order: a later match overrides, apply stops, no destination means the default", () => {
    const rules = new QueryRules(
      [
        rule(30, { kind: "read" }, { destinationHostgroup: 30, apply: true }),
        rule(10, { kind: "read" }, { destinationHostgroup: 10, cacheTtlMs: 500 }),
        rule(20, {}, { destinationHostgroup: 20 }),
      ],
      99,
    );

    const r = rules.route(read());
    const w = rules.route(new Operation(2, 0, "write", 1, 1, 0));

    expect(rules.rules.map((x) => x.ruleId)).toEqual([10, 20, 30]);
    // Reads: 10 (dest 10, ttl 500), 20 (dest 20), 30 (dest 30, apply).
    expect(r).toMatchObject({
      hostgroup: 30,
      cacheTtlMs: 500,
      matched: [0, 1, 2],
      unmatched: false,
    });
    // Writes: only 20 matches; writes are never cached.
    expect(w).toMatchObject({ hostgroup: 20, cacheTtlMs: 0, matched: [1], unmatched: false });
    expect(rules.hits).toEqual([1, 2, 1]);
    expect(rules.maxCacheTtlMs).toBe(500);
  });

  it("sends what no rule routes to the default hostgroup and counts it; resetStats restarts the counts", () => {
    const rules = new QueryRules([rule(1, { forUpdate: true }, { destinationHostgroup: 10 })], 10);

    expect(rules.route(read())).toMatchObject({ hostgroup: 10, matched: [], unmatched: true });
    expect(rules.route(read(1, { forUpdate: true }))).toMatchObject({ unmatched: false });
    expect([rules.unmatched, rules.hits]).toEqual([1, [1]]);
    rules.resetStats();
    expect([rules.unmatched, rules.hits]).toEqual([0, [0]]);
  });
});

describe("QueryCache", () => {
  it("expires an entry ttl after the miss that stored it; a hit does not extend it", () => {
    const cache = new QueryCache(1, 1024, 100, () => 0);
    const first = read(1, { version: 0, lsn: 7 });

    expect(cache.answer(read(1), 0)).toBe(false);
    cache.store(first, 100, 0);
    const hit = read(1);
    expect(cache.answer(hit, 99)).toBe(true);
    expect(hit.lsn).toBe(7);
    expect(cache.answer(read(1), 100)).toBe(false);
    expect([cache.hits, cache.misses, cache.staleHits]).toEqual([1, 2, 0]);
  });

  it("counts a hit older than the primary's version as stale (writes never invalidate)", () => {
    let latest = 0;
    const cache = new QueryCache(1, 1024, 1000, () => latest);
    cache.store(read(1, { version: 0 }), 1000, 0);
    latest = 1;

    expect(cache.answer(read(1), 10)).toBe(true);
    expect(cache.staleHits).toBe(1);
  });

  it("holds size ÷ entry bytes entries, evicting the least recently used", () => {
    // 1 MB ÷ 512 KiB = 2 entries.
    const cache = new QueryCache(1, 512 * 1024, 1000, () => 0);
    for (const key of [1, 2, 3]) cache.store(read(key), 1000, 0);

    expect([cache.capacity, cache.size, cache.evictions, cache.entriesMax]).toEqual([2, 2, 1, 2]);
    expect(cache.answer(read(1), 1)).toBe(false);
  });

  it("keeps the least LSN stored within the longest TTL as the floor", () => {
    const cache = new QueryCache(1, 1024, 100, () => 0);
    cache.store(read(1, { lsn: 5 }), 100, 0);
    cache.store(read(2, { lsn: 3 }), 100, 50);
    cache.store(read(3, { lsn: 9 }), 100, 120);

    // At 60: stores at 0 (5) and 50 (3) can be served: the floor is 3.
    expect(cache.lsnFloor(60)).toBe(3);
    // At 150: the store at 50 expired at 150; only 9 remains.
    expect(cache.lsnFloor(150)).toBe(9);
    expect(cache.lsnFloor(220)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe("LagMonitor", () => {
  function rowWith(sim: Simulation, maxLagS: number, lag: () => number | null): ServerRow {
    const port = { name: "replica", connect() {}, disconnect() {}, execute() {} };
    return new ServerRow(
      {
        hostgroup: 20,
        port,
        weight: 1,
        maxConnections: 1,
        maxReplicationLagS: maxLagS,
        secondsBehindSource: lag,
      },
      0,
      sim.now,
      new WaitLine(sim, () => {}),
    );
  }

  it("shuns a row strictly over max_replication_lag at a check and restores it at or under", () => {
    const sim = new Simulation({ seed: 1 });
    const readings = [2, 3, 2, 1, null];
    let i = 0;
    const row = rowWith(sim, 2, () => {
      const reading = readings[i++];
      return reading === undefined ? 0 : reading;
    });
    const online: number[] = [];
    const monitor = new LagMonitor(sim, { intervalMs: 10, lagWhenNullS: 60 }, [row], () =>
      online.push(sim.now),
    );
    const shunned: boolean[] = [];
    monitor.start();
    shunned.push(row.shunned);
    for (let t = 10; t <= 40; t += 10) {
      sim.run({ until: t + 1 });
      shunned.push(row.shunned);
    }
    monitor.stop();

    // Readings 2 (= limit: ONLINE), 3 (SHUNNED), 2 (back), 1, NULL → 60 s > 2 (SHUNNED).
    expect(shunned).toEqual([false, true, false, false, true]);
    expect(online).toEqual([20]);
    expect([row.shunEvents, row.shunnedMs]).toEqual([2, 10]);
    expect(sim.pending).toBe(0);
  });

  it("does not start when no row has both a lag limit and a lag reading", () => {
    const sim = new Simulation({ seed: 1 });
    const monitor = new LagMonitor(
      sim,
      { intervalMs: 10, lagWhenNullS: 60 },
      [rowWith(sim, 0, () => 99)],
      () => {},
    );

    monitor.start();

    expect(sim.pending).toBe(0);
  });
});
