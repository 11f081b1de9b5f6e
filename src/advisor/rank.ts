// The ranking rule: more SLOs met first, then the cheaper (an unpriced plan
// after every priced one; between two unpriced plans, fewer database vCPUs,
// since within an instance family the price is close to linear per vCPU), then
// the simpler; the label breaks what is left, so the order of a list never
// depends on the order it came in.

/**
 * The figures a plan is ranked by.
 *
 * @remarks Since 0.2.0
 */
export interface RankKey {
  /** SLOs met. */
  readonly met: number;
  /** Dollars per hour, or null when unpriced. */
  readonly costPerHour: number | null;
  /** Database vCPUs over every node: the cost's stand-in when neither plan is priced. */
  readonly vcpus: number;
  /** Ordinal complexity points. */
  readonly complexity: number;
  /** The plan's name: the last tie-break. */
  readonly label: string;
}

/**
 * Negative when `a` ranks before `b`, positive after, 0 when they are the same plan.
 *
 * @remarks Since 0.2.0
 */
export function comparePlans(a: RankKey, b: RankKey): number {
  if (a.met !== b.met) return b.met - a.met;
  if (a.costPerHour !== b.costPerHour) {
    if (a.costPerHour === null) return 1;
    if (b.costPerHour === null) return -1;
    return a.costPerHour - b.costPerHour;
  }
  if (a.costPerHour === null && a.vcpus !== b.vcpus) return a.vcpus - b.vcpus;
  if (a.complexity !== b.complexity) return a.complexity - b.complexity;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

/**
 * The plans, best first (a new array).
 *
 * @remarks Since 0.2.0
 */
export function rankPlans<T extends RankKey>(plans: readonly T[]): T[] {
  return [...plans].sort(comparePlans);
}
