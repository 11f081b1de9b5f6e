// ProxySQL's mysql_query_rules: tried in rule_id order; a matching rule may set
// destination_hostgroup and cache_ttl (a later match overrides), apply=1 stops;
// no destination means the user's default hostgroup. Rules match on what an
// operation is (read or write, locking read, statement of a transaction): the
// features a regex on the query text would key on, so the verdict for each of
// the eight combinations is computed once. Left out: regex matching, flagIN /
// flagOUT chains, rewriting, mirroring. Source: ProxySQL's
// lib/Query_Processor.cpp (Query_Processor::process_mysql_query).
import type { Operation, OperationKind } from "../operation.js";

/**
 * What a {@link QueryRule} matches; an absent feature matches anything.
 *
 * @remarks Since 0.1.0
 */
export interface QueryRuleMatch {
  /** Reads (SELECT) or writes. */
  readonly kind?: OperationKind;
  /** Locking reads (`SELECT … FOR UPDATE`) when true; everything else when false. */
  readonly forUpdate?: boolean;
  /** Statements of multi-statement transactions when true; single statements when false. */
  readonly inTransaction?: boolean;
}

/**
 * One row of `mysql_query_rules`.
 *
 * @remarks Since 0.1.0
 */
export interface QueryRule {
  /** `rule_id`: rules are tried in increasing order. */
  readonly ruleId: number;
  /** What it matches. */
  readonly match: QueryRuleMatch;
  /** `destination_hostgroup`, or null to leave the destination as it is. */
  readonly destinationHostgroup: number | null;
  /** `cache_ttl` (ms), or null to leave it as it is; only reads are cached. */
  readonly cacheTtlMs: number | null;
  /** `apply`: stop at this rule when it matches. */
  readonly apply: boolean;
}

/** Where an operation with given features goes: the outcome of the rules. */
export interface Route {
  /** The destination hostgroup id. */
  readonly hostgroup: number;
  /** Cache TTL (ms) for reads; 0 = not cached. */
  readonly cacheTtlMs: number;
  /** Indexes (in ruleId order) of the rules that matched. */
  readonly matched: readonly number[];
  /** True when no rule set a destination. */
  readonly unmatched: boolean;
}

/** The query rules, their verdicts by operation features, and how often each matched. */
export class QueryRules {
  /** The rules in `ruleId` order (the order of {@link QueryRules.hits}). */
  readonly rules: readonly QueryRule[];
  /** Statements each rule matched since the last reset. */
  hits: number[];
  /** Statements no rule gave a destination since the last reset. */
  unmatched = 0;
  /** The longest cache_ttl of any rule (ms): no cached result is served longer. */
  readonly maxCacheTtlMs: number;
  /** Verdicts by feature combination: kind × forUpdate × inTransaction. */
  private readonly routes: Route[] = [];

  /**
   * @param rules - `mysql_query_rules`, in any order
   * @param defaultHostgroup - where a query no rule routes goes
   */
  constructor(rules: readonly QueryRule[], defaultHostgroup: number) {
    this.rules = [...rules].sort((a, b) => a.ruleId - b.ruleId);
    this.hits = new Array<number>(this.rules.length).fill(0);
    for (const kind of ["read", "write"] as const) {
      for (const forUpdate of [false, true]) {
        for (const inTransaction of [false, true]) {
          this.routes.push(this.evaluate(kind, forUpdate, inTransaction, defaultHostgroup));
        }
      }
    }
    this.maxCacheTtlMs = Math.max(0, ...this.rules.map((r) => r.cacheTtlMs ?? 0));
  }

  /** Every hostgroup a rule names as its destination. */
  destinations(): number[] {
    const ids: number[] = [];
    for (const r of this.rules)
      if (r.destinationHostgroup !== null) ids.push(r.destinationHostgroup);
    return ids;
  }

  /** The rules' verdict for a statement of `op`, counted in {@link hits} and {@link unmatched}. */
  route(op: Operation): Route {
    const k = (op.kind === "read" ? 0 : 4) + (op.forUpdate ? 2 : 0) + (op.isTransaction ? 1 : 0);
    const route = this.routes[k] as Route;
    for (const r of route.matched) (this.hits[r] as number)++;
    if (route.unmatched) this.unmatched++;
    return route;
  }

  /** Restarts the counts at the warm-up cut. */
  resetStats(): void {
    this.hits = new Array<number>(this.rules.length).fill(0);
    this.unmatched = 0;
  }

  /** Runs the rules in ruleId order for one combination of features. */
  private evaluate(
    kind: OperationKind,
    forUpdate: boolean,
    inTransaction: boolean,
    defaultHostgroup: number,
  ): Route {
    let destination: number | null = null;
    let cacheTtlMs = 0;
    const matched: number[] = [];
    for (let i = 0; i < this.rules.length; i++) {
      const rule = this.rules[i] as QueryRule;
      const m = rule.match;
      if (m.kind !== undefined && m.kind !== kind) continue;
      if (m.forUpdate !== undefined && m.forUpdate !== forUpdate) continue;
      if (m.inTransaction !== undefined && m.inTransaction !== inTransaction) continue;
      matched.push(i);
      if (rule.destinationHostgroup !== null) destination = rule.destinationHostgroup;
      if (rule.cacheTtlMs !== null) cacheTtlMs = rule.cacheTtlMs;
      if (rule.apply) break;
    }
    return {
      hostgroup: destination ?? defaultHostgroup,
      cacheTtlMs: kind === "read" ? cacheTtlMs : 0,
      matched,
      unmatched: destination === null,
    };
  }
}
