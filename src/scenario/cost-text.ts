// The plan's cost as the report's table and the variant comparison show it.
import type { CostReport } from "./cost-schema.js";

/** Dollars, with cents, or tenths of a cent below ten dollars. */
export function dollars(x: number): string {
  return `$${x.toFixed(x < 10 ? 3 : 2)}`;
}

function itemText(item: CostReport["items"][number]): string {
  const unit = item.unitPerHour === null ? "no price" : dollars(item.unitPerHour);
  return `${item.count} × ${item.name} ${item.component} at ${unit}`;
}

/**
 * The report's cost line: the total and its items, or why there is no total.
 *
 * @internal
 */
export function costLines(cost: CostReport): string[] {
  const items = cost.items.map(itemText).join(", ");
  if (cost.perHour === null) {
    return [`Cost: not priced: ${cost.unpriced.join("; ")} (${items})`];
  }
  return [
    `Cost: ${dollars(cost.perHour)} per hour: ${items} — ${cost.priceList}, instance hours only`,
  ];
}
