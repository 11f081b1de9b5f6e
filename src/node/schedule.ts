// The order in which a round's runs are handed to the workers: longest first
// (Graham's LPT rule: list scheduling in decreasing processing time finishes
// within 4/3 − 1/(3m) of the best makespan on m machines; R. L. Graham, "Bounds on
// multiprocessing timing anomalies", SIAM J. Appl. Math. 17(2), 1969). Runs in
// grid order often grow with the swept parameter, so the costliest came last and
// one worker sat idle while the other finished them. Only the order of hand-out
// changes: each record is still stored at its task's position.
import type { RunTask } from "../experiment/run.js";
import { estimateWork } from "../scenario/index.js";

/**
 * The positions of `tasks`, costliest first by the run's estimated kernel events
 * (`estimateWork`), equal estimates in their given order.
 *
 * @internal
 */
export function longestFirst(tasks: readonly RunTask[]): number[] {
  // The replications of a point share its scenario object: estimate each once.
  const cost = new Map<RunTask["scenario"], number>();
  const costs = tasks.map((task) => {
    let events = cost.get(task.scenario);
    if (events === undefined) {
      events = estimateWork(task.scenario).events;
      cost.set(task.scenario, events);
    }
    return events;
  });
  return costs
    .map((_, i) => i)
    .sort((a, b) => (costs[b] as number) - (costs[a] as number) || a - b);
}
