// A node's server mechanisms as the scenario builds and reports them: the
// buffer pool over the node's pages and the disk behind it, the row locks, and
// the log flush with group commit, each from the `database` section's settings
// (database-section.ts). With `mechanisms: "none"` a node has none of them and a
// statement is its CPU work alone. The report row and table lines are here too.
import * as z from "zod";
import {
  type DistributionSpec,
  distributionMean,
  resolveLatencyTable,
} from "../../latency/index.js";
import { BufferPool, type BufferPoolSize } from "../../models/server/buffer-pool.js";
import { DiskStation } from "../../models/server/disk.js";
import { type RowLockConfig, RowLocks } from "../../models/server/locks.js";
import type { DatabaseServer } from "../../models/server/server.js";
import { StatementPipeline } from "../../models/server/statement.js";
import { type GroupCommitDelay, WalFlusher } from "../../models/server/wal.js";
import { count, roundFigure, SpreadSchema, spread } from "../fields.js";
import type { Scenario } from "../schema.js";
import { alignColumns, percentText } from "../table-text.js";
import type { BuildContext, EstimateInput, WorkShare } from "./component.js";
import type { DatabaseSection } from "./database-section.js";

const RAM_READ_MS = 100e-6; // the latency table's RAM read row, 100 ns
const HOTTEST_ROWS_REPORTED = 5;

/**
 * Builds a node's mechanisms from the `database` section and routes its
 * statements through them; nothing with `mechanisms: "none"`.
 *
 * @internal
 */
export function equipServer(context: BuildContext, server: DatabaseServer): void {
  const { sim, scenario, compile } = context;
  const db = scenario.database;
  if (db.mechanisms === "none") return;
  const name = server.name;
  const disk = new DiskStation(sim, {
    name,
    parallelism: db.diskParallelism,
    readMs: compile(db.diskReadTime),
    ...(db.diskIops === undefined ? {} : { iops: db.diskIops }),
  });
  // A shard's nodes hold pages for its own rows only (buffer-pool-rows.ts).
  const rows = context.cluster.rows;
  const bufferPool = new BufferPool({
    size: bufferPoolSize(db),
    keyCount: rows === undefined ? scenario.workload.keys.count : rows.size,
    ...(rows === undefined ? {} : { rows }),
    rowBytes: db.rowBytes,
    indexEntryBytes: db.indexEntryBytes,
  });
  const locks = new RowLocks(sim, lockConfig(db));
  let pipeline: StatementPipeline | null = null;
  const wal = new WalFlusher(sim, {
    name,
    fsyncMs: compile(db.fsyncTime),
    disk: (serviceMs, done) => disk.submit(serviceMs, done),
    delay: groupCommitDelay(db),
    // PostgreSQL's MinimumActiveBackends (procarray.c) counts backends with a
    // transaction ID that are not blocked on a lock.
    activeTransactions: () => (pipeline === null ? 0 : pipeline.openTransactions - locks.waiting),
  });
  pipeline = new StatementPipeline(server, {
    bufferPool,
    disk,
    locks,
    wal,
    ramReadMs: RAM_READ_MS,
    applyPages: db.engine === "postgresql" ? "heap" : "index-and-heap",
  });
  server.usePipeline(pipeline);
}

function bufferPoolSize(db: DatabaseSection): BufferPoolSize {
  return db.engine === "postgresql"
    ? { sharedBuffersMB: db.sharedBuffersMB }
    : { innodbBufferPoolSizeMB: db.innodbBufferPoolSizeMB };
}

function lockConfig(db: DatabaseSection): RowLockConfig {
  return db.engine === "postgresql"
    ? { engine: "postgresql", lockTimeoutMs: db.lockTimeout, deadlockTimeoutMs: db.deadlockTimeout }
    : { engine: "innodb", innodbLockWaitTimeoutMs: db.innodbLockWaitTimeout };
}

function groupCommitDelay(db: DatabaseSection): GroupCommitDelay {
  if (db.engine === "postgresql") {
    return db.commitDelay > 0
      ? { kind: "postgresql", commitDelayMs: db.commitDelay, commitSiblings: db.commitSiblings }
      : { kind: "none" };
  }
  return db.binlogGroupCommitSyncDelay > 0
    ? {
        kind: "mysql",
        binlogGroupCommitSyncDelayMs: db.binlogGroupCommitSyncDelay,
        binlogGroupCommitSyncNoDelayCount: db.binlogGroupCommitSyncNoDelayCount,
      }
    : { kind: "none" };
}

/**
 * A node's server mechanisms over the measured window.
 *
 * @remarks Since 0.2.0
 */
export const ServerReportSchema = z.strictObject({
  bufferPool: z.strictObject({
    hitRatio: z.number().describe("Page accesses found in the pool / all page accesses"),
    pageReads: count().describe("Pages read from disk (misses)"),
    pages: count().describe("Heap and index leaf pages of the data"),
    capacityPages: count().describe(
      "Pages the pool holds (shared_buffers / innodb_buffer_pool_size)",
    ),
  }),
  disk: z.strictObject({
    requests: count().describe("Page reads and log flushes served"),
    utilization: z
      .number()
      .describe(
        "Mean busy slots / parallelism, or the share of the IOPS cap used (diskIops) when that is higher",
      ),
    queueWaitMs: SpreadSchema.describe("Time a request waited for a free slot"),
  }),
  locks: z.strictObject({
    waits: count().describe("Row-lock waits ended (granted, timed out, or deadlock victims)"),
    waitMs: SpreadSchema.describe("How long those waits lasted"),
    timeouts: count(),
    deadlocks: count(),
    hottestRows: z
      .array(z.strictObject({ row: count(), waits: count() }))
      .describe("Rows with the most lock waits begun (Space-Saving counts: upper bounds)"),
  }),
  commits: z.strictObject({
    flushes: count().describe("Log flushes (fsyncs)"),
    commitsPerFlush: z.number().describe("Mean commits a flush made durable (group commit)"),
  }),
});

/**
 * The node's mechanisms' figures, or undefined when it has none.
 *
 * @internal
 */
export function serverRow(
  server: DatabaseServer,
  now: number,
): z.output<typeof ServerReportSchema> | undefined {
  const pipeline = server.pipeline;
  if (pipeline === null) return undefined;
  const { bufferPool, disk, locks, wal } = pipeline.parts;
  if (bufferPool === null || disk === null || locks === null || wal === null) return undefined;
  return {
    bufferPool: {
      hitRatio: roundFigure(bufferPool.hitRatio),
      pageReads: bufferPool.misses,
      pages: bufferPool.totalPages,
      capacityPages: bufferPool.capacityPages,
    },
    disk: {
      requests: disk.completed,
      utilization: roundFigure(disk.utilization(now)),
      queueWaitMs: spread(disk.queueWaitMs),
    },
    locks: {
      waits: locks.waitMs.count,
      waitMs: spread(locks.waitMs),
      timeouts: locks.timeouts,
      deadlocks: locks.deadlocks,
      hottestRows: locks
        .hottest()
        .slice(0, HOTTEST_ROWS_REPORTED)
        .map((r) => ({ row: r.row, waits: r.count })),
    },
    commits: {
      flushes: wal.flushes,
      commitsPerFlush: roundFigure(wal.commitsPerFlush.count > 0 ? wal.commitsPerFlush.mean : 0),
    },
  };
}

/** @internal The mechanisms' lines of the report's table, for the nodes that have them. */
export function serverTable(
  nodes: readonly {
    readonly name: string;
    readonly server?: z.output<typeof ServerReportSchema> | undefined;
  }[],
): string[] {
  const rows = nodes.flatMap((n) => (n.server === undefined ? [] : [[n.name, n.server] as const]));
  if (rows.length === 0) return [];
  const hottest = rows.flatMap(([name, s]) =>
    s.locks.hottestRows.length === 0
      ? []
      : [
          `  hottest rows on ${name}: ${s.locks.hottestRows.map((r) => `${r.row} (${r.waits} wait${r.waits === 1 ? "" : "s"})`).join(", ")}`,
        ],
  );
  return [
    "Server",
    ...alignColumns(
      [
        [
          "name",
          "pool hits",
          "page reads",
          "disk util.",
          "lock waits",
          "wait mean ms",
          "wait p99 ms",
          "lock timeouts",
          "deadlocks",
          "commits/flush",
        ],
        ...rows.map(([name, s]) => [
          name,
          percentText(s.bufferPool.hitRatio),
          String(s.bufferPool.pageReads),
          percentText(s.disk.utilization),
          String(s.locks.waits),
          s.locks.waitMs.mean.toFixed(3),
          s.locks.waitMs.p99.toFixed(3),
          String(s.locks.timeouts),
          String(s.locks.deadlocks),
          s.commits.commitsPerFlush.toFixed(2),
        ]),
      ],
      "ll",
    ),
    ...hottest,
  ];
}

/** A distribution's mean, or 0 when it has none (a heavy tail) or cannot be used (the run says why). */
function finiteMean(scenario: Scenario, spec: DistributionSpec): number {
  try {
    const m = distributionMean(spec, resolveLatencyTable(scenario.latency));
    return Number.isFinite(m) && m >= 0 ? m : 0;
  } catch {
    return 0;
  }
}

/**
 * The mechanisms' share of the work estimate: page reads (a cold pool misses
 * every page once; past that, the share of pages that do not fit, as under
 * uniform references, the worst case for LRU) and one flush per write at most.
 *
 * @internal
 */
export function mechanismsEstimate(scenario: Scenario, run: EstimateInput): WorkShare {
  const db = scenario.database;
  if (db.mechanisms === "none") return {};
  const w = scenario.workload;
  const replicas = scenario.replication?.replicas ?? 0;
  const nodes = 1 + (typeof replicas === "number" ? replicas : replicas.length);
  const keys = w.keys.count;
  const pageBytes = db.engine === "postgresql" ? 8192 : 16384;
  const heapPages = Math.ceil(keys / Math.max(1, Math.floor(pageBytes / db.rowBytes)));
  const indexPages = Math.ceil(keys / Math.max(1, Math.floor(pageBytes / db.indexEntryBytes)));
  const pages = heapPages + indexPages;
  const poolMB = db.engine === "postgresql" ? db.sharedBuffersMB : db.innodbBufferPoolSizeMB;
  const capacity = Math.floor((poolMB * 1024 * 1024) / pageBytes);
  const missShare = pages > capacity ? 1 - capacity / pages : 0;
  const perTransaction = Math.max(1, finiteMean(scenario, w.transactions.statements));
  const statements = 1 + w.transactions.share * (perTransaction - 1);
  // A cold pool misses each page it touches once: a draws over P pages touch
  // P(1 − e^(−a/P)) distinct ones on average under uniform references, and at
  // most that under any other popularity (the expected count of distinct values
  // is Schur-concave in the probabilities, largest when they are equal).
  const draws = run.operations * statements;
  const distinct = (p: number): number => p * (1 - Math.exp(-draws / p));
  const coldReads = Math.min(capacity, distinct(heapPages) + distinct(indexPages));
  // Each replica's applier reads the pages a write changes through its own pool:
  // the heap page on PostgreSQL, index leaf and heap page on MySQL.
  const applyReads = (nodes - 1) * run.writes * (db.engine === "postgresql" ? 1 : 2) * missShare;
  return {
    eventsPerOperation: 2 * statements * missShare,
    writeEvents: run.writes + nodes * coldReads + applyReads,
    memory: [{ what: `buffer pools (${pages} pages × ${nodes} nodes)`, bytes: pages * 9 * nodes }],
  };
}
