// The built-in scenarios, shipped inside the package as data. `dbsim run` with no
// argument runs read-heavy.

import addShard from "./builtins/add-shard.json";
import apiComposition from "./builtins/api-composition.json";
import cacheNodes from "./builtins/cache-nodes.json";
import cachePlans from "./builtins/cache-plans.json";
import cacheRaces from "./builtins/cache-races.json";
import cqrs from "./builtins/cqrs.json";
import deadlock from "./builtins/deadlock.json";
import failover from "./builtins/failover.json";
import groupCommit from "./builtins/group-commit.json";
import hotRow from "./builtins/hot-row.json";
import manyClients from "./builtins/many-clients.json";
import poolSize from "./builtins/pool-size.json";
import poolSizeIo from "./builtins/pool-size-io.json";
import proxysql from "./builtins/proxysql.json";
import readHeavy from "./builtins/read-heavy.json";
import readYourWrites from "./builtins/read-your-writes.json";
import regions from "./builtins/regions.json";
import scaleUp from "./builtins/scale-up.json";
import shardHotspot from "./builtins/shard-hotspot.json";
import shardKey from "./builtins/shard-key.json";
import sharedDatabase from "./builtins/shared-database.json";
import writeHeavy from "./builtins/write-heavy.json";
import type { ScenarioInput } from "./schema.js";

/**
 * The built-in scenarios by name.
 *
 * @remarks Since 0.1.0
 */
export const BUILTIN_SCENARIOS: Readonly<Record<string, ScenarioInput>> = Object.freeze({
  "read-heavy": readHeavy as ScenarioInput,
  "write-heavy": writeHeavy as ScenarioInput,
  "many-clients": manyClients as ScenarioInput,
  "read-your-writes": readYourWrites as ScenarioInput,
  "pool-size": poolSize as ScenarioInput,
  proxysql: proxysql as ScenarioInput,
  "pool-size-io": poolSizeIo as ScenarioInput,
  "hot-row": hotRow as ScenarioInput,
  deadlock: deadlock as ScenarioInput,
  "group-commit": groupCommit as ScenarioInput,
  "scale-up": scaleUp as ScenarioInput,
  "cache-plans": cachePlans as ScenarioInput,
  "cache-races": cacheRaces as ScenarioInput,
  "cache-nodes": cacheNodes as ScenarioInput,
  "shard-hotspot": shardHotspot as ScenarioInput,
  "shard-key": shardKey as ScenarioInput,
  "add-shard": addShard as ScenarioInput,
  regions: regions as ScenarioInput,
  cqrs: cqrs as ScenarioInput,
  "api-composition": apiComposition as ScenarioInput,
  "shared-database": sharedDatabase as ScenarioInput,
  failover: failover as ScenarioInput,
});

/**
 * The name of the scenario `dbsim run` uses when given none.
 *
 * @remarks Since 0.1.0
 */
export const DEFAULT_SCENARIO = "read-heavy";

/**
 * The names of the built-in scenarios, in a fixed order.
 *
 * @remarks Since 0.1.0
 */
export function builtinScenarioNames(): string[] {
  return Object.keys(BUILTIN_SCENARIOS);
}

/**
 * A built-in scenario by name, or undefined.
 *
 * @remarks Since 0.1.0
 */
export function builtinScenario(name: string): ScenarioInput | undefined {
  return Object.hasOwn(BUILTIN_SCENARIOS, name) ? BUILTIN_SCENARIOS[name] : undefined;
}
