// What each node served is counted by the name the serving model stamped on the
// operation (`op.node`): every successful read or write served by a node of the run
// counts once for that node, by kind; an operation answered by something that is
// not one of the run's nodes (a proxy's query cache, a cache node) or failed counts
// for none. The measurement remembers the node it looked up last, so the property
// runs over any order of nodes, repeats and strangers included.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { Operation } from "../../src/models/operation.js";
import { Measurement } from "../../src/scenario/measure.js";

const NODES = ["primary", "replica-1", "replica-2"];
const STRANGERS = ["proxysql", "", "redis-0"];

const served = fc.record({
  // Built by concatenation: a name equal to the run's but not the same string object.
  node: fc.constantFrom(...NODES, ...STRANGERS).map((n) => [...n].join("")),
  kind: fc.constantFrom("read" as const, "write" as const),
  failed: fc.boolean(),
});

test.prop([fc.array(served, { maxLength: 60 })])(
  "each node's reads and writes count the successful operations stamped with its name",
  (ops) => {
    const measure = new Measurement(0, NODES, () => ops.length);
    const expected = new Map<string, { reads: number; writes: number }>();
    for (const name of [...NODES, ...STRANGERS]) expected.set(name, { reads: 0, writes: 0 });
    ops.forEach((o, id) => {
      const op = new Operation(id, 0, o.kind, 0, 1, 0);
      op.node = o.node;
      op.completedAt = 1;
      if (o.failed) op.error = "query_wait_timeout";
      measure.complete(op, 1);
      const counts = expected.get(o.node) as { reads: number; writes: number };
      if (!o.failed && NODES.includes(o.node)) {
        if (o.kind === "read") counts.reads++;
        else counts.writes++;
      }
    });
    const window = measure.window(1, 1, {});
    for (const name of [...NODES, ...STRANGERS])
      expect(window.served(name), name).toEqual(expected.get(name));
  },
);
