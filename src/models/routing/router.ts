// Read/write routing in front of a primary and its replicas. Writes, every
// statement of a write transaction, and locking reads (SELECT … FOR UPDATE) go
// to the primary; other reads go to a replica
// chosen by the balancing rule, unless the consistency policy or lag shunning
// sends them to the primary.
//
// - via "app": the application picks the connection (no extra hop);
//   "proxy": every statement passes one more network hop (a round trip);
//   "dns": a read endpoint resolves to one replica per application instance,
//   cached for the DNS TTL (so balance is coarse, per instance).
// - maxReplicationLag: a replica whose lag is strictly greater at a check gets
//   no reads until a later check finds it back at or under the threshold.
// - Consistency policies (session guarantees, Terry et al., PDIS 1994):
//   read-your-writes by time window (a session's reads go to the primary for
//   `windowMs` after its last write completed); read-your-writes by LSN (the
//   replica serves the read only once it has applied the session's last write;
//   the read waits up to `maxWaitMs`, then goes to the primary); monotonic reads
//   by pinning (a session keeps one replica) or by LSN (the replica must have
//   applied everything the session has already read).
// Left out: connection-level stickiness of real drivers, DNS resolver caches
// other than the TTL, retries.
import type { EventHandle, RandomStream, Simulation } from "../../kernel/index.js";
import { Histogram } from "../../metrics/index.js";
import type { Done, Operation, Service } from "../operation.js";

/**
 * What the router reads of replication: lag and applied positions.
 *
 * @remarks Since 0.1.0
 */
export interface ReplicaStatus {
  /** Age of replica `i`'s oldest unapplied write (ms). */
  lagMs(i: number): number;
  /** The LSN replica `i` has applied. */
  appliedLsn(i: number): number;
  /** Calls `done(true)` once replica `i` has applied `lsn`, or `done(false)` after `timeoutMs`. */
  waitForLsn(i: number, lsn: number, timeoutMs: number, done: (applied: boolean) => void): void;
}

/**
 * A routing consistency policy.
 *
 * @remarks Since 0.1.0
 */
export type ConsistencyPolicy =
  | { readonly policy: "none" }
  | { readonly policy: "read-your-writes"; readonly by: "window"; readonly windowMs: number }
  | { readonly policy: "read-your-writes"; readonly by: "lsn"; readonly maxWaitMs: number }
  | { readonly policy: "monotonic-reads"; readonly by: "pinning" }
  | { readonly policy: "monotonic-reads"; readonly by: "lsn"; readonly maxWaitMs: number };

/**
 * Settings of a {@link Router}.
 *
 * @remarks Since 0.1.0
 */
export interface RouterConfig {
  /** How the application reaches the nodes. */
  readonly via: "app" | "proxy" | "dns";
  /** The proxy hop's round trip (via proxy). */
  readonly proxyRoundTripMs: (rng: RandomStream) => number;
  /** How long a resolved read endpoint is cached (via dns). */
  readonly dnsTtlMs: number;
  /** Application instances (via dns: each resolves on its own). */
  readonly instances: number;
  /** How reads are spread over replicas. */
  readonly readBalancing: "round-robin" | "random" | "least-connections" | "least-lag";
  /** Shun replicas whose lag is strictly greater than this (ms); null: never. */
  readonly maxReplicationLagMs: number | null;
  /** How often lag is checked for shunning (ms). */
  readonly lagCheckIntervalMs: number;
  /** The consistency policy. */
  readonly consistency: ConsistencyPolicy;
  /** Number of sessions (for per-session state, which only a consistency policy allocates). */
  readonly sessions: number;
}

/**
 * Counts of where reads went and why.
 *
 * @remarks Since 0.1.0
 */
export interface RoutingStats {
  /** Reads sent to a replica. */
  readsToReplicas: number;
  /** Reads sent to the primary, for any reason. */
  readsToPrimary: number;
  /** Reads the consistency policy sent to the primary (window, or an LSN wait that timed out). */
  movedByPolicy: number;
  /** Reads sent to the primary because every replica was shunned for lag. */
  movedByLag: number;
  /** Reads that waited for a replica to apply an LSN. */
  lsnWaits: number;
  /** Of those, how many timed out and went to the primary. */
  lsnWaitTimeouts: number;
  /** Total time reads spent waiting for an LSN (ms). */
  lsnWaitMs: number;
  /** Reads per replica, by replica index. */
  readsPerReplica: number[];
}

/** Where a routed operation went, which decides what its answer updates. */
const WRITE = 0;
const TO_PRIMARY = 1;
const TO_REPLICA = 2;

/**
 * One operation on its way through the router, with the one callback its node
 * answers: a request allocates no closure here; answered records are reused.
 */
class Routed {
  done: Done | null = null;
  /** WRITE, TO_PRIMARY or TO_REPLICA. */
  route = WRITE;
  /** The replica it went to (TO_REPLICA). */
  replica = -1;
  /** Whether the policy or lag moved the read to the primary (TO_PRIMARY). */
  moved = false;
  readonly onAnswer: Done;
  constructor(router: Router) {
    this.onAnswer = (o) => router._answered(this, o);
  }
}

/**
 * Routes operations to the primary or a replica.
 *
 * @remarks Since 0.1.0
 */
export class Router implements Service {
  /** Where reads went and why (reset at the warm-up cut). */
  stats: RoutingStats;
  /**
   * Latency of the reads the policy or lag moved to the primary that succeeded,
   * from issue to the primary's answer (ms; reset at the warm-up cut).
   *
   * @remarks Since 0.2.0
   */
  readonly movedReadMs = new Histogram();
  /**
   * Latency of the reads replicas served, from issue to the answer back at the
   * router (ms; reset at the warm-up cut).
   *
   * @remarks Since 0.2.0
   */
  readonly replicaReadMs = new Histogram();
  /**
   * Called for every read the policy or lag moved to the primary, with its latency when it completes.
   *
   * @deprecated Since 0.2.0: read {@link Router.movedReadMs}; removed in 0.3.0.
   */
  onMovedRead: ((op: Operation) => void) | null = null;
  private readonly sim: Simulation;
  private readonly config: RouterConfig;
  private readonly primary: Service;
  /** Grows only by {@link Router.addReplica}. */
  private readonly replicas: Service[];
  private readonly status: ReplicaStatus;
  private readonly rng: RandomStream;
  private readonly shunned: boolean[];
  /** Per replica, whether its health check finds it unreachable (it then gets no reads, as one shunned for lag). */
  private readonly unreachable: boolean[];
  private readonly lagShunned: boolean[];
  private inFlight: Int32Array;
  private rr = 0;
  /** Per replica, when `argMin` last chose it, as a count of its choices (−1: never). */
  private lastChosen: Float64Array;
  private choices = 0;
  // Per-session state, allocated only for the policy that reads it (null otherwise):
  // a billion sessions with no policy cost nothing.
  private readonly lastWriteLsn: Float64Array | null;
  private readonly lastWriteDoneMs: Float64Array | null;
  private readonly lastReadLsn: Float64Array | null;
  private readonly pinned: Int32Array | null;
  private readonly dnsReplica: Int32Array;
  private readonly dnsExpiresMs: Float64Array;
  private lagTimer: EventHandle | null = null;
  /** Replicas down (crashed), once one has been: null until then. */
  private down: boolean[] | null = null;
  /** Answered records, reused by later operations. */
  private readonly spare: Routed[] = [];

  /**
   * @param sim - the simulation
   * @param config - routing settings
   * @param primary - the service in front of the primary
   * @param replicas - the services in front of each replica
   * @param status - replication's lag and applied positions
   */
  constructor(
    sim: Simulation,
    config: RouterConfig,
    primary: Service,
    replicas: readonly Service[],
    status: ReplicaStatus,
  ) {
    this.sim = sim;
    this.config = config;
    this.primary = primary;
    this.replicas = [...replicas];
    this.status = status;
    this.rng = sim.rng("routing");
    this.shunned = replicas.map(() => false);
    this.unreachable = replicas.map(() => false);
    this.lagShunned = replicas.map(() => false);
    this.inFlight = new Int32Array(replicas.length);
    this.lastChosen = new Float64Array(replicas.length).fill(-1);
    this.stats = Router.emptyStats(replicas.length);
    const c = config.consistency;
    const n = config.sessions;
    const ryw = c.policy === "read-your-writes";
    const mr = c.policy === "monotonic-reads";
    this.lastWriteLsn = ryw && c.by === "lsn" ? new Float64Array(n) : null;
    this.lastWriteDoneMs =
      ryw && c.by === "window" ? new Float64Array(n).fill(Number.NEGATIVE_INFINITY) : null;
    this.lastReadLsn = mr && c.by === "lsn" ? new Float64Array(n) : null;
    this.pinned = mr && c.by === "pinning" ? new Int32Array(n).fill(-1) : null;
    this.dnsReplica = new Int32Array(config.instances).fill(-1);
    this.dnsExpiresMs = new Float64Array(config.instances);
    if (config.maxReplicationLagMs !== null && replicas.length > 0) this.checkLag();
  }

  private static emptyStats(replicas: number): RoutingStats {
    return {
      readsToReplicas: 0,
      readsToPrimary: 0,
      movedByPolicy: 0,
      movedByLag: 0,
      lsnWaits: 0,
      lsnWaitTimeouts: 0,
      lsnWaitMs: 0,
      readsPerReplica: new Array<number>(replicas).fill(0),
    };
  }

  /**
   * Restarts the counts and latencies (the warm-up cut).
   *
   * @param _now - the cut's time, unused (every model's reset takes it)
   * @remarks Since 0.1.0; resets the latency histograms since 0.2.0
   */
  resetStats(_now?: number): void {
    this.stats = Router.emptyStats(this.replicas.length);
    this.movedReadMs.reset();
    this.replicaReadMs.reset();
  }

  /**
   * Marks replica `i` unreachable (its health check has failed) or reachable
   * again: an unreachable replica gets no reads, as one shunned for lag.
   *
   * @remarks Since 0.2.0
   */
  setReachable(i: number, reachable: boolean): void {
    this.unreachable[i] = !reachable;
    this.refreshShunned(i);
  }

  /** A replica gets no reads while its last lag check shunned it, it is unreachable, or it is down. */
  private refreshShunned(i: number): void {
    const down = this.down !== null && this.down[i] === true;
    this.shunned[i] = this.lagShunned[i] === true || this.unreachable[i] === true || down;
  }

  /** Whether replica `i` is shunned for lag (or unreachable) now. */
  isShunned(i: number): boolean {
    return this.shunned[i] === true;
  }

  submit(op: Operation, done: Done): void {
    // Writes, and locking reads (SELECT … FOR UPDATE), need the primary.
    if (op.kind === "write" || op.forUpdate) {
      this.send(this.primary, op, this.routed(done, WRITE, -1, false));
      return;
    }
    const c = this.config.consistency;
    if (
      c.policy === "read-your-writes" &&
      c.by === "window" &&
      this.sim.now - ((this.lastWriteDoneMs as Float64Array)[op.session] as number) < c.windowMs
    ) {
      this.stats.movedByPolicy++;
      this.toPrimary(op, done, true);
      return;
    }
    const replica = this.chooseReplica(op);
    if (replica < 0) {
      if (this.replicas.length > 0) this.stats.movedByLag++;
      this.toPrimary(op, done, this.replicas.length > 0);
      return;
    }
    let needLsn = 0;
    let maxWaitMs = 0;
    if (c.policy === "read-your-writes" && c.by === "lsn") {
      needLsn = (this.lastWriteLsn as Float64Array)[op.session] as number;
      maxWaitMs = c.maxWaitMs;
    } else if (c.policy === "monotonic-reads" && c.by === "lsn") {
      needLsn = (this.lastReadLsn as Float64Array)[op.session] as number;
      maxWaitMs = c.maxWaitMs;
    }
    if (needLsn === 0 || this.status.appliedLsn(replica) >= needLsn) {
      this.toReplica(replica, op, done);
      return;
    }
    this.stats.lsnWaits++;
    const started = this.sim.now;
    this.status.waitForLsn(replica, needLsn, maxWaitMs, (applied) => {
      this.stats.lsnWaitMs += this.sim.now - started;
      if (applied) {
        this.toReplica(replica, op, done);
      } else {
        this.stats.lsnWaitTimeouts++;
        this.stats.movedByPolicy++;
        this.toPrimary(op, done, true);
      }
    });
  }

  private toPrimary(op: Operation, done: Done, moved: boolean): void {
    this.stats.readsToPrimary++;
    this.send(this.primary, op, this.routed(done, TO_PRIMARY, -1, moved));
  }

  private toReplica(i: number, op: Operation, done: Done): void {
    this.stats.readsToReplicas++;
    (this.stats.readsPerReplica[i] as number)++;
    (this.inFlight[i] as number)++;
    this.send(this.replicas[i] as Service, op, this.routed(done, TO_REPLICA, i, false));
  }

  /** A record for one operation: a spare one refilled, or a new one. */
  private routed(done: Done, route: number, replica: number, moved: boolean): Done {
    const r = this.spare.pop() ?? new Routed(this);
    r.done = done;
    r.route = route;
    r.replica = replica;
    r.moved = moved;
    return r.onAnswer;
  }

  /** @internal A node has answered the operation `r` carries. */
  _answered(r: Routed, o: Operation): void {
    const done = r.done as Done;
    const route = r.route;
    const replica = r.replica;
    const moved = r.moved;
    r.done = null;
    this.spare.push(r);
    if (route === WRITE) {
      if (o.error === null) {
        const s = o.session;
        const lsns = this.lastWriteLsn;
        if (lsns !== null && o.lsn > (lsns[s] as number)) lsns[s] = o.lsn;
        if (this.lastWriteDoneMs !== null) this.lastWriteDoneMs[s] = this.sim.now;
      }
    } else if (route === TO_PRIMARY) {
      this.afterRead(o);
      if (moved) {
        // The driver's answer, before the return half of a proxy hop.
        if (o.error === null) this.movedReadMs.record(o.completedAt - o.issuedAt);
        if (this.onMovedRead !== null) this.onMovedRead(o);
      }
    } else {
      (this.inFlight[replica] as number)--;
      this.afterRead(o);
      if (o.error === null) this.replicaReadMs.record(this.sim.now - o.issuedAt);
    }
    done(o);
  }

  private afterRead(op: Operation): void {
    const lsns = this.lastReadLsn;
    if (lsns !== null && op.error === null && op.lsn > (lsns[op.session] as number)) {
      lsns[op.session] = op.lsn;
    }
  }

  /** Sends through the proxy hop when there is one. */
  private send(target: Service, op: Operation, done: Done): void {
    if (this.config.via !== "proxy") {
      target.submit(op, done);
      return;
    }
    const half = (this.config.proxyRoundTripMs(this.rng) * op.statements) / 2;
    this.sim.schedule(half, () =>
      target.submit(op, (o) => {
        this.sim.schedule(half, () => done(o));
      }),
    );
  }

  /** The replica for a read, or −1 when none may take it. */
  private chooseReplica(op: Operation): number {
    const n = this.replicas.length;
    if (n === 0) return -1;
    const pinned = this.pinned;
    if (pinned !== null) {
      const pin = pinned[op.session] as number;
      if (pin >= 0 && !this.shunned[pin]) return pin;
      const chosen = this.balance(op);
      pinned[op.session] = chosen;
      return chosen;
    }
    if (this.config.via === "dns") {
      const inst = op.id % this.config.instances;
      const now = this.sim.now;
      let r = this.dnsReplica[inst] as number;
      if (r < 0 || now >= (this.dnsExpiresMs[inst] as number) || this.shunned[r]) {
        r = this.roundRobin();
        this.dnsReplica[inst] = r;
        this.dnsExpiresMs[inst] = now + this.config.dnsTtlMs;
      }
      return r;
    }
    return this.balance(op);
  }

  private balance(_op: Operation): number {
    switch (this.config.readBalancing) {
      case "round-robin":
        return this.roundRobin();
      case "random": {
        const eligible = this.eligible();
        return eligible.length === 0 ? -1 : (eligible[this.rng.int(eligible.length)] as number);
      }
      case "least-connections":
        return this.argMin((i) => this.inFlight[i] as number);
      case "least-lag":
        return this.argMin((i) => this.status.lagMs(i));
    }
  }

  private roundRobin(): number {
    const n = this.replicas.length;
    for (let k = 0; k < n; k++) {
      const i = this.rr % n;
      this.rr++;
      if (!this.shunned[i]) return i;
    }
    return -1;
  }

  private eligible(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.replicas.length; i++) if (!this.shunned[i]) out.push(i);
    return out;
  }

  /**
   * The eligible replica with the smallest score. Among replicas tied at the
   * minimum, the one chosen least recently wins (never used counts
   * as oldest; then the lower index), so equal scores take turns round-robin —
   * MaxScale readwritesplit's `best_score` breaks ties the same way, and HAProxy's
   * `leastconn` round-robins within servers of equal load. A strict `<` alone
   * handed every tie to the first replica.
   */
  private argMin(score: (i: number) => number): number {
    let best = -1;
    let bestScore = Number.POSITIVE_INFINITY;
    for (let i = 0; i < this.replicas.length; i++) {
      if (this.shunned[i]) continue;
      const s = score(i);
      const older =
        best >= 0 &&
        s === bestScore &&
        (this.lastChosen[i] as number) < (this.lastChosen[best] as number);
      if (s < bestScore || older) {
        best = i;
        bestScore = s;
      }
    }
    if (best >= 0) this.lastChosen[best] = this.choices++;
    return best;
  }

  /** Shuns replicas whose lag is strictly greater than the threshold, at every check instant. */
  private checkLag(): void {
    const max = this.config.maxReplicationLagMs as number;
    for (let i = 0; i < this.replicas.length; i++) {
      this.lagShunned[i] = this.status.lagMs(i) > max;
      this.refreshShunned(i);
    }
    this.lagTimer = this.sim.schedule(this.config.lagCheckIntervalMs, () => this.checkLag());
  }

  /**
   * Takes replica `i` out of the read rotation (its health check failed: it
   * crashed) or back in. A lag check does not bring a down replica back.
   *
   * @remarks Since 0.2.0
   */
  setReplicaDown(i: number, down: boolean): void {
    if (this.down === null) this.down = this.replicas.map(() => false);
    this.down[i] = down;
    this.refreshShunned(i);
  }

  /**
   * A new replica joins the read rotation now, as the last index (the same
   * index its replication status answers for): the old primary back as a
   * replica of the promoted one, once it has replayed to a consistent point.
   * Returns its index.
   *
   * @remarks Since 0.2.0
   */
  addReplica(service: Service): number {
    const i = this.replicas.length;
    this.replicas.push(service);
    this.shunned.push(false);
    this.unreachable.push(false);
    this.lagShunned.push(false);
    this.down?.push(false);
    this.inFlight = grown(this.inFlight, new Int32Array(i + 1));
    this.lastChosen = grown(this.lastChosen, new Float64Array(i + 1).fill(-1));
    this.stats.readsPerReplica.push(0);
    return i;
  }

  /** Stops the periodic lag check (end of run). */
  stop(): void {
    if (this.lagTimer !== null) this.sim.cancel(this.lagTimer);
    this.lagTimer = null;
  }
}

/** `to` with `from`'s values in front (`to` is one longer). */
function grown<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
