// The playground's plan: a scenario (the same JSON `dbsim run` reads) and the
// four toggles read from and written into it. Pure functions of plain data, so
// the page, the URL and the tests share them; the schema itself checks the
// result in the worker (parseScenario), never this file.

/** A scenario as plain JSON: the page never trusts its shape until the schema has. */
export type PlanJson = Record<string, unknown>;

/** The toggles and their main knobs, as the form shows them. */
export interface Toggles {
  readonly replica: { on: boolean; count: number; mode: "async" | "semi-sync" | "sync" };
  readonly pool: { on: boolean; mode: "session" | "transaction" | "statement"; size: number };
  readonly cache: {
    on: boolean;
    pattern: "cache-aside" | "read-through" | "write-through" | "write-behind";
    ttl: string;
  };
  readonly shard: {
    on: boolean;
    count: number;
    strategy: "hash-mod" | "consistent-hash" | "jump" | "rendezvous";
  };
}

/** The knobs' choices, in the order the form lists them. */
export const CHOICES = {
  replicaMode: ["async", "semi-sync", "sync"],
  poolMode: ["session", "transaction", "statement"],
  cachePattern: ["cache-aside", "read-through", "write-through", "write-behind"],
  cacheTtl: ["none", "1s", "10s", "60s", "5m"],
  shardStrategy: ["hash-mod", "consistent-hash", "jump", "rendezvous"],
  duration: ["2s", "5s", "10s", "30s"],
} as const;

/** The built-in scenarios offered as profiles: each has no proxy, so every toggle applies. */
export const PROFILES = [
  "read-heavy",
  "write-heavy",
  "many-clients",
  "read-your-writes",
  "cache-plans",
  "shard-key",
] as const;

/** Simulated time of a playground run: short, so a plan is scored in about a second. */
export const DEFAULT_DURATION = "5s";
const DEFAULT_WARMUP = "1s";

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function pick<T extends string>(choices: readonly T[], value: unknown, fallback: T): T {
  return choices.find((c) => c === value) ?? fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isInteger(value) && value > 0 ? value : fallback;
}

/**
 * A built-in scenario made a playground plan: its variants dropped (the page
 * shows one plan) and its run shortened, so `dbsim run` of the export is the
 * run the page made.
 */
export function planFromProfile(profile: PlanJson): PlanJson {
  const { variants: _variants, ...base } = profile;
  return { ...base, duration: DEFAULT_DURATION, warmup: DEFAULT_WARMUP };
}

/** The toggles a plan has on, with its knobs (defaults where a section is absent). */
export function togglesOf(plan: PlanJson): Toggles {
  const replication = record(plan.replication);
  const pool = record(plan.pool);
  const cache = record(plan.cache);
  const sharding = record(plan.sharding);
  const replicas = replication?.replicas;
  const ttl = cache?.ttl;
  return {
    replica: {
      on: replication !== undefined,
      count: Array.isArray(replicas) ? replicas.length : positive(replicas, 2),
      mode: pick(CHOICES.replicaMode, replication?.mode, "async"),
    },
    pool: {
      on: pool !== undefined,
      mode: pick(CHOICES.poolMode, pool?.poolMode, "transaction"),
      size: positive(pool?.defaultPoolSize, 20),
    },
    cache: {
      on: cache !== undefined,
      pattern: pick(CHOICES.cachePattern, cache?.pattern, "cache-aside"),
      ttl: typeof ttl === "string" ? ttl : ttl === undefined ? "none" : String(ttl),
    },
    shard: {
      on: sharding !== undefined,
      count: positive(sharding?.shards, 4),
      strategy: pick(CHOICES.shardStrategy, sharding?.strategy, "hash-mod"),
    },
  };
}

function without(plan: PlanJson, ...keys: string[]): PlanJson {
  const copy: PlanJson = { ...plan };
  for (const key of keys) delete copy[key];
  return copy;
}

/**
 * The plan with the toggles applied. A section the toggles leave as they found
 * it keeps every other field it had (a profile's tenants, a replica's apply
 * speed); a section turned on gets the knobs and the defaults of the schema.
 */
export function applyToggles(plan: PlanJson, t: Toggles): PlanJson {
  let next = plan;
  if (t.replica.on) {
    const old = record(plan.replication) ?? {};
    const keepList = Array.isArray(old.replicas) && old.replicas.length === t.replica.count;
    const acks = t.replica.mode === "async" ? {} : { acks: 1 };
    const { acks: _acks, ...rest } = old;
    next = {
      ...next,
      replication: {
        ...rest,
        replicas: keepList ? old.replicas : t.replica.count,
        mode: t.replica.mode,
        ...acks,
      },
    };
    // Without a router the replicas apply the log but take no reads.
    if (next.routing === undefined) next = { ...next, routing: { via: "app" } };
  } else {
    next = without(next, "replication", "routing");
  }
  next = t.pool.on
    ? {
        ...next,
        pool: { ...record(plan.pool), poolMode: t.pool.mode, defaultPoolSize: t.pool.size },
      }
    : without(next, "pool");
  next = t.cache.on ? { ...next, cache: cacheSection(plan, t.cache) } : without(next, "cache");
  next = t.shard.on
    ? {
        ...next,
        sharding: { ...record(plan.sharding), strategy: t.shard.strategy, shards: t.shard.count },
      }
    : without(next, "sharding");
  return next;
}

function cacheSection(plan: PlanJson, c: Toggles["cache"]): PlanJson {
  const {
    ttl: _ttl,
    flushInterval: _flush,
    ...old
  } = record(plan.cache) ?? { engine: "redis", capacity: { megabytes: 32 } };
  return {
    ...old,
    pattern: c.pattern,
    ...(c.ttl === "none" ? {} : { ttl: c.ttl }),
    // write-behind has no default flush interval: a second, as the cache-plans built-in.
    ...(c.pattern === "write-behind" ? { flushInterval: "1s" } : {}),
  };
}

const PARAM = "plan";

/** The page address's fragment that carries `plan` (shareable; never sent to a server). */
export function planToHash(plan: PlanJson): string {
  return `#${PARAM}=${encodeURIComponent(JSON.stringify(plan))}`;
}

/**
 * The plan in a fragment, as parsed JSON, or the reason there is none. The
 * schema validates it afterwards; this only refuses what is not a JSON object.
 */
export function planFromHash(hash: string): { plan: PlanJson } | { error: string } | null {
  const params = new URLSearchParams(hash.replace(/^#/, ""));
  const text = params.get(PARAM);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `#plan: not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const plan = record(value);
  return plan === undefined ? { error: "#plan: expected a JSON object (a scenario)" } : { plan };
}

/** The plan as the scenario file `dbsim run` reads. */
export function planFileText(plan: PlanJson): string {
  return `${JSON.stringify(plan, null, 2)}\n`;
}
