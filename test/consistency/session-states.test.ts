import { fc } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  READ_LSN,
  READ_VERSION_LSN,
  SessionStates,
  WRITE_LSN,
} from "../../src/consistency/session-states.js";

// Compaction skips the walk when the bound is below every LSN held and clears the tables
// when it is at or above every one (no NaN held). Both shortcuts must leave exactly what
// the walk leaves: an entry goes when its LSN is ≤ the bound and never when it is NaN; a
// session's LSN bound falls to "none" when ≤ the bound (monitor.ts's header). The model
// below is that rule on Maps, with no shortcut. `raiseRead` must do what its two
// `raise` calls do. A session's LSN bound at or below the last compaction's is not
// stored at all (reads issued since have a snapshot at least that, writes commit above
// it: it can never be violated), so the bounds walk is not made to lower it again; a
// fork forgets that floor.
const lsn = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 30 }) },
  { weight: 1, arbitrary: fc.constant(Number.NaN) },
);
const step = fc.oneof(
  fc.record({
    kind: fc.constantFrom("wrote" as const, "read" as const),
    session: fc.integer({ min: 0, max: 3 }),
    key: fc.integer({ min: 0, max: 5 }),
    version: fc.integer({ min: 0, max: 6 }),
    lsn,
    versionLsn: lsn,
  }),
  fc.record({
    kind: fc.constant("raise" as const),
    session: fc.integer({ min: 0, max: 3 }),
    field: fc.constantFrom(WRITE_LSN, READ_LSN, READ_VERSION_LSN),
    lsn,
  }),
  fc.record({
    kind: fc.constant("raiseRead" as const),
    session: fc.integer({ min: 0, max: 3 }),
    lsn,
    versionLsn: lsn,
  }),
  fc.record({ kind: fc.constant("compact" as const), bound: fc.integer({ min: -1, max: 32 }) }),
);

interface Entry {
  version: number;
  lsn: number;
}

class Model {
  readonly writes = new Map<string, Entry>();
  readonly reads = new Map<string, Entry>();
  readonly bounds = new Map<number, number[]>();
  floor = -Infinity;

  improve(table: Map<string, Entry>, session: number, key: number, version: number, l: number) {
    const old = table.get(`${session}/${key}`);
    if (
      old === undefined ||
      version > old.version ||
      (version === old.version && Number.isNaN(old.lsn))
    )
      table.set(`${session}/${key}`, { version, lsn: l });
  }

  read(session: number, key: number, version: number, l: number, versionLsn: number): void {
    const safeAt = versionLsn < l ? versionLsn : l;
    if (safeAt <= this.floor) {
      const old = this.reads.get(`${session}/${key}`);
      if (old !== undefined && old.version <= version) this.reads.delete(`${session}/${key}`);
    } else this.improve(this.reads, session, key, version, safeAt);
  }

  raise(session: number, field: number, l: number): void {
    if (!(l > this.floor)) return;
    const held = this.bounds.get(session) ?? [-Infinity, -Infinity, -Infinity];
    if (l > (held[field] as number)) held[field] = l;
    if (held.some((b) => b > -Infinity)) this.bounds.set(session, held);
  }

  compact(bound: number): void {
    this.floor = bound;
    for (const table of [this.writes, this.reads])
      for (const [k, e] of table) if (e.lsn <= bound) table.delete(k);
    for (const [s, held] of this.bounds) {
      const lowered = held.map((b) => (b <= bound ? -Infinity : b));
      if (lowered.every((b) => b === -Infinity)) this.bounds.delete(s);
      else this.bounds.set(s, lowered);
    }
  }
}

describe("SessionStates.compact", () => {
  it("leaves what a walk of every entry leaves, whatever the order of stores and bounds", () => {
    fc.assert(
      fc.property(fc.array(step, { maxLength: 80 }), (steps) => {
        const states = new SessionStates();
        const model = new Model();
        for (const s of steps) {
          if (s.kind === "wrote") {
            states.wrote(s.session, s.key, s.version, s.lsn);
            model.improve(model.writes, s.session, s.key, s.version, s.lsn);
          } else if (s.kind === "read") {
            states.read(s.session, s.key, s.version, s.lsn, s.versionLsn);
            model.read(s.session, s.key, s.version, s.lsn, s.versionLsn);
          } else if (s.kind === "raise") {
            states.raise(s.session, s.field, s.lsn);
            model.raise(s.session, s.field, s.lsn);
          } else if (s.kind === "raiseRead") {
            states.raiseRead(s.session, s.lsn, s.versionLsn);
            model.raise(s.session, READ_LSN, s.lsn);
            model.raise(s.session, READ_VERSION_LSN, s.versionLsn);
          } else if (s.kind === "compact") {
            states.compact(s.bound);
            model.compact(s.bound);
          }
          expect(states.entries).toBe(model.writes.size + model.reads.size + model.bounds.size);
          for (let session = 0; session <= 3; session++) {
            for (let key = 0; key <= 5; key++) {
              expect(states.writtenVersion(session, key)).toBe(
                model.writes.get(`${session}/${key}`)?.version ?? 0,
              );
              expect(states.readVersion(session, key)).toBe(
                model.reads.get(`${session}/${key}`)?.version ?? 0,
              );
            }
            for (const field of [WRITE_LSN, READ_LSN, READ_VERSION_LSN])
              expect(states.bound(session, field)).toBe(
                model.bounds.get(session)?.[field] ?? -Infinity,
              );
          }
        }
      }),
      { numRuns: 100 },
    );
  });
});
