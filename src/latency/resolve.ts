// Resolving a scenario's latency overrides against the published table. A scenario
// may replace any row with any distribution, including another row's name, so
// resolution validates every override and checks that no chain of row names loops
// before any model draws from the table.
import * as z from "zod";
import { compileDistribution } from "./compile.js";
import { rowCycles } from "./cycles.js";
import { describeDistribution } from "./describe.js";
import type { DistributionSpec } from "./distribution-types.js";
import { DistributionSpecSchema, formatProblems, issueProblems } from "./distributions.js";
import { LatencyError } from "./errors.js";
import { MAX_NESTING_DEPTH, tooDeepAt } from "./nesting.js";
import {
  DEFAULT_LATENCY_TABLE,
  LATENCY_ROW_NAMES,
  LATENCY_TABLE,
  type LatencyRowName,
  type LatencyTable,
} from "./table.js";

/**
 * Replacements for rows of the latency table: any row, by any distribution.
 *
 * @remarks Since 0.1.0
 */
export type LatencyOverrides = Readonly<Partial<Record<LatencyRowName, DistributionSpec>>>;

/**
 * The schema of {@link LatencyOverrides}: an object whose keys are row names
 * (an unknown row is an error naming it) and whose values are distribution specs.
 *
 * @remarks Since 0.1.0
 */
export const LatencyOverridesSchema: z.ZodType<LatencyOverrides, LatencyOverrides> = z
  .strictObject(
    Object.fromEntries(
      LATENCY_ROW_NAMES.map((name) => {
        const row = LATENCY_TABLE[name];
        const published = describeDistribution(row.distribution);
        return [
          name,
          DistributionSpecSchema.optional().describe(`${row.label}; default ${published}`),
        ];
      }),
    ),
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown latency row${iss.keys.length === 1 ? "" : "s"} ` +
            `${iss.keys.map((key) => JSON.stringify(key)).join(", ")}; ` +
            `expected one of ${LATENCY_ROW_NAMES.join(", ")}`
          : undefined,
    },
  )
  .superRefine((overrides, ctx) => {
    for (const cycle of rowCycles({ ...DEFAULT_LATENCY_TABLE, ...overrides })) {
      const first = cycle[0] as LatencyRowName;
      ctx.addIssue({
        code: "custom",
        path: [first],
        input: overrides[first],
        params: { latencyErrorCode: "ROW_CYCLE" },
        message:
          `latency rows refer to each other in a loop: ${cycle.join(" → ")}; ` +
          "give one of them a distribution instead of a row name",
      });
    }
  })
  .describe("Overrides of latency-table rows, each by any distribution");

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

/**
 * The latency table with `overrides` applied: each overridden row takes the given
 * distribution, the rest keep the published defaults. The result is frozen.
 *
 * @param overrides - replacements for rows, by row name
 * @returns a complete table, ready for {@link compileDistribution}
 * @throws {@link LatencyError} `INVALID_DISTRIBUTION` naming the row and value when
 * an override is invalid or names an unknown row; `ROW_CYCLE` when rows refer to
 * each other in a loop
 * @remarks Since 0.1.0
 */
export function resolveLatencyTable(overrides: LatencyOverrides = {}): LatencyTable {
  const deep = tooDeepAt(overrides, MAX_NESTING_DEPTH);
  if (deep !== undefined) {
    throw new LatencyError(
      "INVALID_DISTRIBUTION",
      `Invalid latency overrides: ${deep.map(String).join(".")}: nested more than ${MAX_NESTING_DEPTH} levels deep`,
    );
  }
  const result = LatencyOverridesSchema.safeParse(overrides);
  if (!result.success) {
    const loops = result.error.issues.every(
      (issue) => issue.code === "custom" && issue.params?.latencyErrorCode === "ROW_CYCLE",
    );
    throw new LatencyError(
      loops ? "ROW_CYCLE" : "INVALID_DISTRIBUTION",
      `Invalid latency overrides: ${formatProblems(issueProblems(result.error.issues, overrides))}`,
    );
  }
  const table: Record<LatencyRowName, DistributionSpec> = { ...DEFAULT_LATENCY_TABLE };
  for (const name of LATENCY_ROW_NAMES) {
    // zod returns fresh objects, so freezing them cannot freeze the caller's.
    const spec = result.data[name];
    if (spec !== undefined) table[name] = deepFreeze(spec);
  }
  Object.freeze(table);
  // Compiling every row follows every chain of row names, so a loop fails here,
  // at set-up, rather than when a model first draws.
  for (const name of LATENCY_ROW_NAMES) compileDistribution(name, table);
  return table;
}
