// The cache's property tests drive it with the same kind of schedule: reads and
// writes of a few keys, each a few ms after the one before.
import { fc } from "@fast-check/vitest";

/** Operations on keys 0 … keys − 1, 0–4 ms apart, at most `maxLength` of them. */
export function cacheOps(keys: number, maxLength: number) {
  return fc.array(
    fc.record({
      gapMs: fc.integer({ min: 0, max: 4 }),
      key: fc.integer({ min: 0, max: keys - 1 }),
      write: fc.boolean(),
    }),
    { minLength: 1, maxLength },
  );
}
