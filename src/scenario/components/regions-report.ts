// The `regions` report section: each region's sessions, reads and writes with
// their latency, where its reads went, and its replicas' lag; and its table.
import * as z from "zod";
import type { Histogram } from "../../metrics/index.js";
import type { RegionFront } from "../../models/regions/local-reads.js";
import type { MultiPrimary } from "../../models/regions/multi-primary.js";
import type { RegionMap } from "../../models/regions/regions.js";
import { roundFigure } from "../fields.js";
import type { Report } from "../report.js";
import type { Scenario } from "../schema.js";
import { alignColumns, formatFigure, NO_DATA } from "../table-text.js";
import type { MeasuredWindow } from "./component.js";

const LatencySchema = z
  .strictObject({ mean: z.number(), p50: z.number(), p99: z.number() })
  .describe("Latency of the successful operations (ms), issue to answer");

/**
 * The regions' figures.
 *
 * @remarks Since 0.2.0
 */
export const RegionsReportSchema = z.strictObject({
  primary: z.string().describe("The primary's region"),
  commit: z.enum(["local", "quorum"]),
  regions: z.array(
    z.strictObject({
      name: z.string(),
      sessions: z.number().int().nonnegative().describe("Sessions that live in the region"),
      reads: z.number().int().nonnegative().describe("Reads its sessions completed in the window"),
      writes: z
        .number()
        .int()
        .nonnegative()
        .describe("Writes its sessions completed in the window"),
      remoteReads: z
        .number()
        .int()
        .nonnegative()
        .describe("Of its reads, those served in another region (it holds no node)"),
      readLatencyMs: LatencySchema,
      writeLatencyMs: LatencySchema,
      replicas: z.array(z.string()).describe("The replicas in the region"),
      replicaLagMs: z
        .number()
        .describe("The worst p99 replay lag of its replicas (ms); 0 without replicas"),
    }),
  ),
  multiPrimary: z
    .strictObject({
      conflicts: z
        .number()
        .int()
        .nonnegative()
        .describe(
          "Pairs of concurrent writes of a key (neither region had seen the other's) made in the window",
        ),
      lostUpdates: z
        .number()
        .int()
        .nonnegative()
        .describe("Acknowledged writes a concurrent write overwrote under last writer wins"),
      regions: z.array(
        z.strictObject({
          name: z.string(),
          lostUpdates: z
            .number()
            .int()
            .nonnegative()
            .describe("Of the lost updates, those its primary committed"),
          applyLagMs: LatencySchema.describe(
            "Commit elsewhere to applied here, over the changes its primary applied (ms)",
          ),
        }),
      ),
    })
    .optional()
    .describe(
      'With regions.writes "multi-primary": conflicts, lost updates and the lag between primaries',
    ),
});

type RegionsReport = z.output<typeof RegionsReportSchema>;

function latency(h: Histogram): z.output<typeof LatencySchema> {
  const some = h.count > 0;
  return {
    mean: roundFigure(h.mean),
    p50: roundFigure(some ? h.percentile(50) : 0),
    p99: roundFigure(some ? h.percentile(99) : 0),
  };
}

/** @internal The section, read at the end of the run (the replication section is already made). */
export function regionsSection(
  scenario: Scenario,
  map: RegionMap,
  front: RegionFront,
  window: MeasuredWindow,
  replicasIn: (region: string) => string[],
  multi?: MultiPrimary,
): RegionsReport {
  const r = scenario.regions as NonNullable<Scenario["regions"]>;
  const lag = new Map(
    ((window.report.replication as Report["replication"])?.replicas ?? []).map((x) => [
      x.name,
      x.replayLagMs.p99,
    ]),
  );
  return {
    primary: r.primary,
    commit: r.commit,
    regions: map.names.map((name, i) => {
      const f = front.figures[i] as RegionFront["figures"][number];
      // With a primary in every region, a region's node is its primary: no replica lags.
      const replicas = multi === undefined ? replicasIn(name) : [];
      return {
        name,
        sessions: map.sessionsIn(i),
        reads: f.reads,
        writes: f.writes,
        remoteReads: f.remoteReads,
        readLatencyMs: latency(f.readMs),
        writeLatencyMs: latency(f.writeMs),
        replicas,
        replicaLagMs: roundFigure(Math.max(0, ...replicas.map((n) => lag.get(n) ?? 0))),
      };
    }),
    ...(multi === undefined ? {} : { multiPrimary: multiPrimarySection(map, multi) }),
  };
}

function multiPrimarySection(
  map: RegionMap,
  multi: MultiPrimary,
): NonNullable<RegionsReport["multiPrimary"]> {
  const regions = map.names.map((name, i) => {
    const f = multi.figures[i] as MultiPrimary["figures"][number];
    return { name, lostUpdates: f.lostUpdates, applyLagMs: latency(f.applyLagMs) };
  });
  return {
    conflicts: multi.conflicts,
    lostUpdates: regions.reduce((n, r) => n + r.lostUpdates, 0),
    regions,
  };
}

/** @internal The regions section of the report's table. */
export function regionsTable(section: RegionsReport): string[] {
  const ms = (count: number, x: number) => (count > 0 ? formatFigure(x) : NO_DATA);
  return [
    "Regions",
    ...alignColumns(
      [
        ["primary in", section.multiPrimary === undefined ? section.primary : "every region"],
        ["commit", section.commit],
      ],
      "ll",
    ),
    "",
    ...alignColumns(
      [
        ["", "", "", "read (ms)", "", "write (ms)", "", "remote", "replica lag"],
        ["region", "sessions", "reads", "p50", "p99", "p50", "p99", "reads", "p99 (ms)"],
        ...section.regions.map((x) => [
          x.name,
          String(x.sessions),
          String(x.reads),
          ms(x.reads, x.readLatencyMs.p50),
          ms(x.reads, x.readLatencyMs.p99),
          ms(x.writes, x.writeLatencyMs.p50),
          ms(x.writes, x.writeLatencyMs.p99),
          String(x.remoteReads),
          x.replicas.length > 0 ? formatFigure(x.replicaLagMs) : NO_DATA,
        ]),
      ],
      "l",
    ),
    ...multiPrimaryTable(section.multiPrimary),
  ];
}

function multiPrimaryTable(m: RegionsReport["multiPrimary"]): string[] {
  if (m === undefined) return [];
  return [
    "",
    `Multi-primary: ${m.conflicts} conflicts, ${m.lostUpdates} lost updates (last writer wins)`,
    ...alignColumns(
      [
        ["region", "lost updates", "apply lag p50 (ms)", "p99 (ms)"],
        ...m.regions.map((x) => [
          x.name,
          String(x.lostUpdates),
          formatFigure(x.applyLagMs.p50),
          formatFigure(x.applyLagMs.p99),
        ]),
      ],
      "l",
    ),
  ];
}

/** @internal The comparison's cell: the worst region's write p99 (ms), with the region. */
export function worstWriteP99(report: Report): string {
  const regions = report.regions?.regions.filter((x) => x.writes > 0) ?? [];
  if (regions.length === 0) return formatFigure(report.latency.write.p99);
  const worst = regions.reduce((a, b) => (b.writeLatencyMs.p99 > a.writeLatencyMs.p99 ? b : a));
  return `${formatFigure(worst.writeLatencyMs.p99)} (${worst.name})`;
}
