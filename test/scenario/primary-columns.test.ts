// The comparison's write-path columns read every primary of a plan: a sharded
// plan's lock wait is the mean over all its primaries' waits, Σ wᵢ·mᵢ / Σ wᵢ,
// and its commits per flush the mean over all their flushes, Σ fᵢ·cᵢ / Σ fᵢ —
// not shard 0's figures alone. An unsharded plan's one primary reads as before.
import { describe, expect, it } from "vitest";
import { database } from "../../src/scenario/components/database.js";
import type { Report } from "../../src/scenario/report.js";

type Row = {
  name: string;
  role: "primary" | "replica";
  waits: number;
  waitMean: number;
  flushes: number;
  perFlush: number;
};

/** A report holding only what the two columns read. */
function reportOf(rows: readonly Row[]): Report {
  const nodes = rows.map((r) => ({
    name: r.name,
    role: r.role,
    server: {
      locks: { waits: r.waits, waitMs: { mean: r.waitMean } },
      commits: { flushes: r.flushes, commitsPerFlush: r.perFlush },
    },
  }));
  return { nodes } as unknown as Report;
}

function cell(header: string, report: Report): string {
  const column = database.compare?.find((c) => c.header[0] === header);
  if (column === undefined) throw new Error(`no ${header} column`);
  return column.cell(report);
}

describe("the comparison's lock-wait and commits-per-flush columns", () => {
  it("weigh each shard's primary by its waits and its flushes", () => {
    // Shard 0: 1 wait of 10 ms, 10 flushes of 1 commit; shard 1: 3 waits of 2 ms,
    // 30 flushes of 3 commits; a replica's figures are not the write path's.
    const report = reportOf([
      { name: "s0/primary", role: "primary", waits: 1, waitMean: 10, flushes: 10, perFlush: 1 },
      { name: "s0/replica-1", role: "replica", waits: 50, waitMean: 100, flushes: 0, perFlush: 0 },
      { name: "s1/primary", role: "primary", waits: 3, waitMean: 2, flushes: 30, perFlush: 3 },
    ]);
    // (1·10 + 3·2) / 4 = 4 ms; (10·1 + 30·3) / 40 = 2.5 commits a flush.
    expect(cell("lock wait", report)).toBe("4.000");
    expect(cell("commits", report)).toBe("2.50");
  });

  it("skip primaries that did not wait or flush, and show none when no primary did", () => {
    const quiet = { role: "primary" as const, waits: 0, waitMean: 0, flushes: 0, perFlush: 0 };
    const report = reportOf([
      { name: "s0/primary", ...quiet },
      { name: "s1/primary", role: "primary", waits: 2, waitMean: 7, flushes: 4, perFlush: 1.5 },
    ]);
    expect(cell("lock wait", report)).toBe("7.000");
    expect(cell("commits", report)).toBe("1.50");
    expect(cell("lock wait", reportOf([{ name: "primary", ...quiet }]))).toBe("–");
    expect(cell("commits", reportOf([{ name: "primary", ...quiet }]))).toBe("–");
  });
});
