// A read at a node that holds every key reports the key's current version and the
// LSN that committed it (src/models/server/server.ts, `finish`), whichever way the
// key got there: a commit, a multi-row commit, a replicated apply, a row copied in
// by a resharding (`commitCopy`), or a rewind back
// to version 0 (a failover's discarded branch, replication.ts `discardLostBranch`),
// and 0 / 0 for a key never written. The server tells never-written keys by a bit
// per key, so each of those ways must set it.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { Operation } from "../../src/models/operation.js";
import { DatabaseServer } from "../../src/models/server/server.js";

const KEYS = 20;

const action = fc.oneof(
  fc.record({ commit: fc.nat(KEYS - 1) }),
  fc.record({ rows: fc.array(fc.nat(KEYS - 1), { minLength: 2, maxLength: 4 }) }),
  fc.record({ apply: fc.nat(KEYS - 1), version: fc.nat(1000), lsn: fc.nat(1000) }),
  fc.record({ rewind: fc.nat(KEYS - 1) }),
  fc.record({ copy: fc.nat(KEYS - 1), version: fc.integer({ min: 1, max: 1000 }) }),
);

test.prop([fc.array(action, { maxLength: 40 }), fc.nat(KEYS - 1)])(
  "a read reports the version and LSN last set, 0 / 0 for a key never written",
  (actions, probe) => {
    const sim = new Simulation();
    const server = new DatabaseServer(sim, {
      name: "db",
      cores: 1,
      sigma: 0,
      kappa: 0,
      maxConnections: 100,
      memoryPerConnectionMB: 7.5,
      keyCount: KEYS,
      readWorkMs: () => 1,
      writeWorkMs: () => 1,
      connectWorkMs: () => 1,
    });
    // The reference: what each key holds, as [version, lsn].
    const expected = new Map<number, [number, number]>();
    let id = 0;
    for (const a of actions) {
      if ("commit" in a) {
        const version = (expected.get(a.commit)?.[0] ?? 0) + 1;
        server.commit(a.commit, () => {});
        expected.set(a.commit, [version, server.lsn]);
      } else if ("rows" in a) {
        const key = a.rows[a.rows.length - 1] as number;
        const op = new Operation(id++, 0, "write", key, a.rows.length, sim.now);
        op.statementKeys = a.rows;
        server.execute({}, op, a.rows.length - 1, () => {});
        sim.run();
        for (const row of new Set(a.rows))
          expected.set(row, [(expected.get(row)?.[0] ?? 0) + 1, server.lsn]);
      } else if ("apply" in a) {
        server.applyReplicated(a.apply, a.version, a.lsn);
        expected.set(a.apply, [a.version, a.lsn]);
      } else if ("copy" in a) {
        server.commitCopy(a.copy, a.version);
        expected.set(a.copy, [a.version, server.lsn]);
      } else {
        server.applyReplicated(a.rewind, 0, 0);
        expected.set(a.rewind, [0, 0]);
      }
    }
    const read = new Operation(id, 0, "read", probe, 1, sim.now);
    server.execute({}, read, 0, () => {});
    sim.run();
    const [version, lsn] = expected.get(probe) ?? [0, 0];
    expect([read.version, read.versionLsn]).toEqual([version, lsn]);
  },
);
