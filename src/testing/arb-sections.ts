// The testing layer's registry: one entry per scenario section that arbScenario
// draws, in the order of a resolved scenario. fast-check cannot live in the
// scenario layer (its components are browser code without the peer), so a
// component's arbitrary sits here, beside the others, and arbScenario folds
// over this list. Adding a component: its entry (in a file of its own) and one
// line in SECTION_ARBITRARIES.
import type { Arbitrary } from "fast-check";
import type { ScenarioInput } from "../scenario/schema.js";
import { cacheSection } from "./arb-cache.js";
import { cqrsSection } from "./arb-cqrs.js";
import { poolSection, proxySection, replicationSection, routingSection } from "./arb-plan.js";
import { regionsSection } from "./arb-regions.js";
import { servicesSection } from "./arb-services.js";
import { shardingSection } from "./arb-sharding.js";
import type { ArbScenarioOptions, SectionChoice } from "./arb-types.js";
import { clientSection, databaseSection } from "./arb-workload.js";

/** What a section's arbitrary knows when it is drawn. */
export interface DrawContext {
  /** arbScenario's options. */
  readonly options: ArbScenarioOptions;
  /** Warm-up plus duration of the scenario being drawn (ms). */
  readonly runMs: number;
  /** The sections this scenario has (drawn before this one, or about to be). */
  readonly included: ReadonlySet<string>;
  /**
   * True when a section that shares server connections among clients (a pool,
   * a proxy) is included: nodes may then have few connections, which it must
   * keep within.
   */
  readonly tight: boolean;
  /** The sections drawn before this one (registry order). */
  readonly drawn: Readonly<Partial<ScenarioInput>>;
}

/** A scenario section as arbScenario draws it. */
export interface SectionArbitrary {
  /** Its key in the scenario. */
  readonly key: keyof ScenarioInput & string;
  /**
   * Whether a scenario has it, from the options; throws a RangeError naming
   * arbScenario when the options contradict each other.
   */
  choice(options: ArbScenarioOptions): SectionChoice;
  /** Sections it never comes with: when one of them is included, it is left out. */
  readonly excludedBy?: readonly string[];
  /** True when it shares server connections among clients (see {@link DrawContext.tight}). */
  readonly sharesConnections?: boolean;
  /** Its value, given what was drawn before it. */
  arbitrary(context: DrawContext): Arbitrary<unknown>;
}

/** Every section arbScenario draws, in the order of a resolved scenario. */
export const SECTION_ARBITRARIES: readonly SectionArbitrary[] = [
  databaseSection,
  clientSection,
  poolSection,
  replicationSection,
  routingSection,
  proxySection,
  cacheSection,
  shardingSection,
  regionsSection,
  cqrsSection,
  servicesSection,
];
