// The points of a sweep: every combination of the axes' values, the first axis
// varying slowest (like nested loops written in the file's order), and each
// point's scenario: the base with the point's values set at their paths. An axis
// is a parameter (one path) or a zipped group (several paths that move together).

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
 * One axis of the grid: for each of its values, the paths it sets. A parameter
 * sets one path; a zipped group sets several together.
 *
 * @remarks Since 0.2.0
 */
export type GridAxis = readonly (readonly (readonly [string, unknown])[])[];

/**
 * An evenly spaced range of numbers, `from` to `to` inclusive by `step`.
 *
 * @remarks Since 0.2.0
 */
export interface ValueRange {
  readonly from: number;
  readonly to: number;
  readonly step: number;
}

/**
 * The values of a range: from, from + step, … up to `to` (inclusive, allowing for
 * floating-point error), each rounded to 12 significant digits so 0.1 steps read
 * 0.3, not 0.30000000000000004.
 *
 * @remarks Since 0.2.0
 */
export function rangeValues(range: ValueRange): number[] {
  const count = Math.floor((range.to - range.from) / range.step + 1e-9) + 1;
  return Array.from({ length: Math.max(0, count) }, (_, i) =>
    Number((range.from + i * range.step).toPrecision(12)),
  );
}

/**
 * Every point of the grid: the cartesian product of the axes, the first axis
 * varying slowest; one point with no parameters when there are no axes.
 *
 * @remarks Since 0.2.0
 */
export function gridPoints(axes: readonly GridAxis[]): GridPoint[] {
  let combos: (readonly [string, unknown])[][] = [[]];
  for (const axis of axes) {
    const next: (readonly [string, unknown])[][] = [];
    for (const combo of combos) for (const settings of axis) next.push([...combo, ...settings]);
    combos = next;
  }
  return combos.map((combo, index) => ({ index, parameters: Object.fromEntries(combo) }));
}

/** The number of points of the grid, without building it. */
export function gridSize(axes: readonly GridAxis[]): number {
  let n = 1;
  for (const axis of axes) n *= axis.length;
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
