// Looks prices up in the shipped list (price-list.data.ts): an RDS class by
// engine, an ElastiCache node type by engine, an EC2 instance type. A name the
// list lacks has no price (undefined), never a guess from a neighbour's.
import { PRICE_LIST } from "./price-list.data.js";

/**
 * What the shipped list prices: the database's RDS classes (by engine), the
 * cache's ElastiCache node types (by engine), a pooler's or proxy's EC2 host.
 *
 * @remarks Since 0.2.0
 */
export type PriceListSection =
  | { readonly list: "rds"; readonly engine: "postgresql" | "mysql" }
  | { readonly list: "elasticache"; readonly engine: string }
  | { readonly list: "ec2" };

function group(section: PriceListSection) {
  switch (section.list) {
    case "rds":
      return PRICE_LIST.rds[section.engine];
    case "elasticache":
      return section.engine === "redis" ? PRICE_LIST.elasticache.redis : undefined;
    case "ec2":
      return PRICE_LIST.ec2;
  }
}

/**
 * The shipped list's price of `name` (dollars per hour), or undefined when the
 * list has none.
 *
 * @remarks Since 0.2.0
 */
export function listPrice(section: PriceListSection, name: string): number | undefined {
  const prices = group(section)?.perHour;
  return prices !== undefined && Object.hasOwn(prices, name) ? prices[name] : undefined;
}

/**
 * The shipped list's prices of one section, by name (an empty table when it has none).
 *
 * @remarks Since 0.2.0
 */
export function listPrices(section: PriceListSection): Readonly<Record<string, number>> {
  return group(section)?.perHour ?? {};
}
