// The points of a sweep: every combination of the parameters' values, the first
// parameter varying slowest (like nested loops written in the file's order), and
// each point's scenario: the base with the point's values set at their paths.

/**
 * One point of the grid: its index and the value of each swept path.
 *
 * @remarks Since 0.2.0
 */
export interface GridPoint {
  /** Position in the grid, from 0. */
  readonly index: number;
  /** The value of each swept path at this point, in the experiment's order. */
  readonly parameters: Readonly<Record<string, unknown>>;
}

/**
 * Every point of the grid over `parameters` (path → values); one point with no
 * parameters when there are none.
 *
 * @remarks Since 0.2.0
 */
export function gridPoints(parameters: Readonly<Record<string, readonly unknown[]>>): GridPoint[] {
  let combos: [string, unknown][][] = [[]];
  for (const [path, values] of Object.entries(parameters)) {
    const next: [string, unknown][][] = [];
    for (const combo of combos) for (const v of values) next.push([...combo, [path, v]]);
    combos = next;
  }
  return combos.map((combo, index) => ({ index, parameters: Object.fromEntries(combo) }));
}

/** The number of points of the grid, without building it. */
export function gridSize(parameters: Readonly<Record<string, readonly unknown[]>>): number {
  let n = 1;
  for (const values of Object.values(parameters)) n *= values.length;
  return n;
}

/**
 * A copy of `base` with `value` set at the dotted `path` (objects created on the
 * way; a numeric segment indexes an array); `null` removes the key, as in a
 * scenario variant's patch.
 *
 * @remarks Since 0.2.0
 */
export function setPath(base: unknown, path: string, value: unknown): unknown {
  const [head, ...rest] = path.split(".");
  const key = head as string;
  const container: Record<string, unknown> | unknown[] = Array.isArray(base)
    ? [...base]
    : typeof base === "object" && base !== null
      ? { ...(base as Record<string, unknown>) }
      : {};
  const current = (container as Record<string, unknown>)[key];
  const own = Object.hasOwn(container, key) ? current : undefined;
  const next = rest.length === 0 ? value : setPath(own, rest.join("."), value);
  if (next === null && rest.length === 0 && !Array.isArray(container)) {
    delete (container as Record<string, unknown>)[key];
    return container;
  }
  // Defined, not assigned: a "__proto__" segment stays a key the schema rejects.
  Object.defineProperty(container, key, {
    value: next,
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return container;
}

/**
 * The scenario input of a point: the base with each of the point's values set.
 *
 * @remarks Since 0.2.0
 */
export function pointScenario(base: unknown, point: GridPoint): unknown {
  let scenario = base;
  for (const [path, value] of Object.entries(point.parameters)) {
    scenario = setPath(scenario, path, value);
  }
  return scenario;
}
