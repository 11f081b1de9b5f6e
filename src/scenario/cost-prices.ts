// Where a price comes from: the section's own table, then the list dbsim ships.
// A leaf, so the database component can price its nodes as report.cost does.
import { listPrice, type PriceListSection } from "../models/server/price-list.js";

/**
 * A section's price of `name`: its own table first, then the shipped list.
 *
 * @internal
 */
export function unitPrice(
  own: Readonly<Record<string, number>> | undefined,
  list: PriceListSection,
  name: string,
): { unitPerHour: number | null; priceFrom: "scenario" | "price list" | null } {
  if (own !== undefined && Object.hasOwn(own, name)) {
    return { unitPerHour: own[name] ?? null, priceFrom: "scenario" };
  }
  const listed = listPrice(list, name);
  return listed === undefined
    ? { unitPerHour: null, priceFrom: null }
    : { unitPerHour: listed, priceFrom: "price list" };
}
