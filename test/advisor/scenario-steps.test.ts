// applyScenarioStep: a step applied to a scenario as written. Pure (the input is
// not changed), and every result is a scenario the schema accepts, for every
// built-in scenario and every step; each step changes what it names.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyScenarioStep,
  BUILTIN_PROFILES,
  builtinScenario,
  builtinScenarioNames,
  parseScenario,
  planScenario,
  resolveProfile,
  type ScenarioInput,
  type ScenarioStep,
} from "../../src/index.js";

const STEPS: readonly ScenarioStep[] = [
  "scale-up",
  "replica",
  "pool",
  "cache",
  "cqrs",
  "semi-sync",
  "shard",
  "read-primary-after-write",
  "sync-replication",
  "shard-key",
  "write-batching",
];

const base = (name: string): ScenarioInput => {
  const { variants: _v, ...s } = builtinScenario(name) as ScenarioInput & { variants?: unknown };
  return s as ScenarioInput;
};

describe("applyScenarioStep", () => {
  it("gives null or a scenario the schema accepts for every pair of a built-in and one step", () => {
    // Every pair, not a sample: a built-in with a section the others lack (add-shard's
    // reshard) is one case in hundreds of the sequences below.
    for (const name of builtinScenarioNames()) {
      for (const step of STEPS) {
        const next = applyScenarioStep(base(name), step);
        if (next !== null) expect(parseScenario(next).ok, `${name} + ${step}`).toBe(true);
      }
    }
  });

  it("leaves its input alone and gives null or a scenario the schema accepts, for every built-in and step", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...builtinScenarioNames()),
        fc.array(fc.constantFrom(...STEPS), { minLength: 1, maxLength: 4 }),
        (name, steps) => {
          let scenario = base(name);
          for (const step of steps) {
            const before = structuredClone(scenario);
            const next = applyScenarioStep(scenario, step);
            expect(scenario).toEqual(before);
            if (next === null) continue;
            expect(parseScenario(next).ok).toBe(true);
            expect(next).not.toEqual(scenario);
            scenario = next;
          }
        },
      ),
      { numRuns: 80 },
    );
  });

  it("scales up by doubling cores, or to the next size of the family when a size gives them", () => {
    expect(applyScenarioStep(base("write-heavy"), "scale-up")?.database?.cores).toBe(16);
    const plan = planScenario(resolveProfile(BUILTIN_PROFILES["catalog-reads"]), {
      size: "db.r6g.large",
    });
    // The RDS class after db.r6g.large in src/models/server/node-sizes.ts.
    expect(applyScenarioStep(plan, "scale-up")?.database?.size).toBe("db.r6g.xlarge");
  });

  it("adds a replica with a router, a pool sized for the application's connections, and shards", () => {
    const heavy = applyScenarioStep(base("read-heavy"), "replica", { replicas: 5 });
    expect(heavy?.replication?.replicas).toBe(5);
    const alone = applyScenarioStep(base("write-heavy"), "replica");
    // Without a router the replicas would apply the log and take no reads.
    expect(alone?.routing).toEqual({ via: "app", readBalancing: "round-robin" });
    // many-clients: 200 instances, a connection per request each; pgbouncer's
    // max_client_conn must admit them all (pgbouncer.ini, max_client_conn).
    expect(applyScenarioStep(base("many-clients"), "pool")?.pool).toEqual({
      poolMode: "transaction",
      defaultPoolSize: 20,
      maxClientConn: 200,
    });
    expect(applyScenarioStep(base("shard-key"), "shard")?.sharding?.shards).toBe(8);
    expect(applyScenarioStep(base("read-heavy"), "shard")?.sharding).toEqual({
      strategy: "hash-mod",
      shards: 2,
    });
  });

  it("routes a session's reads to the primary after its write, or makes replication remote_apply on every replica", () => {
    const ryw = base("read-your-writes");
    expect(applyScenarioStep(ryw, "read-primary-after-write")?.routing?.consistency).toEqual({
      policy: "read-your-writes",
      by: "window",
      window: "1s",
    });
    const sync = applyScenarioStep(ryw, "sync-replication")?.replication;
    expect(sync).toMatchObject({ mode: "sync", synchronousCommit: "remote_apply", acks: 2 });
    // No replicas, nothing to route around or to wait for.
    expect(applyScenarioStep(base("write-heavy"), "read-primary-after-write")).toBeNull();
    expect(applyScenarioStep(base("write-heavy"), "sync-replication")).toBeNull();
  });

  it("swaps the shard key of a sharding with tenants, and batches commits with commit_delay", () => {
    expect(applyScenarioStep(base("shard-key"), "shard-key")?.sharding?.key).toBe("tenant");
    // Without tenants there is no other key (sharding-section.ts: key tenant needs tenants).
    const rows = applyScenarioStep(base("read-heavy"), "shard");
    expect(rows && applyScenarioStep(rows, "shard-key")).toBeNull();
    expect(applyScenarioStep(base("write-heavy"), "write-batching")?.database?.commitDelay).toBe(
      0.5,
    );
  });

  it("doubles the shards of a sharded plan with node crashes, not an unsharded plan's", () => {
    const sharded = applyScenarioStep(base("read-heavy"), "shard") as ScenarioInput;
    const crash = { at: 1_000, kind: "primary-crash" as const, failover: { detection: 100 } };
    // A shard's node is named by its shard (docs/faults.md, "In a sharded plan"):
    // s0/primary is there after doubling, an unsharded plan's `primary` is not.
    const withCrash = { ...sharded, timeline: [{ ...crash, node: "s0/primary" }] };
    expect(applyScenarioStep(withCrash, "shard")?.sharding?.shards).toBe(4);
    expect(applyScenarioStep({ ...base("read-heavy"), timeline: [crash] }, "shard")).toBeNull();
  });

  it("names the problems of an invalid scenario", () => {
    const bad = { ...base("read-heavy"), workload: { rate: -1 } } as ScenarioInput;
    expect(() => applyScenarioStep(bad, "pool")).toThrow(/applyScenarioStep: .*workload\.rate/);
  });
});
