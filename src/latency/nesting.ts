// How deeply a value nests, measured without recursion. Validators (zod included)
// walk nested input recursively, so an array nested a few thousand deep overflows
// the stack before any check runs; entry points that take untrusted values measure
// the depth first, with this loop, and refuse what is too deep.

/**
 * How deep untrusted input may nest: far more than any scenario needs (a mixture
 * `MAX_MIXTURE_DEPTH` (8) deep in a variant's patch is about 30 levels), far less
 * than a recursive validator's stack can take.
 *
 * @internal
 */
export const MAX_NESTING_DEPTH = 64;

/**
 * Where a value first nests deeper than `maxDepth` (arrays and objects count one
 * level each; the value itself is at depth 0), or undefined when it does not. A
 * value that contains itself nests without end, so it is reported too.
 *
 * @internal
 */
export function tooDeepAt(value: unknown, maxDepth: number): PropertyKey[] | undefined {
  if (!isContainer(value)) return undefined;
  const stack: { value: object; path: PropertyKey[] }[] = [{ value, path: [] }];
  // Shared objects are walked again only when reached deeper, so a DAG cannot blow up.
  const deepest = new Map<object, number>();
  while (stack.length > 0) {
    const { value: here, path } = stack.pop() as { value: object; path: PropertyKey[] };
    if (path.length >= maxDepth) return path;
    if ((deepest.get(here) ?? -1) >= path.length) continue;
    deepest.set(here, path.length);
    const visit = (key: PropertyKey, child: unknown): void => {
      if (isContainer(child)) stack.push({ value: child, path: [...path, key] });
    };
    if (Array.isArray(here)) {
      for (let i = 0; i < here.length; i++) visit(i, here[i]);
    } else {
      for (const key of Object.keys(here)) visit(key, (here as Record<string, unknown>)[key]);
    }
  }
  return undefined;
}

function isContainer(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}
