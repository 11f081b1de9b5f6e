import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { SessionBounds } from "../../src/consistency/session-bounds.js";

// The sessions' LSN bounds must behave as a Map from session to three bounds (-Infinity
// for none), a session held while one is finite, whatever the ids: small integers sit in
// an array indexed by the session and its list of held sessions; the first id that does
// not fit (negative, fractional, 2^16 or more) moves every bound to a hash table. A
// compaction (`lowerAtMost`) lowers the bounds ≤ its bound to none and forgets sessions
// left with none, and reports the least and largest bound kept.
const NONE = Number.NEGATIVE_INFINITY;
const smallSession = fc.integer({ min: 0, max: 40 });
const anySession = fc.oneof(
  { weight: 12, arbitrary: smallSession },
  { weight: 1, arbitrary: fc.constantFrom(-1, 2.5, 1 / 3, 65_535, 65_536, 1e9) },
);
type Step =
  | { kind: "raise"; session: number; field: number; lsn: number }
  | { kind: "raiseTwo"; session: number; first: number; a: number; b: number }
  | { kind: "lower"; bound: number }
  | { kind: "clear" };
const step = (session: fc.Arbitrary<number>): fc.Arbitrary<Step> =>
  fc.oneof(
    fc.record({
      kind: fc.constant("raise" as const),
      session,
      field: fc.integer({ min: 0, max: 2 }),
      lsn: fc.oneof(
        { weight: 8, arbitrary: fc.integer({ min: 0, max: 30 }) },
        { weight: 1, arbitrary: fc.constant(Number.NaN) },
      ),
    }),
    fc.record({
      kind: fc.constant("raiseTwo" as const),
      session,
      first: fc.integer({ min: 0, max: 2 }),
      a: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(NONE, Number.NaN)),
      b: fc.oneof(fc.integer({ min: 0, max: 30 }), fc.constantFrom(NONE, Number.NaN)),
    }),
    fc.record({ kind: fc.constant("lower" as const), bound: fc.integer({ min: -1, max: 32 }) }),
    fc.record({ kind: fc.constant("clear" as const) }),
  );

function check(steps: readonly Step[], probe: readonly number[]): void {
  const bounds = new SessionBounds();
  const model = new Map<number, number[]>();
  const raise = (session: number, field: number, lsn: number): boolean => {
    const held = model.get(session) ?? [NONE, NONE, NONE];
    const raised = lsn > (held[field] as number);
    if (raised) held[field] = lsn;
    if (held.some((b) => b > NONE)) model.set(session, held);
    return raised;
  };
  for (const s of steps) {
    if (s.kind === "raise") {
      const raised = raise(s.session, s.field, s.lsn);
      expect(bounds.raise(s.session, s.field, s.lsn)).toBe(raised);
    } else if (s.kind === "raiseTwo") {
      // Two different fields: the one after `first`, cyclically.
      const second = (s.first + 1) % 3;
      const stored =
        (raise(s.session, s.first, s.a) ? 1 : 0) | (raise(s.session, second, s.b) ? 2 : 0);
      expect(bounds.raiseTwo(s.session, s.first, s.a, second, s.b)).toBe(stored);
    } else if (s.kind === "lower") {
      bounds.lowerAtMost(s.bound);
      const kept: number[] = [];
      for (const [session, held] of model) {
        const lowered = held.map((b) => (b <= s.bound ? NONE : b));
        if (lowered.every((b) => b === NONE)) model.delete(session);
        else model.set(session, lowered);
        kept.push(...lowered.filter((b) => b > NONE));
      }
      expect(bounds.keptMin).toBe(kept.length === 0 ? Infinity : Math.min(...kept));
      expect(bounds.keptMax).toBe(kept.length === 0 ? NONE : Math.max(...kept));
    } else {
      bounds.clear();
      model.clear();
    }
    expect(bounds.size).toBe(model.size);
    for (const session of [...probe, ...model.keys()])
      for (let field = 0; field < 3; field++)
        expect(bounds.get(session, field)).toBe(model.get(session)?.[field] ?? NONE);
  }
}

describe("SessionBounds", () => {
  // A byte per session says whether it is held, so that a lookup or a first bound of a
  // session holding nothing skips its bounds: each way a session stops being held must
  // clear the byte, or its next bound is stored without listing it (size, compaction
  // and clear then miss it), and growing the array must keep the bytes.
  it("holds a session again after a compaction, a clear or a growth dropped or moved it", () => {
    const bounds = new SessionBounds();
    bounds.raise(3, 0, 5);
    bounds.lowerAtMost(10); // forgets session 3
    expect(bounds.size).toBe(0);
    expect(bounds.raise(3, 1, 7)).toBe(true);
    expect(bounds.size).toBe(1);
    bounds.lowerAtMost(10);
    expect(bounds.size).toBe(0);
    expect(bounds.get(3, 1)).toBe(NONE);

    bounds.raise(1, 0, 4); // one held of 8: the clear resets it alone
    bounds.clear();
    expect(bounds.raise(1, 2, 6)).toBe(true);
    expect(bounds.size).toBe(1);
    for (let s = 0; s < 8; s++) bounds.raise(s, 0, 9); // all held: the clear fills
    bounds.clear();
    expect(bounds.raise(2, 0, 3)).toBe(true);
    expect(bounds.size).toBe(1);
    bounds.lowerAtMost(3);
    expect(bounds.size).toBe(0);

    bounds.raise(5, 0, 8);
    bounds.raise(1000, 0, 8); // grows the array past 5
    expect(bounds.get(5, 0)).toBe(8);
    expect(bounds.raise(5, 0, 8)).toBe(false);
    expect(bounds.size).toBe(2);
  });

  it("holds what a Map holds, for sessions that fit the direct array", () => {
    fc.assert(
      fc.property(fc.array(step(smallSession), { maxLength: 80 }), (steps) => {
        check(steps, [0, 1, 7, 8, 9, 40, 41, 1000]);
      }),
      { numRuns: 100 },
    );
  });

  it("holds what a Map holds when an id that does not fit moves the bounds to a hash table", () => {
    fc.assert(
      fc.property(fc.array(step(anySession), { maxLength: 80 }), (steps) => {
        check(steps, [0, 1, 40, -1, 2.5, 1 / 3, 65_535, 65_536, 1e9]);
      }),
      { numRuns: 100 },
    );
  });
});
