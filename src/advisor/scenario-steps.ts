// The progression's steps as changes to a scenario as written (a playground
// page's, nodes sized by cores), where steps.ts changes an advisor plan. Each
// step touches the sections it needs and keeps every other field; the result
// is checked by the scenario schema, so a step can never hand back a scenario
// `dbsim run` would refuse. Besides the plan steps, four that only a
// scenario can express:
// - read-primary-after-write: routing's read-your-writes policy by window, the
//   session reads from the primary for a while after its write (the "read
//   from the leader after a write" fix of Kleppmann, Designing Data-Intensive
//   Applications, ch. 5, "Reading Your Own Writes");
// - sync-replication: PostgreSQL's synchronous_commit = remote_apply with every
//   standby synchronous, so a commit returns once each replica has applied it
//   and "has become visible to queries on the standby" (PostgreSQL docs,
//   runtime-config-wal.html, synchronous_commit);
// - shard-key: the other shard key (row ↔ tenant) of a sharding with tenants;
// - write-batching: PostgreSQL's commit_delay (0.5 ms), which makes a flushing
//   backend wait for siblings so one log flush covers more commits
//   (src/backend/access/transam/xlog.c, XLogFlush: the flusher sleeps when
//   at least commit_siblings other transactions are open).
import { formatIssue, parseScenario } from "../scenario/index.js";
import type { ScenarioInput } from "../scenario/schema.js";
import { cqrsSection } from "./plan-scenario.js";
import { CQRS_SERVES, nextSize, type Step } from "./steps.js";

/**
 * A step that changes a scenario: a plan step or one only a scenario expresses.
 *
 * @remarks Since 0.2.0
 */
export type ScenarioStep =
  | Step
  | "read-primary-after-write"
  | "sync-replication"
  | "shard-key"
  | "write-batching";

/** Most cores a scale-up gives a node sized by cores. */
const MAX_CORES = 128;
/** Most replicas a replica step adds up to, as the plan step's. */
const MAX_REPLICAS = 15;
/** Most shards a shard step doubles up to. */
const MAX_SHARDS = 64;

type Section = Record<string, unknown>;

function section(value: unknown): Section | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Section)
    : undefined;
}

function scaleUp(s: ScenarioInput, db: Section): ScenarioInput | null {
  if (typeof db.size === "string" && db.cores === undefined) {
    const size = nextSize(db.size);
    return size === null ? null : { ...s, database: { ...db, size } as ScenarioInput["database"] };
  }
  const cores = typeof db.cores === "number" ? db.cores : 8;
  if (cores * 2 > MAX_CORES) return null;
  return { ...s, database: { ...db, cores: cores * 2 } as ScenarioInput["database"] };
}

function addReplicas(s: ScenarioInput, wanted: number | undefined): ScenarioInput | null {
  const rep = section(s.replication);
  if (rep !== undefined && typeof rep.replicas !== "number") return null;
  const now = rep === undefined ? 0 : (rep.replicas as number);
  const count = Math.min(MAX_REPLICAS, Math.max(now + 1, wanted ?? 0));
  if (count <= now) return null;
  return {
    ...s,
    replication: { ...(rep ?? { mode: "async" }), replicas: count } as ScenarioInput["replication"],
    // Without a router the replicas would apply the log and take no reads;
    // ProxySQL's query rules route them when there is a proxy.
    ...(s.routing === undefined && s.proxy === undefined
      ? { routing: { via: "app", readBalancing: "round-robin" } }
      : {}),
  } as ScenarioInput;
}

/** pgbouncer must accept every connection the application opens (its max_client_conn). */
function addPool(s: ScenarioInput, appConnections: number): ScenarioInput | null {
  if (s.pool !== undefined || s.proxy !== undefined) return null;
  return {
    ...s,
    pool: {
      poolMode: "transaction",
      defaultPoolSize: 20,
      maxClientConn: Math.max(100, appConnections),
    },
  };
}

function addCache(s: ScenarioInput, rowBytes: number): ScenarioInput | null {
  if (s.cache !== undefined) return null;
  // The schema refuses a cache in front of a plan that reshards (the cache judges
  // a key by the shard that owned it at the start).
  if ((s.timeline ?? []).some((e) => e.kind === "reshard")) return null;
  return {
    ...s,
    cache: {
      engine: "redis",
      pattern: "cache-aside",
      capacity: { megabytes: 1024 },
      ttl: "5m",
      valueBytes: Math.max(1, rowBytes),
    },
  };
}

/**
 * A read model serving half the reads. None beside shards or services, nor with
 * a primary crash: a read model follows one primary's log (the schema refuses them).
 */
function addCqrs(s: ScenarioInput): ScenarioInput | null {
  if (s.cqrs !== undefined || s.sharding !== undefined || s.services !== undefined) return null;
  if ((s.timeline ?? []).some((e) => e.kind === "primary-crash")) return null;
  return { ...s, cqrs: cqrsSection({ serves: CQRS_SERVES }) };
}

/**
 * Async replicas made semi-sync: a commit returns once a replica has received
 * it (MySQL's AFTER_SYNC wait point, dev.mysql.com/doc/refman/8.4/en/replication-semisync.html),
 * so a failover to the most advanced replica loses no acknowledged write.
 * Not with regions, whose quorum commit needs async.
 */
function semiSync(s: ScenarioInput): ScenarioInput | null {
  const rep = section(s.replication);
  if (rep === undefined || s.regions !== undefined) return null;
  if (rep.mode !== undefined && rep.mode !== "async") return null;
  return { ...s, replication: { ...rep, mode: "semi-sync" } as ScenarioInput["replication"] };
}

function moreShards(s: ScenarioInput): ScenarioInput | null {
  if (s.cqrs !== undefined) return null;
  // A plan that reshards already names its layouts before and after: doubling one
  // would leave the timeline's target behind it.
  if ((s.timeline ?? []).some((e) => e.kind === "reshard")) return null;
  const sh = section(s.sharding);
  const now = typeof sh?.shards === "number" ? sh.shards : 1;
  if (sh !== undefined && typeof sh.shards !== "number") return null;
  if (now * 2 > MAX_SHARDS) return null;
  return {
    ...s,
    sharding: { strategy: "hash-mod", ...sh, shards: now * 2 } as ScenarioInput["sharding"],
  };
}

function readPrimaryAfterWrite(s: ScenarioInput): ScenarioInput | null {
  const routing = section(s.routing);
  const policy = section(routing?.consistency)?.policy;
  if (routing === undefined || s.replication === undefined || policy === "read-your-writes") {
    return null;
  }
  return {
    ...s,
    routing: {
      ...routing,
      consistency: { policy: "read-your-writes", by: "window", window: "1s" },
    } as ScenarioInput["routing"],
  };
}

function syncReplication(s: ScenarioInput, engine: string): ScenarioInput | null {
  const rep = section(s.replication);
  if (rep === undefined || engine !== "postgresql" || rep.synchronousCommit === "remote_apply") {
    return null;
  }
  const count =
    typeof rep.replicas === "number" ? rep.replicas : (rep.replicas as unknown[]).length;
  const { timeout: _timeout, ...rest } = rep;
  return {
    ...s,
    replication: {
      ...rest,
      mode: "sync",
      synchronousCommit: "remote_apply",
      acks: count,
    } as ScenarioInput["replication"],
  };
}

function otherShardKey(s: ScenarioInput): ScenarioInput | null {
  const sh = section(s.sharding);
  if (sh === undefined || sh.tenants === undefined) return null;
  const key = sh.key === "tenant" ? "row" : "tenant";
  return { ...s, sharding: { ...sh, key } as ScenarioInput["sharding"] };
}

function writeBatching(s: ScenarioInput, db: Section, engine: string): ScenarioInput | null {
  if (engine !== "postgresql" || (db.commitDelay !== undefined && db.commitDelay !== 0)) {
    return null;
  }
  return { ...s, database: { ...db, commitDelay: 0.5 } as ScenarioInput["database"] };
}

/**
 * Steps the scenario's other sections refuse, and those sections (not modelled
 * together yet: each refusal is the schema's own, see docs/scenario.md).
 */
const NOT_WITH: Partial<Record<ScenarioStep, readonly (keyof ScenarioInput)[]>> = {
  cache: ["services"],
  shard: ["regions", "cqrs", "services"],
  "read-primary-after-write": ["regions"],
};

/**
 * Node crashes of an unsharded scenario name its one cluster's nodes (`primary`,
 * `replica-1`), which a sharded plan does not have: its crashes name a shard's
 * (`s0/primary`), and which shard the crash should hit is the user's choice.
 * Doubling the shards of a sharded plan keeps every node a crash names.
 */
const CRASHES: readonly string[] = ["primary-crash", "replica-crash"];

function refused(step: ScenarioStep, scenario: ScenarioInput): boolean {
  if ((NOT_WITH[step] ?? []).some((key) => scenario[key] !== undefined)) return true;
  if (step !== "shard" || scenario.sharding !== undefined) return false;
  return (scenario.timeline ?? []).some((e) => CRASHES.includes(e.kind));
}

/**
 * The scenario after `step`, or null when the step is taken already or cannot
 * go further (a list of replicas, 15 replicas, 64 shards, a plan that reshards
 * on its timeline for the shard step, 128 cores, the
 * family's largest size; sync replication and write batching on PostgreSQL
 * only; another shard key only with tenants; a step a pattern section refuses:
 * a cache with `services` or in front of a plan that reshards, shards with
 * `regions`, `cqrs` or `services`, a
 * read-your-writes window with `regions`). Pure: `scenario` is not changed.
 * Scale up doubles `database.cores`, or takes the next size of
 * `database.size`'s family when the size gives the cores. `replicas` asks the
 * replica step for that many replicas (at least one more than now).
 *
 * @throws RangeError when `scenario` is not a valid scenario (naming its problems).
 * @example
 * ```ts
 * const next = applyScenarioStep(builtinScenario("write-heavy")!, "scale-up");
 * console.log(next?.database?.cores); // 16
 * ```
 *
 * @remarks Since 0.2.0
 */
export function applyScenarioStep(
  scenario: ScenarioInput,
  step: ScenarioStep,
  sizing: { readonly replicas?: number } = {},
): ScenarioInput | null {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) {
    throw new RangeError(
      `applyScenarioStep: the scenario is invalid: ${parsed.issues.map(formatIssue).join("; ")}`,
    );
  }
  const resolved = parsed.scenario;
  if (refused(step, scenario)) return null;
  const db = section(scenario.database) ?? {};
  const engine = resolved.database.engine;
  const next = stepOf(scenario, step, db, engine, sizing.replicas, resolved);
  if (next === null) return null;
  const check = parseScenario(next);
  if (!check.ok) {
    throw new RangeError(
      `applyScenarioStep: step "${step}" made an invalid scenario: ${check.issues.map(formatIssue).join("; ")}`,
    );
  }
  return next;
}

function stepOf(
  s: ScenarioInput,
  step: ScenarioStep,
  db: Section,
  engine: string,
  replicas: number | undefined,
  resolved: {
    client: { connections: string; instances: number; poolSize: number };
    database: { rowBytes: number };
  },
): ScenarioInput | null {
  switch (step) {
    case "scale-up":
      return scaleUp(s, db);
    case "replica":
      return addReplicas(s, replicas);
    case "pool": {
      const c = resolved.client;
      return addPool(s, c.connections === "per-request" ? c.instances : c.instances * c.poolSize);
    }
    case "cache":
      return addCache(s, resolved.database.rowBytes);
    case "cqrs":
      return addCqrs(s);
    case "semi-sync":
      return semiSync(s);
    case "shard":
      return moreShards(s);
    case "read-primary-after-write":
      return readPrimaryAfterWrite(s);
    case "sync-replication":
      return syncReplication(s, engine);
    case "shard-key":
      return otherShardKey(s);
    case "write-batching":
      return writeBatching(s, db, engine);
  }
}
