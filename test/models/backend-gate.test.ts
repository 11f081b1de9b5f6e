// A backend behind ProxySQL under a crash (src/models/proxy/backend-gate.ts):
// whatever order the backend answers its statements in, a crash fails exactly the
// statements still unanswered, in the order they were sent, with node_down; an
// answer the backend gives after the crash is dropped (each statement's done runs
// once); while it is down every new statement fails at once, and after restore()
// statements reach the backend again.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import {
  type ErrorKind,
  Operation,
  type PortConnection,
  type ServerPort,
} from "../../src/models/operation.js";
import { BackendGate, NODE_DOWN } from "../../src/models/proxy/backend-gate.js";

type Answer = (error: ErrorKind | null) => void;

/** A backend that holds every statement until the test answers it. */
class HeldBackend implements ServerPort {
  readonly name = "held";
  readonly held: { id: number; done: Answer }[] = [];
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    done({}, null);
  }
  disconnect(_conn: PortConnection): void {}
  execute(_conn: PortConnection, op: Operation, _index: number, done: Answer): void {
    this.held.push({ id: op.id, done });
  }
}

// Each step sends a new statement or has the backend answer the held statement at a
// position picked among those not yet answered.
const step = fc.oneof(fc.record({ send: fc.constant(true) }), fc.record({ answer: fc.nat() }));

test.prop([fc.array(step, { maxLength: 60 })])(
  "a crash fails the unanswered statements in the order sent, once each",
  (steps) => {
    const backend = new HeldBackend();
    const gate = new BackendGate(backend);
    const conn: PortConnection = {};
    const completions: { id: number; error: ErrorKind | null }[] = [];
    const send = (id: number) =>
      gate.execute(conn, new Operation(id, 0, "read", id, 1, 0), 0, (error) =>
        completions.push({ id, error }),
      );
    const open: number[] = []; // ids (= positions in backend.held) not yet answered, in the order sent
    let sent = 0;
    for (const s of steps) {
      if ("send" in s) {
        send(sent);
        open.push(sent++);
        continue;
      }
      if (open.length === 0) continue;
      const [at] = open.splice(s.answer % open.length, 1) as [number];
      (backend.held[at] as { done: Answer }).done(null);
    }
    const answered = completions.length;
    expect(completions.every((c) => c.error === null)).toBe(true);
    gate.crash();
    expect(gate.down).toBe(true);
    expect(completions.slice(answered)).toEqual(open.map((id) => ({ id, error: NODE_DOWN })));
    expect(gate.failed).toBe(open.length);
    // The backend's late answers are dropped: nothing completes twice.
    for (const id of open) (backend.held[id] as { done: Answer }).done(null);
    expect(completions.length).toBe(sent);
    expect(new Set(completions.map((c) => c.id)).size).toBe(sent);
    // Down: a new statement fails at once and never reaches the backend.
    send(sent);
    expect(completions.at(-1)).toEqual({ id: sent, error: NODE_DOWN });
    expect(backend.held.length).toBe(sent);
    // Back: statements reach the backend again, and a later crash fails only them.
    gate.restore();
    send(sent + 1);
    send(sent + 2);
    (backend.held[sent] as { done: Answer }).done(null);
    gate.crash();
    expect(completions.slice(-2)).toEqual([
      { id: sent + 1, error: null },
      { id: sent + 2, error: NODE_DOWN },
    ]);
  },
);
