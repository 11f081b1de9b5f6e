// The write path's figures for the variant comparison, over every primary of a
// plan: one in an unsharded plan, one per shard in a sharded one. Writes run on
// the primaries, so their row-lock waits and group commit tell the hot-row and
// write-batching stories; a sharded plan's figure is the mean over all its
// primaries' waits (or flushes), not shard 0's alone.
import type { Report } from "../report.js";

type ServerRow = NonNullable<Report["nodes"][number]["server"]>;

/**
 * The mean of `value` over the primaries, each weighted by its `weight` (its
 * waits, its flushes); undefined when no primary has mechanisms or the
 * weights are all 0. One primary's own figure is returned as it is.
 */
function weightedOverPrimaries(
  report: Report,
  weight: (s: ServerRow) => number,
  value: (s: ServerRow) => number,
): number | undefined {
  const rows: ServerRow[] = [];
  for (const node of report.nodes) {
    if (node.role === "primary" && node.server !== undefined && weight(node.server) > 0)
      rows.push(node.server);
  }
  if (rows.length === 0) return undefined;
  if (rows.length === 1) return value(rows[0] as ServerRow);
  let sum = 0;
  let total = 0;
  for (const s of rows) {
    sum += weight(s) * value(s);
    total += weight(s);
  }
  return sum / total;
}

/**
 * Mean row-lock wait over every primary's waits (ms); undefined when none waited.
 *
 * @internal
 */
export function primariesLockWaitMs(report: Report): number | undefined {
  return weightedOverPrimaries(
    report,
    (s) => s.locks.waits,
    (s) => s.locks.waitMs.mean,
  );
}

/**
 * Commits per log flush over every primary's flushes; undefined when none flushed.
 *
 * @internal
 */
export function primariesCommitsPerFlush(report: Report): number | undefined {
  return weightedOverPrimaries(
    report,
    (s) => s.commits.flushes,
    (s) => s.commits.commitsPerFlush,
  );
}
