// The published latency table: the costs every model charges, as data. The figures
// are the widely circulated "latency numbers every programmer should know" (after
// Jeff Dean and Peter Norvig), rounded as docs/reference.md gives them; the query
// and cross-region rows are ranges, since those costs vary by workload and by
// which regions talk. Versions of the table differ in detail (Norvig's lists L2 at
// 7 ns); dbsim follows one version and lets a scenario override any row.
//
// This module is data only (it imports just the unit helpers at run time), so the
// schemas in distributions.ts can depend on the row names without an import cycle.
import type { DistributionSpec } from "./distribution-types.js";
import { ms, ns, us } from "./units.js";

/**
 * The names of the latency table's rows, in the table's order (fastest first).
 *
 * @remarks Since 0.1.0
 */
export const LATENCY_ROW_NAMES = [
  "l1CacheRead",
  "l2CacheRead",
  "ramRead",
  "ssdRandomRead",
  "sameDatacenterRoundTrip",
  "simpleIndexedQuery",
  "crossRegionRoundTrip",
] as const;

/**
 * The name of a row of the latency table, such as `"ssdRandomRead"`.
 *
 * @remarks Since 0.1.0
 */
export type LatencyRowName = (typeof LATENCY_ROW_NAMES)[number];

/**
 * One row of the published latency table.
 *
 * @remarks Since 0.1.0
 */
export interface LatencyRow {
  /** The row's stable name, used in scenarios and by models. */
  readonly name: LatencyRowName;
  /** The row as the published table words it, e.g. "SSD random read". */
  readonly label: string;
  /** The published figure, or the low end of its range, in ms. */
  readonly lowMs: number;
  /** The published figure, or the high end of its range, in ms (equals `lowMs` for a point value). */
  readonly highMs: number;
  /** The default distribution: constant for a point value, uniform over [lowMs, highMs] for a range. */
  readonly distribution: DistributionSpec;
  /** Where the figure comes from. */
  readonly source: string;
}

/**
 * A latency table as models consume it: every row name mapped to the distribution
 * its costs are drawn from. Build one with {@link resolveLatencyTable}.
 *
 * @remarks Since 0.1.0
 */
export type LatencyTable = Readonly<Record<LatencyRowName, DistributionSpec>>;

const SOURCE =
  '"Latency numbers every programmer should know" (after Jeff Dean and Peter Norvig), ' +
  "as rounded in dbsim's docs/reference.md, which compares it with the sources";

function row(name: LatencyRowName, label: string, lowMs: number, highMs: number): LatencyRow {
  // Deriving the distribution from the bounds keeps the two from disagreeing.
  const distribution: DistributionSpec =
    lowMs === highMs
      ? Object.freeze({ kind: "constant", value: lowMs })
      : Object.freeze({ kind: "uniform", min: lowMs, max: highMs });
  return Object.freeze({ name, label, lowMs, highMs, distribution, source: SOURCE });
}

/**
 * The published latency table, keyed by row name. Frozen: override rows through
 * {@link resolveLatencyTable} instead.
 *
 * | row | published figure |
 * |---|---|
 * | `l1CacheRead` | 0.5 ns |
 * | `l2CacheRead` | 4 ns |
 * | `ramRead` | 100 ns |
 * | `ssdRandomRead` | 100 µs |
 * | `sameDatacenterRoundTrip` | 500 µs |
 * | `simpleIndexedQuery` | 1–5 ms |
 * | `crossRegionRoundTrip` | 10–100 ms |
 *
 * @remarks Since 0.1.0
 */
export const LATENCY_TABLE: Readonly<Record<LatencyRowName, LatencyRow>> = Object.freeze({
  l1CacheRead: row("l1CacheRead", "L1 cache read", ns(0.5), ns(0.5)),
  l2CacheRead: row("l2CacheRead", "L2 cache read", ns(4), ns(4)),
  ramRead: row("ramRead", "RAM read", ns(100), ns(100)),
  ssdRandomRead: row("ssdRandomRead", "SSD random read", us(100), us(100)),
  sameDatacenterRoundTrip: row(
    "sameDatacenterRoundTrip",
    "Network round trip, same datacenter",
    us(500),
    us(500),
  ),
  simpleIndexedQuery: row("simpleIndexedQuery", "Database query, simple and indexed", ms(1), ms(5)),
  crossRegionRoundTrip: row(
    "crossRegionRoundTrip",
    "Network round trip, across regions",
    ms(10),
    ms(100),
  ),
});

/**
 * The table of default distributions: each row's `distribution`. What
 * {@link resolveLatencyTable} returns when there is nothing to override, and
 * what row names resolve through when no table is given.
 *
 * @internal
 */
export const DEFAULT_LATENCY_TABLE: LatencyTable = Object.freeze(
  Object.fromEntries(LATENCY_ROW_NAMES.map((name) => [name, LATENCY_TABLE[name].distribution])),
) as LatencyTable;

/**
 * Whether `x` names a row of the latency table.
 *
 * @param x - any value
 * @returns true when `x` is one of {@link LATENCY_ROW_NAMES}
 * @remarks Since 0.1.0
 */
export function isLatencyRowName(x: unknown): x is LatencyRowName {
  return typeof x === "string" && (LATENCY_ROW_NAMES as readonly string[]).includes(x);
}
