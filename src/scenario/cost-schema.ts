// The report's cost section (report.cost), as its own leaf: the report's schema
// takes it without importing how a plan is priced.
import * as z from "zod";

/**
 * One line of the plan's cost: `count` instances of one name at one unit price.
 *
 * @remarks Since 0.2.0
 */
export const CostItemSchema = z.strictObject({
  component: z.enum(["database", "pool", "proxy", "cache"]),
  name: z
    .string()
    .describe(
      'The RDS class, EC2 instance type or ElastiCache node type; "custom" for database nodes without a size',
    ),
  count: z.number().int().positive(),
  unitPerHour: z.number().nullable().describe("Dollars per hour of one; null when unpriced"),
  perHour: z.number().nullable().describe("unitPerHour × count; null when unpriced"),
  priceFrom: z
    .enum(["scenario", "price list"])
    .nullable()
    .describe("The section's own prices, or the list dbsim ships; null when neither has one"),
});

/**
 * The plan's cost per hour (`report.cost`).
 *
 * @remarks Since 0.2.0
 */
export const CostReportSchema = z.strictObject({
  perHour: z
    .number()
    .nullable()
    .describe("The items' sum (dollars per hour); null when any item has no price"),
  currency: z.literal("USD"),
  priceList: z.string().describe("The shipped list's name and date"),
  items: z.array(CostItemSchema),
  unpriced: z
    .array(z.string())
    .describe("Why perHour is null: one sentence per unpriced item (empty when priced)"),
});

/**
 * The plan's cost per hour (see {@link CostReportSchema}).
 *
 * @remarks Since 0.2.0
 */
export type CostReport = z.infer<typeof CostReportSchema>;
