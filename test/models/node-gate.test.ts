// A node's endpoint under a crash (src/models/faults/node-gate.ts): whatever order
// the node answers in, a crash fails exactly the operations still unanswered, in
// the order they were sent, with node_down; an answer the node gives after the
// crash is dropped (each operation's done runs once); writes answered without
// error before the crash, and only they, reach the lost-write accounting.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import { NODE_DOWN, NodeGate } from "../../src/models/faults/node-gate.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";

/** A node that holds every operation until the test answers it. */
class HeldNode implements Service {
  readonly held: { op: Operation; done: Done }[] = [];
  submit(op: Operation, done: Done): void {
    this.held.push({ op, done });
  }
}

// Each step sends a new operation (a read or a write) or has the node answer the
// held operation at a position picked among those not yet answered.
const step = fc.oneof(
  fc.record({ send: fc.constantFrom("read" as const, "write" as const) }),
  fc.record({ answer: fc.nat() }),
);

test.prop([fc.array(step, { maxLength: 60 })])(
  "a crash fails the unanswered operations in the order sent, once each",
  (steps) => {
    const node = new HeldNode();
    const gate = new NodeGate(node);
    const completions: { id: number; error: string | null }[] = [];
    const acked: number[] = [];
    gate.onWriteAcked = (op) => acked.push(op.id);
    const record: Done = (op) => completions.push({ id: op.id, error: op.error });
    const open: number[] = []; // positions in node.held not yet answered, in the order sent
    const ackedExpected: number[] = [];
    let sent = 0;
    for (const s of steps) {
      if ("send" in s) {
        gate.submit(new Operation(sent, 0, s.send, sent, 1, 0), record);
        open.push(sent++);
        continue;
      }
      if (open.length === 0) continue;
      const [at] = open.splice(s.answer % open.length, 1) as [number];
      const held = node.held[at] as { op: Operation; done: Done };
      if (held.op.kind === "write") ackedExpected.push(held.op.id);
      held.done(held.op);
    }
    const answered = completions.length;
    gate.crash();
    const failed = completions.slice(answered);
    expect(failed).toEqual(open.map((id) => ({ id, error: NODE_DOWN })));
    expect(gate.failed).toBe(open.length);
    // The node's late answers are dropped: nothing completes twice.
    for (const id of open) {
      const held = node.held[id] as { op: Operation; done: Done };
      held.done(held.op);
    }
    expect(completions.length).toBe(sent);
    expect(new Set(completions.map((c) => c.id)).size).toBe(sent);
    expect(acked).toEqual(ackedExpected);
  },
);
