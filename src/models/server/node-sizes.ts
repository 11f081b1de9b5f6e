// Node sizes: a preset looked up by name (the Amazon RDS classes listed in
// node-sizes.data.ts, hardware from the RDS User Guide's table), explicit fields
// overriding it, and its cost from the price table the caller passes (dollars
// per hour by preset name; the list dbsim ships is price-list.data.ts).
// Within one family every step doubles vCPUs and memory, and the shipped list's
// price is linear per vCPU, so the cost per core is flat; docs/cost.md says
// where the curve bends (past the family, memory, licensing, USL contention).
// Left out: storage and I/O charges, Multi-AZ standbys, reserved pricing, burst
// credits of "up to" network and EBS figures.
import { NODE_SIZES, type NodeSizeSpec } from "./node-sizes.data.js";

/**
 * A resolved node size: the preset's hardware with overrides applied, and its cost.
 *
 * @remarks Since 0.2.0
 */
export interface NodeSize extends NodeSizeSpec {
  /** The preset's name, or "custom" when none was named. */
  readonly name: string;
  /** Dollars per hour from the price table, or null when the table has no price for it. */
  readonly costPerHour: number | null;
}

/**
 * Prices by preset name, dollars per hour: the user's own, dated, price list.
 *
 * @remarks Since 0.2.0
 */
export type PriceTable = Readonly<Record<string, number>>;

/**
 * The preset names, in table order.
 *
 * @remarks Since 0.2.0
 */
export function nodeSizeNames(): string[] {
  return Object.keys(NODE_SIZES);
}

function checkOverride(field: string, value: number | undefined): void {
  if (value !== undefined && !(value > 0 && Number.isFinite(value))) {
    throw new RangeError(`node size: ${field} ${value} is not a positive number`);
  }
}

/**
 * The node size called `name`, with `overrides` on top and its cost from `prices`.
 * An unknown name is an error that lists the known ones.
 *
 * @remarks Since 0.2.0
 */
export function nodeSize(
  name: string,
  overrides: Partial<NodeSizeSpec> = {},
  prices: PriceTable = {},
): NodeSize {
  const preset = Object.hasOwn(NODE_SIZES, name) ? NODE_SIZES[name] : undefined;
  if (preset === undefined) {
    throw new RangeError(
      `node size "${name}" is not a preset; expected one of ${nodeSizeNames().join(", ")}`,
    );
  }
  for (const field of ["vcpus", "memoryGiB", "networkGbps", "diskIops"] as const) {
    checkOverride(field, overrides[field]);
  }
  const price = Object.hasOwn(prices, name) ? prices[name] : undefined;
  if (price !== undefined && !(price >= 0 && Number.isFinite(price))) {
    throw new RangeError(`price table: ${name} costs ${price} per hour; expected a number ≥ 0`);
  }
  return { ...preset, ...overrides, name, costPerHour: price ?? null };
}

/**
 * The cost per hour of a plan: the sum over its nodes, or null when any node has
 * no price (a partial sum would read as a full one).
 *
 * @remarks Since 0.2.0
 */
export function planCostPerHour(nodes: readonly Pick<NodeSize, "costPerHour">[]): number | null {
  let total = 0;
  for (const node of nodes) {
    if (node.costPerHour === null) return null;
    total += node.costPerHour;
  }
  return total;
}
