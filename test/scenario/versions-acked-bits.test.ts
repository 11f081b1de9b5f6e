// The newest acknowledged version of a key is the largest any acknowledgement gave
// it, 0 for a key never acknowledged, whichever way it got there: a single-row
// write, a multi-row transaction's rows (`op.writtenRows`), or a version carried
// across a resharding (`acknowledgeCarried`). The oracle tells a key never
// acknowledged by a bit per key, so each of those ways must set it: a way that
// forgets it answers 0 for a key it acknowledged.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Operation } from "../../src/models/operation.js";
import { ShardKeySlots } from "../../src/models/server/key-versions.js";
import { ClusterVersionOracle } from "../../src/scenario/versions.js";

const KEYS = 20;
const CLUSTERS = 2;

const cluster = fc.nat(CLUSTERS - 1);
const version = fc.integer({ min: 1, max: 50 });
const action = fc.oneof(
  fc.record({ write: fc.nat(KEYS - 1), cluster, version, failed: fc.boolean() }),
  fc.record({
    rows: fc.array(fc.tuple(fc.nat(KEYS - 1), version), { minLength: 1, maxLength: 4 }),
    cluster,
  }),
  fc.record({ carry: fc.nat(KEYS - 1), cluster, version }),
);

test.prop([fc.array(action, { maxLength: 40 }), fc.boolean()])(
  "newestAckedVersion is the largest version acknowledged for the key, 0 when none was",
  (actions, sharded) => {
    // Sharded: each cluster holds half the keys densely, the rest aside (a carried key).
    const home = Uint16Array.from({ length: KEYS }, (_, k) => k % CLUSTERS);
    const slots = sharded ? ShardKeySlots.ofLayout(home, CLUSTERS) : undefined;
    const oracle = new ClusterVersionOracle(
      Array.from({ length: CLUSTERS }, () => ({ read: () => 0 })),
      KEYS,
      slots,
    );
    const expected = new Map<string, number>();
    const raise = (c: number, key: number, v: number): void => {
      const at = `${c}/${key}`;
      expected.set(at, Math.max(expected.get(at) ?? 0, v));
    };
    let id = 0;
    for (const a of actions) {
      if ("write" in a) {
        const op = new Operation(id++, 0, "write", a.write, 1, 0);
        op.cluster = a.cluster;
        op.version = a.version;
        if (a.failed) op.error = "query_wait_timeout";
        oracle.acknowledge(op);
        if (!a.failed) raise(a.cluster, a.write, a.version);
      } else if ("rows" in a) {
        const last = a.rows[a.rows.length - 1] as [number, number];
        const op = new Operation(id++, 0, "write", last[0], a.rows.length, 0);
        op.cluster = a.cluster;
        op.version = last[1];
        op.writtenRows = { keys: a.rows.map((r) => r[0]), versions: a.rows.map((r) => r[1]) };
        oracle.acknowledge(op);
        for (const [key, v] of a.rows) raise(a.cluster, key, v);
      } else {
        oracle.acknowledgeCarried(a.cluster, a.carry, a.version);
        raise(a.cluster, a.carry, a.version);
      }
    }
    for (let c = 0; c < CLUSTERS; c++)
      for (let key = 0; key < KEYS; key++)
        expect(oracle.newestAckedVersion(c, key), `cluster ${c}, key ${key}`).toBe(
          expected.get(`${c}/${key}`) ?? 0,
        );
  },
);
