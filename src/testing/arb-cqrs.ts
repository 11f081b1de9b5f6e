// The cqrs section as arbScenario draws it: 1–3 projections with their own
// appliers (a throughput or an apply time, threads, batches) whose shares of the
// reads add up to at most 1, read-your-writes either way, a state or an event
// store (with snapshots now and then). Never with sharding, which it refuses.
import type { Arbitrary } from "fast-check";
import type { SectionArbitrary } from "./arb-sections.js";
import { fc } from "./fast-check.js";

function arbProjection(name: string, serves: number): Arbitrary<unknown> {
  const rate = fc.oneof(
    fc.integer({ min: 100, max: 5000 }).map((throughput) => ({ throughput })),
    fc.double({ min: 0.05, max: 5, noNaN: true }).map((applyTime) => ({ applyTime })),
  );
  return fc
    .tuple(rate, fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 5 }))
    .map(([r, threads, batch]) => ({ name, ...r, threads, batch, serves }));
}

function arbCqrs(): Arbitrary<unknown> {
  const shares = fc.array(fc.double({ min: 0, max: 1, noNaN: true }), {
    minLength: 1,
    maxLength: 3,
  });
  return fc
    .tuple(
      shares,
      fc.constantFrom("none" as const, "command-side" as const),
      fc.integer({ min: 1, max: 2000 }),
      fc.option(fc.integer({ min: 1, max: 50 }), { nil: undefined }),
      fc.boolean(),
    )
    .chain(([raw, readYourWrites, window, snapshotEvery, events]) => {
      // Scaled so they add up to at most 1 (exactly 1 at most once, never above it by rounding).
      const total = raw.reduce((a, b) => a + b, 0);
      const serves = raw.map((s) => (total > 1 ? Math.floor((s / total) * 1e6) / 1e6 : s));
      return fc
        .tuple(...serves.map((s, i) => arbProjection(`view-${i}`, s)))
        .map((projections) => ({
          projections,
          readYourWrites,
          readYourWritesWindow: window,
          ...(events
            ? { store: "events", ...(snapshotEvery === undefined ? {} : { snapshotEvery }) }
            : {}),
        }));
    });
}

/** The cqrs section: "never" unless asked for. */
export const cqrsSection: SectionArbitrary = {
  key: "cqrs",
  choice: (options) => options.cqrs ?? "never",
  excludedBy: ["sharding"],
  arbitrary: () => arbCqrs(),
};
