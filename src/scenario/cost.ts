// The plan's cost per hour: every database node (each shard's, replicas
// included), every pgbouncer (one per node) and ProxySQL (one per cluster)
// priced as the EC2 host it runs on, and every cache node as an ElastiCache
// node. A section's own `prices` win over the shipped list; an item with no
// price anywhere makes the total null and says why, so a partial sum is never
// read as the whole. Only instance hours are priced (docs/cost.md).
import type * as z from "zod";
import { PRICE_LIST_NAME } from "../models/server/price-list.data.js";
import type { PriceListSection } from "../models/server/price-list.js";
import { clusterCount } from "./components/sharding-section.js";
import { unitPrice } from "./cost-prices.js";
import type { CostItemSchema, CostReport } from "./cost-schema.js";
import type { Scenario } from "./schema.js";
import { serviceScenario } from "./service-overrides.js";
import { shardScenario } from "./shard-overrides.js";

/**
 * The EC2 instance type a pgbouncer or ProxySQL host defaults to, 2 vCPUs and
 * 8 GiB: pgbouncer runs on one thread, ProxySQL on `mysql-threads` workers (4 by
 * default, the ProxySQL wiki's "ProxySQL Threads"), and neither holds data.
 *
 * @remarks Since 0.2.0
 */
export const DEFAULT_HOST_INSTANCE = "m5.large";

/**
 * The ElastiCache node type a cache node defaults to.
 *
 * @remarks Since 0.2.0
 */
export const DEFAULT_CACHE_NODE_TYPE = "cache.r6g.large";

type CostItem = z.infer<typeof CostItemSchema>;

interface Priced {
  readonly component: CostItem["component"];
  readonly name: string;
  readonly count: number;
  readonly own: Readonly<Record<string, number>> | undefined;
  readonly list: PriceListSection;
  /** The setting to give when there is no price. */
  readonly setting: string;
}

/** Dollars to the micro-dollar: sums of list prices stay free of float noise. */
function money(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Every cluster's scenario: the shards (overrides merged), or the plan itself. */
function clusters(scenario: Scenario): Scenario[] {
  const s = scenario.services;
  if (s?.database === "per-service") return s.list.map((_, i) => serviceScenario(scenario, i));
  const n = clusterCount(scenario);
  return n === null ? [scenario] : Array.from({ length: n }, (_, i) => shardScenario(scenario, i));
}

function replicaCount(s: Scenario): number {
  const r = s.replication?.replicas;
  if (r === undefined) return 0;
  return typeof r === "number" ? r : r.length;
}

/** What one cluster runs: its nodes, a pgbouncer per node, its ProxySQL. */
function clusterItems(s: Scenario): Priced[] {
  const db = s.database;
  const nodes = 1 + replicaCount(s);
  const items: Priced[] = [
    {
      component: "database",
      name: db.size ?? "custom",
      count: nodes,
      own: db.prices,
      list: { list: "rds", engine: db.engine },
      setting: db.size === undefined ? "database.size" : "database.prices",
    },
  ];
  if (s.pool !== undefined) {
    items.push({
      component: "pool",
      name: s.pool.instanceType ?? DEFAULT_HOST_INSTANCE,
      count: nodes,
      own: s.pool.prices,
      list: { list: "ec2" },
      setting: "pool.prices",
    });
  }
  if (s.proxy !== undefined) {
    items.push({
      component: "proxy",
      name: s.proxy.instanceType ?? DEFAULT_HOST_INSTANCE,
      count: 1,
      own: s.proxy.prices,
      list: { list: "ec2" },
      setting: "proxy.prices",
    });
  }
  return items;
}

function cacheItems(s: Scenario): Priced[] {
  const c = s.cache;
  if (c === undefined) return [];
  return [
    {
      component: "cache",
      name: c.nodeType ?? DEFAULT_CACHE_NODE_TYPE,
      count: c.nodes,
      own: c.prices,
      list: { list: "elasticache", engine: c.engine },
      setting: "cache.prices",
    },
  ];
}

/** Why an item has no price, naming the setting that would give it one. */
function unpricedReason(item: Priced): string {
  if (item.component === "database" && item.name === "custom") {
    return "database nodes have no size: give database.size (an RDS class such as db.r6g.large) to price them";
  }
  const engine = item.list.list === "ec2" ? "" : ` (${item.list.engine})`;
  return `no price for ${item.component} ${item.name}${engine} in ${item.setting} or the shipped list`;
}

/** Items of one component, name and price merged into one line. */
function merge(priced: readonly Priced[]): { item: CostItem; why: string }[] {
  const lines = new Map<string, { item: CostItem; why: string }>();
  for (const p of priced) {
    const price = unitPrice(p.own, p.list, p.name);
    const key = `${p.component}\u0000${p.name}\u0000${price.unitPerHour}\u0000${price.priceFrom}`;
    const line = lines.get(key);
    const count = (line?.item.count ?? 0) + p.count;
    const perHour = price.unitPerHour === null ? null : money(price.unitPerHour * count);
    const item: CostItem = {
      component: p.component,
      name: p.name,
      count,
      unitPerHour: price.unitPerHour,
      perHour,
      priceFrom: price.priceFrom,
    };
    lines.set(key, { item, why: unpricedReason(p) });
  }
  return [...lines.values()];
}

/**
 * The plan's cost per hour, from its resolved scenario.
 *
 * @remarks Since 0.2.0
 */
export function planCost(scenario: Scenario): CostReport {
  const byComponent = clusters(scenario).flatMap(clusterItems);
  const order = ["database", "pool", "proxy", "cache"];
  const priced = [...byComponent, ...cacheItems(scenario)].sort(
    (a, b) => order.indexOf(a.component) - order.indexOf(b.component),
  );
  const lines = merge(priced);
  const unpriced = lines.filter((l) => l.item.perHour === null).map((l) => l.why);
  let total = 0;
  for (const { item } of lines) total += item.perHour ?? 0;
  return {
    perHour: unpriced.length > 0 ? null : money(total),
    currency: "USD",
    priceList: PRICE_LIST_NAME,
    items: lines.map((l) => l.item),
    unpriced,
  };
}
