// The operation history the session-guarantee checkers read: one record per
// operation with its session, key, real-time interval, outcome, the version it read
// or created and the log position (LSN) behind it. This is the "history" of Terry et
// al. 1994 ("Session Guarantees for Weakly Consistent Replicated Data") and of Viotti
// & Vukolić 2016 ("Consistency in Non-Transactional Distributed Storage Systems"):
// operations with invocation and response times, grouped by session.
//
// Each operation names the cluster (shard: one primary, its replicas, their log) it
// ran on; versions and LSNs are those of that cluster's log, so the checkers compare
// them only within a cluster. An unsharded run has one cluster, 0.
//
// Storage is columnar, in growable typed arrays, so a long run can keep millions of
// operations without millions of objects. Records are copied in; `get` builds a
// fresh object each time. The history keeps what it is given: it does not check that
// versions follow LSN order or that ids are unique (the checkers judge the former;
// equal ids are ordered by recording position).

/**
 * One operation of a recorded run, as the checkers see it.
 *
 * @remarks Since 0.1.0
 */
export interface HistoryOp {
  /** Operation id (unique in a run), an integer in [0, 2³² − 1]. */
  id: number;
  /** The session (client) that issued it, an integer in [0, 2³² − 1]. */
  session: number;
  /** Read or write. */
  kind: "read" | "write";
  /** The key it read or wrote, an integer in [0, 2³² − 1]. */
  key: number;
  /** When it was issued (simulated ms). */
  invokeMs: number;
  /** When its outcome reached the client (simulated ms), at or after `invokeMs`. */
  completeMs: number;
  /** False when it failed; failed operations are kept but every checker ignores them. */
  ok: boolean;
  /** Read: the version returned. Write: the version created (versions of a key are 1, 2, 3 … in LSN order; 0 is the initial value). */
  version: number;
  /** Write: its commit LSN. Read: the serving node's applied LSN when the read executed (its snapshot). NaN when unknown. */
  lsn: number;
  /**
   * The commit LSN of the version it read or wrote: for a write, its own LSN; for a
   * read, the LSN of the write that created the version returned (0 for version 0).
   * NaN or absent when unknown; the checkers then look for that write in the history.
   *
   * @remarks Since 0.2.0
   */
  versionLsn?: number;
  /** Write: the commit instant at the primary (ms). Read: NaN. */
  commitMs: number;
  /**
   * The cluster (shard) it ran on, an integer in [0, 65 535]; absent means 0. Its
   * `version`, `lsn` and `versionLsn` are of that cluster's keys and log.
   *
   * @remarks Since 0.2.0
   */
  cluster?: number;
  /** The name of the node that served it. */
  node: string;
}

/**
 * Options for a {@link History}.
 *
 * @remarks Since 0.1.0
 */
export interface HistoryOptions {
  /**
   * The most operations it will hold; `record` past it throws a RangeError, so
   * memory stays bounded. Default {@link DEFAULT_HISTORY_LIMIT}.
   */
  limit?: number;
}

/**
 * Bytes of column storage per operation slot: three Float64 times (24), six
 * Uint32 integers — id, session, key, version, LSN, version LSN — (24), a Uint16
 * cluster (2), a Uint16 node index (2) and a Uint8 of flags (1). (47 before 0.2.0,
 * without the version LSN and the cluster.)
 *
 * @remarks Since 0.1.0
 */
export const HISTORY_BYTES_PER_OP = 53;

/**
 * The default {@link HistoryOptions.limit}: ten million operations, about 530 MB of
 * columns.
 *
 * @remarks Since 0.1.0
 */
export const DEFAULT_HISTORY_LIMIT = 10_000_000;

/**
 * A line of a JSON-lines history that could not be read: `line` is 1-based and
 * `field` names the offending field, when one is to blame.
 *
 * @remarks Since 0.1.0
 */
export class HistoryFormatError extends Error {
  /** The 1-based line number. */
  readonly line: number;
  /** The field at fault, or undefined when the line as a whole is (bad JSON). */
  readonly field: string | undefined;

  /**
   * @param line - 1-based line number
   * @param field - the field at fault, if any
   * @param problem - what is wrong
   */
  constructor(line: number, field: string | undefined, problem: string) {
    super(
      field === undefined
        ? `Line ${line}: ${problem}`
        : `Line ${line}, field "${field}": ${problem}`,
    );
    this.name = "HistoryFormatError";
    this.line = line;
    this.field = field;
  }
}

const UINT32_MAX = 0xffffffff;
const MAX_CLUSTER = 0xffff;
const MAX_NODES = 0x10000;
const INITIAL_CAPACITY = 1024;
const FLAG_WRITE = 1;
const FLAG_OK = 2;
const FLAG_LSN_UNKNOWN = 4;
const FLAG_VERSION_LSN_UNKNOWN = 8;

/** The fields of a JSON line, in the order {@link historyOpToJSONLine} writes them. */
const FIELDS = [
  "id",
  "session",
  "kind",
  "key",
  "invokeMs",
  "completeMs",
  "ok",
  "version",
  "lsn",
  "versionLsn",
  "commitMs",
  "cluster",
  "node",
] as const;
const FIELD_SET: ReadonlySet<string> = new Set(FIELDS);
/** What each required field must hold, for the "missing" message. */
const EXPECTED: Readonly<Record<string, string>> = {
  id: `an integer in [0, ${0xffffffff}]`,
  session: `an integer in [0, ${0xffffffff}]`,
  kind: '"read" or "write"',
  key: `an integer in [0, ${0xffffffff}]`,
  invokeMs: "a finite number",
  completeMs: "a finite number",
  ok: "true or false",
  version: `an integer in [0, ${0xffffffff}]`,
  node: "a string",
};
/** Fields a line may leave out or set to null: unknown (NaN). */
const OPTIONAL_FIELDS: ReadonlySet<string> = new Set(["lsn", "versionLsn", "commitMs", "cluster"]);

function show(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean" || value === null) {
    return String(value);
  }
  return value === undefined ? "undefined" : typeof value;
}

function uint32Problem(value: unknown): string | undefined {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= UINT32_MAX
    ? undefined
    : `expected an integer in [0, ${UINT32_MAX}], got ${show(value)}`;
}

function finiteProblem(value: unknown): string | undefined {
  return typeof value === "number" && Number.isFinite(value)
    ? undefined
    : `expected a finite number, got ${show(value)}`;
}

/** The first field of `op` that cannot be stored, and why; undefined when all can. */
function problemOf(op: Record<string, unknown>): { field: string; problem: string } | undefined {
  for (const field of ["id", "session", "key", "version"] as const) {
    const problem = uint32Problem(op[field]);
    if (problem !== undefined) return { field, problem };
  }
  if (op.kind !== "read" && op.kind !== "write") {
    return { field: "kind", problem: `expected "read" or "write", got ${show(op.kind)}` };
  }
  for (const field of ["invokeMs", "completeMs"] as const) {
    const problem = finiteProblem(op[field]);
    if (problem !== undefined) return { field, problem };
  }
  if ((op.completeMs as number) < (op.invokeMs as number)) {
    return {
      field: "completeMs",
      problem: `expected at or after invokeMs ${op.invokeMs as number}, got ${op.completeMs as number}`,
    };
  }
  if (typeof op.ok !== "boolean") {
    return { field: "ok", problem: `expected true or false, got ${show(op.ok)}` };
  }
  for (const field of ["lsn", "versionLsn"] as const) {
    if (field === "versionLsn" && op[field] === undefined) continue;
    if (Number.isNaN(op[field])) continue;
    const problem = uint32Problem(op[field]);
    if (problem !== undefined) return { field, problem: `${problem} (or NaN when unknown)` };
  }
  if (!Number.isNaN(op.commitMs)) {
    const problem = finiteProblem(op.commitMs);
    if (problem !== undefined) {
      return { field: "commitMs", problem: `${problem} (or NaN when unknown)` };
    }
  }
  const cluster = op.cluster;
  if (
    cluster !== undefined &&
    !(Number.isInteger(cluster) && (cluster as number) >= 0 && (cluster as number) <= MAX_CLUSTER)
  ) {
    return {
      field: "cluster",
      problem: `expected an integer in [0, ${MAX_CLUSTER}] (or absent: 0), got ${show(cluster)}`,
    };
  }
  if (typeof op.node !== "string") {
    return { field: "node", problem: `expected a string, got ${show(op.node)}` };
  }
  return undefined;
}

/**
 * One operation as one line of the JSON-lines history format (no trailing newline):
 * a JSON object with the fields of {@link HistoryOp} in a fixed order — id, session,
 * kind, key, invokeMs, completeMs, ok, version, lsn, versionLsn, commitMs, cluster,
 * node — with NaN (unknown) written as null and an absent cluster as 0, so equal
 * operations give equal bytes. The
 * inverse of {@link parseHistoryLine}; docs/consistency.md describes the format.
 *
 * @param op - the operation
 * @returns the line, without "\n"
 * @remarks Since 0.2.0
 */
export function historyOpToJSONLine(op: HistoryOp): string {
  const versionLsn = op.versionLsn ?? Number.NaN;
  return JSON.stringify({
    id: op.id,
    session: op.session,
    kind: op.kind,
    key: op.key,
    invokeMs: op.invokeMs,
    completeMs: op.completeMs,
    ok: op.ok,
    version: op.version,
    lsn: Number.isNaN(op.lsn) ? null : op.lsn,
    versionLsn: Number.isNaN(versionLsn) ? null : versionLsn,
    commitMs: Number.isNaN(op.commitMs) ? null : op.commitMs,
    cluster: op.cluster ?? 0,
    node: op.node,
  });
}

/**
 * Reads one line of the JSON-lines history format: a JSON object with the fields of
 * {@link HistoryOp}, in any order. `id`, `session`, `kind`, `key`, `invokeMs`,
 * `completeMs`, `ok`, `version` and `node` are required; `lsn`, `versionLsn` and
 * `commitMs` may be null or left out (unknown); `cluster` may be left out (0, as in
 * files written before 0.2.0). Unknown fields are errors. A trailing "\r" is ignored.
 *
 * @param line - the text of the line
 * @param lineNumber - its 1-based number, for the error
 * @returns a fresh operation (unknown numbers are NaN; `cluster` always set)
 * @throws HistoryFormatError naming the line, the field, the value and what was expected
 * @remarks Since 0.2.0
 */
export function parseHistoryLine(line: string, lineNumber: number): HistoryOp {
  const text = line.endsWith("\r") ? line.slice(0, -1) : line;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new HistoryFormatError(
      lineNumber,
      undefined,
      text.trim() === "" ? "empty line" : `not valid JSON (${reason})`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    const got = Array.isArray(parsed) ? "an array" : show(parsed);
    throw new HistoryFormatError(lineNumber, undefined, `expected a JSON object, got ${got}`);
  }
  const fields = parsed as Record<string, unknown>;
  for (const name of Object.keys(fields)) {
    if (!FIELD_SET.has(name)) {
      throw new HistoryFormatError(
        lineNumber,
        name,
        `unknown field; expected only ${FIELDS.join(", ")}`,
      );
    }
  }
  for (const name of FIELDS) {
    if (!(name in fields) && !OPTIONAL_FIELDS.has(name)) {
      throw new HistoryFormatError(lineNumber, name, `missing: expected ${EXPECTED[name]}`);
    }
  }
  const unknown = (value: unknown) => (value === null || value === undefined ? Number.NaN : value);
  const op = {
    ...fields,
    lsn: unknown(fields.lsn),
    versionLsn: unknown(fields.versionLsn),
    commitMs: unknown(fields.commitMs),
    cluster: fields.cluster === undefined ? 0 : fields.cluster,
  };
  const problem = problemOf(op);
  if (problem !== undefined) {
    throw new HistoryFormatError(lineNumber, problem.field, problem.problem);
  }
  return op as unknown as HistoryOp;
}

/**
 * A recorded run: operations in recording order, stored column by column in typed
 * arrays.
 *
 * Memory: {@link HISTORY_BYTES_PER_OP} = 53 bytes per slot, plus one string per
 * distinct node name. Capacity starts at 1024 slots and doubles (never past the
 * limit), so a history of n operations holds between 53·n and 106·n bytes of columns
 * (55.6 bytes per op at n = 10⁶, where capacity is 2²⁰).
 *
 * Limits: ids, sessions, keys, versions and LSNs are integers in [0, 2³² − 1] (an LSN
 * or version LSN may also be NaN: unknown); clusters are integers in [0, 65 535]; at
 * most 65 536 distinct node names; at most `limit` operations.
 *
 * @example
 * ```ts
 * const history = new History({ limit: 1_000_000 });
 * history.record({ id: 0, session: 1, kind: "write", key: 7, invokeMs: 0,
 *   completeMs: 2, ok: true, version: 1, lsn: 1, commitMs: 1.5, node: "primary" });
 * const text = history.toJSONLines();
 * History.fromJSONLines(text).length; // 1
 * ```
 *
 * @remarks Since 0.1.0
 */
export class History implements Iterable<HistoryOp> {
  /** The most operations it will hold. */
  readonly limit: number;
  private size = 0;
  private capacity = 0;
  private invokeCol = new Float64Array(0);
  private completeCol = new Float64Array(0);
  private commitCol = new Float64Array(0);
  private idCol = new Uint32Array(0);
  private sessionCol = new Uint32Array(0);
  private keyCol = new Uint32Array(0);
  private versionCol = new Uint32Array(0);
  private lsnCol = new Uint32Array(0);
  private versionLsnCol = new Uint32Array(0);
  private clusterCol = new Uint16Array(0);
  private nodeCol = new Uint16Array(0);
  private flagCol = new Uint8Array(0);
  private readonly nodeNames: string[] = [];
  private readonly nodeIndex = new Map<string, number>();

  /**
   * @param options - the limit on operations held
   * @throws RangeError when `limit` is not a positive integer
   */
  constructor(options: HistoryOptions = {}) {
    const limit = options.limit ?? DEFAULT_HISTORY_LIMIT;
    if (!(Number.isSafeInteger(limit) && limit >= 1)) {
      throw new RangeError(`History limit must be a positive integer, got ${limit}`);
    }
    this.limit = limit;
  }

  /**
   * A history holding `ops`, in order.
   *
   * @throws RangeError when an operation cannot be stored, or there are more than the limit
   */
  static from(ops: Iterable<HistoryOp>, options: HistoryOptions = {}): History {
    const history = new History(options);
    for (const op of ops) history.record(op);
    return history;
  }

  /**
   * Reads the output of {@link History.toJSONLines}, or a history recorded elsewhere:
   * one line per operation as {@link parseHistoryLine} reads it. A final newline is
   * allowed; other blank lines are not.
   *
   * @throws HistoryFormatError naming the line and field of the first bad line
   * @throws RangeError when there are more operations than the limit
   */
  static fromJSONLines(text: string, options: HistoryOptions = {}): History {
    const history = new History(options);
    // Line by line without splitting: a large file is not held twice.
    let start = 0;
    let lineNumber = 1;
    while (start < text.length) {
      const end = text.indexOf("\n", start);
      const stop = end < 0 ? text.length : end;
      history.record(parseHistoryLine(text.slice(start, stop), lineNumber));
      start = stop + 1;
      lineNumber++;
    }
    return history;
  }

  /** Number of operations recorded. */
  get length(): number {
    return this.size;
  }

  /** Bytes held by the columns now (capacity × {@link HISTORY_BYTES_PER_OP}). */
  get byteLength(): number {
    return this.capacity * HISTORY_BYTES_PER_OP;
  }

  /**
   * Appends a copy of `op`.
   *
   * @throws RangeError when a field cannot be stored (the message names it), there are
   * 65 536 node names already, or the history holds `limit` operations
   */
  record(op: HistoryOp): void {
    const problem = problemOf(op as unknown as Record<string, unknown>);
    if (problem !== undefined) {
      throw new RangeError(
        `History.record: op ${show(op.id)}, field "${problem.field}": ${problem.problem}`,
      );
    }
    const i = this.size;
    if (i === this.capacity) {
      if (i >= this.limit) {
        throw new RangeError(
          `History limit of ${this.limit} operations reached; raise it with new History({ limit })`,
        );
      }
      this.grow(Math.min(this.limit, Math.max(INITIAL_CAPACITY, 2 * this.capacity)));
    }
    let node = this.nodeIndex.get(op.node);
    if (node === undefined) {
      node = this.nodeNames.length;
      if (node >= MAX_NODES) {
        throw new RangeError(
          `History holds at most ${MAX_NODES} node names; cannot add ${JSON.stringify(op.node)}`,
        );
      }
      this.nodeNames.push(op.node);
      this.nodeIndex.set(op.node, node);
    }
    const lsnUnknown = Number.isNaN(op.lsn);
    const versionLsn = op.versionLsn ?? Number.NaN;
    const versionLsnUnknown = Number.isNaN(versionLsn);
    this.idCol[i] = op.id;
    this.sessionCol[i] = op.session;
    this.keyCol[i] = op.key;
    this.versionCol[i] = op.version;
    this.lsnCol[i] = lsnUnknown ? 0 : op.lsn;
    this.versionLsnCol[i] = versionLsnUnknown ? 0 : versionLsn;
    this.invokeCol[i] = op.invokeMs;
    this.completeCol[i] = op.completeMs;
    this.commitCol[i] = op.commitMs;
    this.clusterCol[i] = op.cluster ?? 0;
    this.nodeCol[i] = node;
    this.flagCol[i] =
      (op.kind === "write" ? FLAG_WRITE : 0) |
      (op.ok ? FLAG_OK : 0) |
      (lsnUnknown ? FLAG_LSN_UNKNOWN : 0) |
      (versionLsnUnknown ? FLAG_VERSION_LSN_UNKNOWN : 0);
    this.size = i + 1;
  }

  /**
   * A fresh copy of the operation at position `index` (0 = first recorded).
   *
   * @throws RangeError when `index` is not an integer in [0, length)
   */
  get(index: number): HistoryOp {
    if (!(Number.isInteger(index) && index >= 0 && index < this.size)) {
      throw new RangeError(`History index must be an integer in [0, ${this.size}), got ${index}`);
    }
    const flags = this.flagCol[index]!;
    return {
      id: this.idCol[index]!,
      session: this.sessionCol[index]!,
      kind: flags & FLAG_WRITE ? "write" : "read",
      key: this.keyCol[index]!,
      invokeMs: this.invokeCol[index]!,
      completeMs: this.completeCol[index]!,
      ok: (flags & FLAG_OK) !== 0,
      version: this.versionCol[index]!,
      lsn: flags & FLAG_LSN_UNKNOWN ? Number.NaN : this.lsnCol[index]!,
      versionLsn: flags & FLAG_VERSION_LSN_UNKNOWN ? Number.NaN : this.versionLsnCol[index]!,
      commitMs: this.commitCol[index]!,
      cluster: this.clusterCol[index]!,
      node: this.nodeNames[this.nodeCol[index]!]!,
    };
  }

  /** The operations in recording order, each a fresh object. */
  *[Symbol.iterator](): Iterator<HistoryOp> {
    for (let i = 0; i < this.size; i++) yield this.get(i);
  }

  /** The operations in recording order, as fresh objects. */
  toArray(): HistoryOp[] {
    const ops = new Array<HistoryOp>(this.size);
    for (let i = 0; i < this.size; i++) ops[i] = this.get(i);
    return ops;
  }

  /**
   * One line per operation as {@link historyOpToJSONLine} writes it, in recording
   * order, each ending in "\n" (empty string when empty); equal histories give equal
   * bytes.
   */
  toJSONLines(): string {
    let text = "";
    for (let i = 0; i < this.size; i++) text += `${historyOpToJSONLine(this.get(i))}\n`;
    return text;
  }

  private grow(capacity: number): void {
    const n = this.size;
    const f64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old.subarray(0, n));
      return next;
    };
    const u32 = (old: Uint32Array) => {
      const next = new Uint32Array(capacity);
      next.set(old.subarray(0, n));
      return next;
    };
    this.invokeCol = f64(this.invokeCol);
    this.completeCol = f64(this.completeCol);
    this.commitCol = f64(this.commitCol);
    this.idCol = u32(this.idCol);
    this.sessionCol = u32(this.sessionCol);
    this.keyCol = u32(this.keyCol);
    this.versionCol = u32(this.versionCol);
    this.lsnCol = u32(this.lsnCol);
    this.versionLsnCol = u32(this.versionLsnCol);
    const u16 = (old: Uint16Array) => {
      const next = new Uint16Array(capacity);
      next.set(old.subarray(0, n));
      return next;
    };
    this.clusterCol = u16(this.clusterCol);
    this.nodeCol = u16(this.nodeCol);
    const flags = new Uint8Array(capacity);
    flags.set(this.flagCol.subarray(0, n));
    this.flagCol = flags;
    this.capacity = capacity;
  }
}
