// The plan's cost (report.cost): the shipped price list and how a plan is
// priced from it. Expected figures are the list's rows (src/models/server/
// price-list.data.ts, each group citing its source) times the instances a plan
// runs, worked out by hand here, not read back from the code.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { formatComparison } from "../../src/cli/compare.js";
import { formatTable } from "../../src/cli/format.js";
import { parseScenario, runScenario, type ScenarioInput } from "../../src/index.js";
import { NODE_SIZES } from "../../src/models/server/node-sizes.data.js";
import { PRICE_LIST } from "../../src/models/server/price-list.data.js";
import { planCost } from "../../src/scenario/cost.js";
import { resolveScenario } from "../../src/scenario/parse.js";
import { arbScenario } from "../../src/testing/index.js";

const quick = { seed: 1, warmup: 0, duration: 200, workload: { rate: 50 } } as const;
const costOf = (input: ScenarioInput) => planCost(resolveScenario(input));

describe("the shipped price list", () => {
  const groups = [
    PRICE_LIST.rds.postgresql,
    PRICE_LIST.rds.mysql,
    PRICE_LIST.elasticache.redis,
    PRICE_LIST.ec2,
  ];

  it("names a source and a date for every group, and every price is a positive finite number", () => {
    for (const g of groups) {
      expect(g.source.length).toBeGreaterThan(10);
      expect(g.observed).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      for (const [name, price] of Object.entries(g.perHour)) {
        expect(Number.isFinite(price) && price > 0, `${g.what} ${name} ${price}`).toBe(true);
      }
    }
  });

  it("prices every node size preset for both engines", () => {
    for (const size of Object.keys(NODE_SIZES)) {
      expect(PRICE_LIST.rds.postgresql.perHour[size], size).toBeGreaterThan(0);
      expect(PRICE_LIST.rds.mysql.perHour[size], size).toBeGreaterThan(0);
    }
  });

  it("is near-linear per vCPU within a family (within 0.5 % of the large's $/vCPU-hour)", () => {
    // docs/cost.md rests on this: each step doubles vCPUs and the price, to AWS's rounding.
    for (const group of [PRICE_LIST.rds.postgresql, PRICE_LIST.rds.mysql]) {
      for (const family of ["db.m6g", "db.r6g"]) {
        const base = (group.perHour[`${family}.large`] ?? 0) / 2;
        for (const [size, spec] of Object.entries(NODE_SIZES)) {
          if (!size.startsWith(`${family}.`)) continue;
          const perVcpu = (group.perHour[size] ?? 0) / spec.vcpus;
          expect(Math.abs(perVcpu / base - 1), size).toBeLessThan(0.005);
        }
      }
    }
  });

  it("has the defaults a plan falls back on: an m5.large host and a cache.r6g.large node", () => {
    expect(PRICE_LIST.ec2.perHour["m5.large"]).toBe(0.096); // $70.08 / 730 h (infracost golden)
    expect(PRICE_LIST.elasticache.redis.perHour["cache.r6g.large"]).toBe(0.206);
  });
});

describe("a plan's cost", () => {
  it("prices scale-up's three sizes from the list: $0.225, $0.45, $0.899 per hour", () => {
    const sizes = { "db.r6g.large": 0.225, "db.r6g.xlarge": 0.45, "db.r6g.2xlarge": 0.899 };
    for (const [size, price] of Object.entries(sizes)) {
      const cost = costOf({ ...quick, database: { size } });
      expect(cost.perHour).toBe(price);
      expect(cost.items).toEqual([
        {
          component: "database",
          name: size,
          count: 1,
          unitPerHour: price,
          perHour: price,
          priceFrom: "price list",
        },
      ]);
    }
  });

  it("counts every node, a pgbouncer per node and the cache nodes", () => {
    // 3 × db.r6g.large ($0.225) + 3 × m5.large ($0.096) + 2 × cache.r6g.large ($0.206)
    // = 0.675 + 0.288 + 0.412 = 1.375
    const cost = costOf({
      ...quick,
      database: { size: "db.r6g.large" },
      replication: { replicas: 2 },
      pool: {},
      cache: { nodes: 2, capacity: { megabytes: 1 } },
    });
    expect(cost.items.map((i) => [i.component, i.name, i.count, i.perHour])).toEqual([
      ["database", "db.r6g.large", 3, 0.675],
      ["pool", "m5.large", 3, 0.288],
      ["cache", "cache.r6g.large", 2, 0.412],
    ]);
    expect(cost.perHour).toBe(1.375);
  });

  it("counts every shard's nodes, with a shard's override of its size", () => {
    // MySQL: 3 shards × (primary + replica) = 6 nodes; shard 1 is a db.m6g.xlarge
    // ($0.304) pair, the others db.m6g.large ($0.152): 4 × 0.152 + 2 × 0.304 = 1.216.
    const cost = costOf({
      ...quick,
      database: { engine: "mysql", size: "db.m6g.large" },
      replication: { replicas: 1 },
      sharding: {
        strategy: "hash-mod",
        shards: 3,
        overrides: [{ shard: 1, database: { size: "db.m6g.xlarge" } }],
      },
    });
    expect(cost.items.map((i) => [i.name, i.count, i.perHour])).toEqual([
      ["db.m6g.large", 4, 0.608],
      ["db.m6g.xlarge", 2, 0.608],
    ]);
    expect(cost.perHour).toBe(1.216);
  });

  it("takes the section's own prices over the list", () => {
    const cost = costOf({
      ...quick,
      database: { size: "db.r6g.large", prices: { "db.r6g.large": 1 } },
      pool: { instanceType: "c7g.medium", prices: { "c7g.medium": 0.25 } },
    });
    expect(cost.items.map((i) => [i.name, i.unitPerHour, i.priceFrom])).toEqual([
      ["db.r6g.large", 1, "scenario"],
      ["c7g.medium", 0.25, "scenario"],
    ]);
    expect(cost.perHour).toBe(1.25);
  });

  it("is null, saying why, when any item has no price", () => {
    const custom = costOf({ ...quick, pool: {} });
    expect(custom.perHour).toBeNull();
    expect(custom.items[1]?.perHour).toBe(0.096); // the pool host is priced, the node is not
    expect(custom.unpriced).toEqual([expect.stringMatching(/database\.size/)]);

    const memcached = costOf({
      ...quick,
      database: { size: "db.r6g.large" },
      cache: { engine: "memcached", capacity: { megabytes: 1 } },
    });
    expect(memcached.perHour).toBeNull();
    expect(memcached.unpriced).toEqual([
      "no price for cache cache.r6g.large (memcached) in cache.prices or the shipped list",
    ]);
  });

  it("is the report's cost, and each node's costPerHour is its unit price", () => {
    const input = { ...quick, database: { size: "db.r6g.xlarge" }, replication: { replicas: 1 } };
    const report = runScenario(input);
    expect(report.cost).toEqual(costOf(input));
    expect(report.nodes.map((n) => n.costPerHour)).toEqual([0.45, 0.45]);
  });

  it("shows as a line of the report's table and a column of the comparison", () => {
    const report = runScenario({ ...quick, database: { size: "db.r6g.large" }, pool: {} });
    // 0.225 + 0.096 = 0.321
    expect(formatTable(report)).toMatch(
      /^Cost: \$0\.321 per hour: 1 × db\.r6g\.large database at \$0\.225, 1 × m5\.large pool at \$0\.096 — AWS us-east-1/m,
    );
    const text = formatComparison([{ name: "base", report }]);
    expect(text).toMatch(/cost\s*$/m);
    expect(text).toMatch(/\$0\.321\s*$/m);
  });
});

describe("a price in a scenario", () => {
  it.each([
    ["database", { database: { prices: { "db.r6g.large": -1 } } }],
    ["pool", { pool: { prices: { "m5.large": -0.1 } } }],
    ["proxy", { replication: { replicas: 1 }, proxy: { prices: { "m5.large": -2 } } }],
    ["cache", { cache: { capacity: { megabytes: 1 }, prices: { "cache.r6g.large": -3 } } }],
  ])("below zero in %s.prices is an error naming its path", (section, patch) => {
    const parsed = parseScenario({ ...quick, ...patch });
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    const issue = parsed.issues.find((i) => i.path.startsWith(`${section}.prices.`));
    expect(issue?.message, JSON.stringify(parsed.issues)).toMatch(/>=\s*0|≥ 0|too small/i);
  });
});

describe("any plan arbScenario draws, sized and priced", () => {
  const sized = fc.record({
    drawn: arbScenario(),
    size: fc.constantFrom(...Object.keys(NODE_SIZES), undefined),
    hostPrice: fc.option(fc.double({ min: 0, max: 5, noNaN: true }), { nil: undefined }),
  });

  it("costs the sum of its items, null exactly when an item has no price", () => {
    fc.assert(
      fc.property(sized, ({ drawn, size, hostPrice }) => {
        const s = resolveScenario(drawn);
        const input = {
          ...s,
          database: { ...s.database, ...(size === undefined ? {} : { size }) },
          ...(s.pool === undefined || hostPrice === undefined
            ? {}
            : { pool: { ...s.pool, prices: { "m5.large": hostPrice } } }),
        };
        const cost = costOf(input as ScenarioInput);
        const missing = cost.items.filter((i) => i.perHour === null);
        expect(cost.perHour === null).toBe(missing.length > 0);
        expect(cost.unpriced).toHaveLength(missing.length);
        for (const item of cost.items) {
          if (item.unitPerHour === null) continue;
          expect(item.perHour).toBeCloseTo(item.unitPerHour * item.count, 6);
        }
        if (cost.perHour !== null) {
          const sum = cost.items.reduce((n, i) => n + (i.perHour ?? 0), 0);
          expect(Math.abs(cost.perHour - sum)).toBeLessThan(1e-6 * cost.items.length + 1e-12);
        }
      }),
      { numRuns: 100 },
    );
  });

  it("counts the database nodes, pgbouncers, ProxySQLs and cache nodes the run builds", () => {
    fc.assert(
      fc.property(arbScenario(), (drawn) => {
        const input = { ...drawn, warmup: 0, duration: 200 };
        const report = runScenario(input, { force: true });
        const cost = report.cost;
        const count = (component: string) =>
          (cost?.items ?? [])
            .filter((i) => i.component === component)
            .reduce((n, i) => n + i.count, 0);
        expect(count("database")).toBe(report.nodes.length);
        const pools =
          (report.pool?.pools.length ?? 0) +
          (report.sharding?.shards ?? []).reduce((n, s) => n + (s.pool?.pools.length ?? 0), 0);
        expect(count("pool")).toBe(pools);
        const shards = report.sharding?.shards ?? [];
        const proxies = (report.proxy === undefined ? 0 : 1) + shards.filter((s) => s.proxy).length;
        expect(count("proxy")).toBe(proxies);
        expect(count("cache")).toBe(report.cache?.nodes?.length ?? 0);
      }),
      { numRuns: 25 },
    );
  });
});
