// Plain-text helpers for the report's table (`dbsim run --format table`): the
// components write their own table sections with them, and the CLI the rest.

/**
 * Formats a duration in ms for people: "60 s", "500 ms", "2.5 s".
 *
 * @internal
 */
export function formatDuration(ms: number): string {
  if (ms >= 1000) return `${Number((ms / 1000).toPrecision(6))} s`;
  return `${Number(ms.toPrecision(6))} ms`;
}

/**
 * Lays out rows as columns separated by two spaces. `align` has one letter per
 * column, "l" or "r"; columns past its end are right-aligned.
 *
 * @internal
 */
export function alignColumns(rows: readonly (readonly string[])[], align = "l"): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, cell.length);
    });
  }
  const pad = (cell: string, i: number): string =>
    (align[i] ?? "r") === "l" ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0);
  return rows.map((row) => `  ${row.map(pad).join("  ")}`.trimEnd());
}

/**
 * A figure to four significant digits and at most three decimals: 0.005, 4.094,
 * 16.31, 227.5, 7822. Latencies come from a histogram with 0.4 % relative error,
 * so further digits would be noise.
 *
 * @internal
 */
export function formatFigure(x: number): string {
  const size = Math.abs(x);
  const decimals = size >= 1000 ? 0 : size >= 100 ? 1 : size >= 10 ? 2 : 3;
  return x.toFixed(decimals);
}

/** @internal Shown where a figure has no data (a latency row with no operations). */
export const NO_DATA = "–";

/** @internal A rate per second, one decimal. */
export const perSecText = (x: number): string => x.toFixed(1);

/** @internal A share as a percentage, one decimal. */
export const percentText = (x: number): string => `${(x * 100).toFixed(1)}%`;

type Spread = { readonly mean: number; readonly p99: number; readonly max: number };

/** @internal A spread in ms: "mean 1.2, p99 3.4, max 5.6". */
export const spreadMs = (s: Spread): string =>
  `mean ${formatFigure(s.mean)}, p99 ${formatFigure(s.p99)}, max ${formatFigure(s.max)}`;

/** @internal A count, or a count with its share of a total: "120 (12.0%)". */
export function countOf(n: number, total: number): string {
  return total > 0 ? `${n} (${percentText(n / total)})` : String(n);
}
