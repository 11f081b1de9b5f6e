// The report's `faults` section: one row per node crash, with the figures of its
// failover, and the lines the text report and the resolved scenario's summary show.
import * as z from "zod";
import { alignColumns, formatDuration, formatFigure } from "../table-text.js";
import type { TimelineEntry } from "../timeline.js";

const ms = () => z.number().nullable();

const FaultRowSchema = z.strictObject({
  kind: z.enum(["primary-crash", "replica-crash"]),
  node: z.string(),
  atMs: z.number().describe("When the node crashed (ms from the start of the run)"),
  detectedMs: ms().describe(
    "When the crash was detected: the failover started (primary) or the router took the replica out of the read rotation; null before it",
  ),
  promoted: z
    .string()
    .nullable()
    .describe("The replica promoted: the one with the highest received LSN"),
  promotedLsn: z
    .number()
    .int()
    .nonnegative()
    .nullable()
    .describe("The promoted replica's received LSN: the new primary's log continues from it"),
  promotedMs: ms().describe("When the promoted replica had replayed all it had received"),
  endMs: ms().describe(
    "When the node's work was taken over: the endpoint leads to the new primary, or the node is back; null: not in the run",
  ),
  downtimeMs: z
    .number()
    .nonnegative()
    .describe(
      "Crash to end (to the end of the run when it never ended): writes unavailable, for a primary",
    ),
  rtoMs: ms().describe(
    "Recovery time: crash to the first write acknowledged after it; null when none was",
  ),
  rpoMs: z
    .number()
    .nonnegative()
    .describe(
      "Data-loss window: crash minus the commit instant of the oldest acknowledged write lost; 0 when none was lost",
    ),
  lostWrites: z
    .number()
    .int()
    .nonnegative()
    .describe(
      "Writes acknowledged before the crash whose LSN is beyond the promoted replica's received position: gone",
    ),
  errors: z
    .record(z.string(), z.number().int().nonnegative())
    .describe("Operations it failed, by error kind"),
  proxyReadOnlyWaitMs: ms()
    .optional()
    .describe(
      "Behind ProxySQL: the promotion to the read_only poll that moved the new primary into the writer hostgroup (writes waited meanwhile); null before it",
    ),
  note: z
    .string()
    .describe(
      "Why there was no failover, when there was none; behind ProxySQL, when its read_only poll saw the new primary; else empty",
    ),
});

/**
 * The node crashes of a run: the whole run, the warm-up included.
 *
 * @remarks Since 0.2.0
 */
export const FaultsReportSchema = z
  .strictObject({
    lostWrites: z
      .number()
      .int()
      .nonnegative()
      .describe("Acknowledged writes lost, over every crash"),
    events: z.array(FaultRowSchema),
  })
  .describe("Node crashes and their failovers (only when the timeline has one)");

/** @internal The faults section. */
export type FaultsReport = z.output<typeof FaultsReportSchema>;

/** @internal Several clusters' faults sections as one: every row, by crash time (stable: cluster order among equals). */
export function combineFaults(sections: readonly FaultsReport[]): FaultsReport {
  return {
    lostWrites: sections.reduce((n, s) => n + s.lostWrites, 0),
    events: sections.flatMap((s) => s.events).sort((a, b) => a.atMs - b.atMs),
  };
}

/** @internal One row of the faults section. */
export type FaultRow = z.output<typeof FaultRowSchema>;

/** @internal The faults section of the report's table. */
export function faultsTable(section: z.output<typeof FaultsReportSchema>): string[] {
  const notes = section.events.filter((e) => e.note !== "").map((e) => `${e.node}: ${e.note}`);
  return [
    "Faults",
    ...alignColumns(faultsRows(section), "l"),
    `acknowledged writes lost: ${section.lostWrites}`,
    ...notes,
  ];
}

/** @internal The faults table's header and rows (the text report and the HTML report). */
export function faultsRows(section: z.output<typeof FaultsReportSchema>): string[][] {
  const at = (x: number | null): string => (x === null ? "-" : formatFigure(x));
  return [
    [
      "fault",
      "node",
      "at (ms)",
      "detected",
      "promoted",
      "LSN",
      "end",
      "downtime",
      "RTO",
      "RPO",
      "lost",
      "node_down",
    ],
    ...section.events.map((e) => [
      e.kind,
      e.node,
      formatFigure(e.atMs),
      at(e.detectedMs),
      e.promoted ?? "-",
      e.promotedLsn === null ? "-" : String(e.promotedLsn),
      at(e.endMs),
      formatFigure(e.downtimeMs),
      at(e.rtoMs),
      formatFigure(e.rpoMs),
      String(e.lostWrites),
      String(e.errors.node_down ?? 0),
    ]),
  ];
}

/** @internal The crashes in the summary of a resolved scenario, or undefined without any. */
export function faultSummary(
  timeline: readonly TimelineEntry[],
): readonly [string, string] | undefined {
  const parts = timeline.flatMap((e) => {
    if (e.kind === "primary-crash")
      return [
        `${e.node} crash at ${formatDuration(e.at)} (detection ${formatDuration(e.failover.detection)})`,
      ];
    if (e.kind === "replica-crash") return [`${e.replica} crash at ${formatDuration(e.at)}`];
    return [];
  });
  return parts.length === 0 ? undefined : ["faults", parts.join(", ")];
}
