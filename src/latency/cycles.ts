// Row names that lead back to themselves. A scenario may give a latency row
// another row's name (or a mixture with one in a part), so rows form a graph; a
// loop in it leaves every row on it without a value. Validation finds loops here,
// once each, so a scenario that names one fails to validate instead of failing
// when the run compiles its table.
import type { DistributionSpec } from "./distribution-types.js";
import { LATENCY_ROW_NAMES, type LatencyRowName } from "./table.js";

/** The row names a spec refers to, directly or in mixture parts (no recursion). */
function rowsReferredTo(spec: DistributionSpec | undefined): LatencyRowName[] {
  const out: LatencyRowName[] = [];
  const stack: (DistributionSpec | undefined)[] = [spec];
  while (stack.length > 0) {
    const item = stack.pop();
    if (typeof item === "string") out.push(item);
    else if (typeof item === "object" && item.kind === "mixture") {
      for (const part of item.parts) stack.push(part.dist);
    }
  }
  return out;
}

/**
 * Every loop of row names in a table, each once, as the rows in the order they
 * refer to each other with the first repeated at the end
 * (`["ramRead", "ssdRandomRead", "ramRead"]`). A loop is reported from its row
 * that comes first in {@link LATENCY_ROW_NAMES}.
 *
 * @internal
 */
export function rowCycles(
  table: Readonly<Partial<Record<LatencyRowName, DistributionSpec>>>,
): LatencyRowName[][] {
  const order = new Map(LATENCY_ROW_NAMES.map((name, i) => [name, i]));
  const refs = new Map(LATENCY_ROW_NAMES.map((name) => [name, rowsReferredTo(table[name])]));
  const cycles: LatencyRowName[][] = [];
  for (const start of LATENCY_ROW_NAMES) {
    const floor = order.get(start) as number;
    // Depth-first over rows no earlier than `start`: a loop through an earlier row
    // was found from that row already.
    const path: LatencyRowName[] = [start];
    const next: number[] = [0];
    const onPath = new Set<LatencyRowName>([start]);
    while (path.length > 0) {
      const row = path[path.length - 1] as LatencyRowName;
      const out = refs.get(row) as LatencyRowName[];
      const i = next[next.length - 1] as number;
      if (i >= out.length) {
        path.pop();
        next.pop();
        onPath.delete(row);
        continue;
      }
      next[next.length - 1] = i + 1;
      const to = out[i] as LatencyRowName;
      if (to === start) {
        cycles.push([...path, start]);
        break;
      }
      if ((order.get(to) as number) > floor && !onPath.has(to)) {
        path.push(to);
        next.push(0);
        onPath.add(to);
      }
    }
  }
  return cycles;
}
