// Profile + plan -> scenario: the one place a plan becomes something dbsim runs.
// It follows the built-ins' conventions (read-heavy, cache-plans, many-clients,
// shard-key): the application routes reads to the replicas itself (routing via
// "app", round-robin), pgbouncer sits in front of every node, the cache is Redis
// in front of routing, and each shard is a copy of the unsharded cluster.
import type { ScenarioInput } from "../scenario/schema.js";
import type { Plan, Profile } from "./profile.js";

/**
 * The rows a plan must hold: today's, grown for the horizon
 * (keys × (1 + growthPerMonth)^horizonMonths), at most the workload's 10^8.
 *
 * @remarks Since 0.2.0
 */
export function rowsAtHorizon(profile: Profile): number {
  const { keys, growthPerMonth, horizonMonths } = profile.data;
  return Math.min(1e8, Math.round(keys * (1 + growthPerMonth) ** horizonMonths));
}

/**
 * A short name of a plan: its components in the progression's order, e.g.
 * `db.r6g.large + 2 replicas + pool transaction/20 + cache-aside + 4 shards`.
 *
 * @remarks Since 0.2.0
 */
export function planLabel(plan: Plan): string {
  const parts = [plan.size];
  if (plan.replicas) {
    const r = plan.replicas;
    parts.push(
      `${r.count} replica${r.count === 1 ? "" : "s"}${r.mode === "async" ? "" : ` ${r.mode}`}`,
    );
  }
  if (plan.pool) parts.push(`pool ${plan.pool.mode}/${plan.pool.size}`);
  if (plan.cache) parts.push(plan.cache.pattern);
  if (plan.cqrs) parts.push(`CQRS read model ${Math.round(plan.cqrs.serves * 100)} %`);
  if (plan.shards) parts.push(`${plan.shards.count} shards ${plan.shards.strategy}`);
  return parts.join(" + ");
}

/**
 * The scenario a plan makes for a profile: the profile's workload at the data
 * size of its horizon, the plan's components, the profile's simulation window.
 * `dbsim run` on the result reproduces the advisor's figures for that seed.
 *
 * @remarks Since 0.2.0
 */
export function planScenario(profile: Profile, plan: Plan): ScenarioInput {
  const w = profile.workload;
  const scenario: ScenarioInput = {
    name: `${profile.name}: ${planLabel(plan)}`,
    seed: profile.seed,
    duration: profile.simulation.duration,
    warmup: profile.simulation.warmup,
    workload: {
      rate: w.rate,
      readRatio: w.readShare,
      ...(w.transactions ? { transactions: w.transactions } : {}),
      keys: { count: rowsAtHorizon(profile), popularity: profile.data.popularity },
      sessions: w.sessions,
    },
    database: {
      engine: profile.engine,
      size: plan.size,
      maxConnections: profile.maxConnections,
      rowBytes: profile.data.rowBytes,
      ...(w.readCpuMs !== undefined ? { readTime: w.readCpuMs } : {}),
      ...(w.writeCpuMs !== undefined ? { writeTime: w.writeCpuMs } : {}),
      ...(profile.prices ? { prices: profile.prices } : {}),
    },
    client: clientSection(profile),
  };
  if (plan.replicas) {
    scenario.replication = { replicas: plan.replicas.count, mode: plan.replicas.mode };
    scenario.routing = { via: "app", readBalancing: "round-robin" };
  }
  if (plan.pool) scenario.pool = poolSection(profile, plan.pool);
  if (plan.cache) {
    const c = plan.cache;
    scenario.cache = {
      engine: "redis",
      pattern: c.pattern,
      capacity: { megabytes: c.megabytes },
      ttl: c.ttl,
      valueBytes: Math.max(1, profile.data.rowBytes),
      ...(c.pattern === "write-behind" ? { flushInterval: c.flushInterval } : {}),
    };
  }
  if (plan.cqrs) scenario.cqrs = cqrsSection(plan.cqrs);
  if (plan.shards) {
    scenario.sharding = { strategy: plan.shards.strategy, shards: plan.shards.count };
  }
  return scenario;
}

function clientSection(profile: Profile): NonNullable<ScenarioInput["client"]> {
  const c = profile.clients;
  return c.connections === "per-request"
    ? { connections: "per-request", instances: c.instances }
    : { connections: "persistent", instances: c.instances, poolSize: c.poolSize };
}

/**
 * pgbouncer accepts as many client connections as the application opens (its
 * max_client_conn must be raised to that in a real deployment too).
 */
function poolSection(
  profile: Profile,
  pool: NonNullable<Plan["pool"]>,
): NonNullable<ScenarioInput["pool"]> {
  const c = profile.clients;
  const clients = c.connections === "per-request" ? c.instances : c.instances * c.poolSize;
  return { poolMode: pool.mode, defaultPoolSize: pool.size, maxClientConn: Math.max(100, clients) };
}

/**
 * One read model fed by the primary's log. Its applier applies an event (a row
 * written) at a replica's apply cost (`replication.applyTime`'s default): a
 * read-model update is a row write in another store, as a replica's apply is.
 *
 * @internal
 */
export function cqrsSection(cqrs: NonNullable<Plan["cqrs"]>): NonNullable<ScenarioInput["cqrs"]> {
  return {
    projections: [{ name: "read-model", applyTime: "ssdRandomRead", serves: cqrs.serves }],
  };
}
