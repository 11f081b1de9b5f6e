// CQRS's request split: writes (commands), locking reads and scans go to the
// command side; a share of the point reads are queries to a projection (each
// projection its `serves` share), served after a query time drawn from a fixed
// distribution — the read model is a key lookup in a denormalized view, not a
// node with its own queue. Read-your-writes "command-side" sends a session's
// reads made within `windowMs` after its last acknowledged write to the command
// side instead, as the replica pattern does. A query read is stale when it
// returns an older version than the newest acknowledged at its issue (the same
// rule the consistency monitor applies).
import type { RandomStream, Simulation } from "../../kernel/index.js";
import type { Done, Operation, Service, VersionOracle } from "../operation.js";
import type { Projection } from "./projection.js";

/**
 * One projection's place in the split.
 *
 * @remarks Since 0.2.0
 */
export interface QueryTarget {
  readonly projection: Projection;
  /** Share of the reads that are queries to it. */
  readonly serves: number;
  /** Query reads it served since the last reset. */
  queries: number;
  /** Of those, the stale ones. */
  staleQueries: number;
}

/**
 * How reads are split.
 *
 * @remarks Since 0.2.0
 */
export interface QueryRouterConfig {
  readonly targets: readonly QueryTarget[];
  /** Draws a query's time at the read model (ms). */
  readonly queryMs: () => number;
  /** Read-your-writes window after a session's write (ms); null: none. */
  readonly readYourWritesMs: number | null;
  /** What has been acknowledged, to judge a query's version. */
  readonly versions: VersionOracle;
  /** Draws which projection a read goes to. */
  readonly rng: RandomStream;
}

/**
 * The front of a CQRS plan: commands to the command side, queries to projections.
 *
 * @remarks Since 0.2.0
 */
export class QueryRouter implements Service {
  /** Reads sent to the command side by read-your-writes since the last reset. */
  readYourWritesReads = 0;
  private readonly lastWriteMs = new Map<number, number>();

  /**
   * @param sim - the simulation
   * @param config - the projections, their shares and the query time
   * @param commandSide - what serves commands and the reads that are not queries
   */
  constructor(
    private readonly sim: Simulation,
    private readonly config: QueryRouterConfig,
    private readonly commandSide: Service,
  ) {}

  /** Sends `op` to the command side or, as a query, to a projection. */
  submit(op: Operation, done: Done): void {
    if (op.kind === "write") {
      // Its completion is remembered only when read-your-writes routing will ask for it.
      if (this.config.readYourWritesMs === null) {
        this.commandSide.submit(op, done);
        return;
      }
      this.commandSide.submit(op, (finished) => {
        if (finished.error === null) this.lastWriteMs.set(finished.session, this.sim.now);
        done(finished);
      });
      return;
    }
    if (op.forUpdate || op.range !== null) {
      this.commandSide.submit(op, done);
      return;
    }
    // One draw per read, whatever happens next, so a variant's RYW leaves the draws alone.
    const target = this.pick(this.config.rng.next());
    if (this.withinOwnWrite(op) || target === null) {
      if (target !== null) this.readYourWritesReads++;
      this.commandSide.submit(op, done);
      return;
    }
    this.query(op, target, done);
  }

  /** Restarts the counts (the warm-up cut). */
  resetStats(): void {
    this.readYourWritesReads = 0;
    for (const t of this.config.targets) {
      t.queries = 0;
      t.staleQueries = 0;
    }
  }

  private withinOwnWrite(op: Operation): boolean {
    const window = this.config.readYourWritesMs;
    if (window === null) return false;
    const at = this.lastWriteMs.get(op.session);
    return at !== undefined && this.sim.now - at <= window;
  }

  private pick(u: number): QueryTarget | null {
    let edge = 0;
    for (const t of this.config.targets) {
      edge += t.serves;
      if (u < edge) return t;
    }
    return null;
  }

  private query(op: Operation, target: QueryTarget, done: Done): void {
    const acked = this.config.versions.newestAckedVersion(op.cluster, op.key);
    this.sim.schedule(this.config.queryMs(), () => {
      const read = target.projection.read(op.key);
      op.version = read.version;
      op.versionLsn = read.versionLsn;
      op.lsn = read.lsn;
      op.node = target.projection.config.name;
      target.queries++;
      if (read.version < acked) target.staleQueries++;
      done(op);
    });
  }
}
