// The `database` section's schema: the node's hardware (or a size preset), its
// statement costs, and the settings of the server's mechanisms by their real
// names — PostgreSQL's shared_buffers, lock_timeout, deadlock_timeout,
// commit_delay/commit_siblings; MySQL's innodb_buffer_pool_size,
// innodb_lock_wait_timeout, binlog_group_commit_sync_delay. Defaults are resolved
// here, once, by engine and size, so a resolved scenario shows every value a run
// used; a setting of the other engine is an error rather than silently unused.
import * as z from "zod";
import { NODE_SIZES } from "../../models/server/node-sizes.data.js";
import { DistributionSpecSchema, DurationSchema, nonNegative, positiveInt } from "../fields.js";

/** PostgreSQL's and MySQL's compiled-in buffer pool default: 128 MB each. */
const DEFAULT_BUFFER_POOL_MB = 128;

const POSTGRESQL_ONLY = [
  "sharedBuffersMB",
  "lockTimeout",
  "deadlockTimeout",
  "commitDelay",
  "commitSiblings",
] as const;
const MYSQL_ONLY = [
  "innodbBufferPoolSizeMB",
  "innodbLockWaitTimeout",
  "binlogGroupCommitSyncDelay",
  "binlogGroupCommitSyncNoDelayCount",
] as const;

const DatabaseFields = z.strictObject({
  engine: z.enum(["postgresql", "mysql"]).default("postgresql").describe("The engine modelled"),
  size: z
    .string()
    .optional()
    .describe(
      "A node size preset (an Amazon RDS class such as db.r6g.xlarge): its vCPUs are the cores and its memory sizes the buffer pool; explicit fields override it",
    ),
  cores: positiveInt().max(4096).optional().describe("CPU cores (default: the size's vCPUs, or 8)"),
  // Gunther's USL takes 0 ≤ σ, κ < 1; 1 is let in as the fully serial limit. Larger
  // values overflow the slowdown at many connections (κ near 1e308 gives Infinity).
  sigma: nonNegative()
    .max(1)
    .default(0)
    .describe("USL contention σ: the serial share of the work, in [0, 1]"),
  kappa: nonNegative()
    .max(1)
    .default(0)
    .describe("USL coherency κ: crosstalk cost between concurrent queries, in [0, 1]"),
  maxConnections: positiveInt()
    .max(1_000_000)
    .default(100)
    .describe("max_connections: one more gets 'too many clients' (PostgreSQL default 100)"),
  memoryPerConnectionMB: nonNegative()
    .max(1_000_000)
    .default(7.5)
    .describe("Memory per open connection (MB); PostgreSQL uses roughly 5–10 MB"),
  mechanisms: z
    .enum(["all", "none"])
    .default("all")
    .describe(
      "all: statements read pages through the buffer pool and disk, writes lock rows, commits flush the log; none: a statement is its CPU work alone (pure processor sharing, for which Erlang C and the USL hold)",
    ),
  readTime: DistributionSpecSchema.default({ kind: "uniform", min: 0.05, max: 0.15 }).describe(
    "CPU of a read statement: parse, plan, execute (core-ms at one connection)",
  ),
  writeTime: DistributionSpecSchema.default({ kind: "uniform", min: 0.1, max: 0.3 }).describe(
    "CPU of a write statement: parse, plan, execute (core-ms at one connection)",
  ),
  connectionSetupTime: DistributionSpecSchema.default("simpleIndexedQuery").describe(
    "Server work to start a backend for a new connection (ms)",
  ),
  sharedBuffersMB: z
    .number()
    .positive()
    .max(1e9)
    .optional()
    .describe(
      "PostgreSQL shared_buffers (MB; 8 KiB pages). Default 128, or a quarter of the size's memory (RDS's {DBInstanceClassMemory/32768})",
    ),
  innodbBufferPoolSizeMB: z
    .number()
    .positive()
    .max(1e9)
    .optional()
    .describe(
      "MySQL innodb_buffer_pool_size (MB; 16 KiB pages). Default 128, or three quarters of the size's memory (RDS's {DBInstanceClassMemory*3/4})",
    ),
  rowBytes: positiveInt()
    .max(1_000_000)
    .default(128)
    .describe("Bytes a row takes in a heap page, header included"),
  indexEntryBytes: positiveInt()
    .max(100_000)
    .default(20)
    .describe("Bytes a key's entry takes in a B-tree leaf page (key, pointer, overhead)"),
  diskReadTime: DistributionSpecSchema.default("ssdRandomRead").describe(
    "Time the disk takes to read a page missing from the buffer pool (ms)",
  ),
  fsyncTime: DistributionSpecSchema.default("ssdRandomRead").describe(
    "Time the disk takes to flush the log at a commit (ms)",
  ),
  diskParallelism: positiveInt()
    .max(4096)
    .default(16)
    .describe("Requests the disk serves at once (its queue depth)"),
  diskIops: z
    .number()
    .positive()
    .max(1e9)
    .optional()
    .describe(
      "The volume's provisioned IOPS: at most this many page reads and log flushes start per second (default: the size's diskIops, the gp3 baseline of 3,000; no cap without a size)",
    ),
  lockTimeout: DurationSchema.optional().describe(
    "PostgreSQL lock_timeout: a row-lock wait gives up after this long; 0 = never (the default)",
  ),
  deadlockTimeout: DurationSchema.optional().describe(
    "PostgreSQL deadlock_timeout: a lock waiter checks for a deadlock after this long (default 1 s, at least 1 ms)",
  ),
  innodbLockWaitTimeout: DurationSchema.optional().describe(
    "MySQL innodb_lock_wait_timeout: a row-lock wait gives up after this long (default 50 s; there is no 'never')",
  ),
  commitDelay: DurationSchema.optional().describe(
    'PostgreSQL commit_delay (the setting is in µs; here ms or "0.5ms"...): the flushing backend sleeps this long first when commitSiblings others are in transactions (default 0)',
  ),
  commitSiblings: z
    .number()
    .int()
    .nonnegative()
    .max(1000)
    .optional()
    .describe(
      "PostgreSQL commit_siblings: other open transactions needed for the sleep (default 5)",
    ),
  binlogGroupCommitSyncDelay: DurationSchema.optional().describe(
    "MySQL binlog_group_commit_sync_delay (the setting is in µs; here ms): a commit group waits this long before its fsync (default 0)",
  ),
  binlogGroupCommitSyncNoDelayCount: z
    .number()
    .int()
    .nonnegative()
    .max(100_000)
    .optional()
    .describe(
      "MySQL binlog_group_commit_sync_no_delay_count: the wait ends once this many commits are queued (default 0 = off)",
    ),
  prices: z
    .record(z.string(), nonNegative())
    .optional()
    .describe(
      "Dollars per hour by size preset, from your own price list: they win over the list dbsim ships (docs/cost.md) for each node's and the plan's cost per hour",
    ),
});

type DatabaseFieldsOutput = z.output<typeof DatabaseFields>;

function checkEngineFields(db: DatabaseFieldsOutput, ctx: z.RefinementCtx): void {
  const [others, name] =
    db.engine === "postgresql" ? [MYSQL_ONLY, "mysql"] : [POSTGRESQL_ONLY, "postgresql"];
  for (const field of others) {
    if (db[field] === undefined) continue;
    ctx.addIssue({
      code: "custom",
      path: [field],
      input: db[field],
      message: `expected no ${field} with engine "${db.engine}": it is a ${name} setting`,
    });
  }
  if (db.size !== undefined && !Object.hasOwn(NODE_SIZES, db.size)) {
    ctx.addIssue({
      code: "custom",
      path: ["size"],
      input: db.size,
      message: `expected a node size preset: one of ${Object.keys(NODE_SIZES).join(", ")}`,
    });
  }
  if (db.deadlockTimeout !== undefined && db.deadlockTimeout < 1) {
    ctx.addIssue({
      code: "custom",
      path: ["deadlockTimeout"],
      input: db.deadlockTimeout,
      message: "expected a deadlock_timeout of at least 1 ms (PostgreSQL's minimum)",
    });
  }
  if (db.innodbLockWaitTimeout !== undefined && db.innodbLockWaitTimeout <= 0) {
    ctx.addIssue({
      code: "custom",
      path: ["innodbLockWaitTimeout"],
      input: db.innodbLockWaitTimeout,
      message: "expected a duration > 0 (innodb_lock_wait_timeout has no 'never'; use a long one)",
    });
  }
}

/** Fills in the defaults that depend on the engine and the size. */
function resolveDatabase(db: DatabaseFieldsOutput) {
  const size = db.size === undefined ? undefined : NODE_SIZES[db.size];
  const memoryMB = size === undefined ? undefined : size.memoryGiB * 1024;
  const cores = db.cores ?? size?.vcpus ?? 8;
  const diskIops = db.diskIops ?? size?.diskIops;
  if (db.engine === "postgresql") {
    return {
      ...db,
      engine: "postgresql" as const,
      cores,
      diskIops,
      sharedBuffersMB:
        db.sharedBuffersMB ?? (memoryMB === undefined ? DEFAULT_BUFFER_POOL_MB : memoryMB / 4),
      lockTimeout: db.lockTimeout ?? 0,
      deadlockTimeout: db.deadlockTimeout ?? 1000,
      commitDelay: db.commitDelay ?? 0,
      commitSiblings: db.commitSiblings ?? 5,
    };
  }
  return {
    ...db,
    engine: "mysql" as const,
    cores,
    diskIops,
    innodbBufferPoolSizeMB:
      db.innodbBufferPoolSizeMB ??
      (memoryMB === undefined ? DEFAULT_BUFFER_POOL_MB : (memoryMB * 3) / 4),
    innodbLockWaitTimeout: db.innodbLockWaitTimeout ?? 50_000,
    binlogGroupCommitSyncDelay: db.binlogGroupCommitSyncDelay ?? 0,
    binlogGroupCommitSyncNoDelayCount: db.binlogGroupCommitSyncNoDelayCount ?? 0,
  };
}

/**
 * The `database` section: the primary node (replicas copy its settings).
 *
 * @remarks Since 0.1.0; `size`, `mechanisms` and the mechanisms' settings since 0.2.0
 */
export const DatabaseSchema = DatabaseFields.superRefine(checkEngineFields)
  .transform(resolveDatabase)
  .describe("The database server");

/**
 * The resolved `database` section.
 *
 * @remarks Since 0.2.0
 */
export type DatabaseSection = z.output<typeof DatabaseSchema>;
