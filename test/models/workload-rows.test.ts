// The rows of a multi-row write transaction (workload.transactions.rows), the
// workload alone against a stub service. What must hold for every draw:
// - "same": no statement keys; every statement touches the operation's key.
// - "distinct": min(statements, keys) rows, no two alike, the operation's own key
//   among them and last (the one its version is about).
// - "distinct-sorted": the same kind of set, in ascending key order — one global
//   lock order, Havender's (1968) rule that leaves a wait-for graph no cycle.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import {
  type Operation,
  type Service,
  Simulation,
  type TransactionRows,
  Workload,
  type WorkloadConfig,
} from "../../src/index.js";

/** Answers every operation 1 ms later and keeps them. */
class Recorder implements Service {
  readonly ops: Operation[] = [];
  constructor(private readonly sim: Simulation) {}
  submit(op: Operation, done: (op: Operation) => void): void {
    this.ops.push(op);
    this.sim.schedule(1, () => done(op));
  }
}

function issue(rows: TransactionRows, keyCount: number, statements: number, seed: number) {
  const sim = new Simulation({ seed });
  const config: WorkloadConfig = {
    arrivals: { kind: "open", rate: { kind: "constant", perSec: 2000 } },
    readRatio: 0.3,
    transactions: { share: 0.8, statements: () => statements, rows },
    keys: { count: keyCount, popularity: { kind: "zipf", s: 1.2 } },
    sessions: 10,
    readOwnWrites: 0,
    stopAtMs: 50,
  };
  const recorder = new Recorder(sim);
  new Workload(sim, config, recorder, () => {}).start();
  sim.run({ until: 200 });
  return recorder.ops;
}

const multiRowWrites = (ops: readonly Operation[]) =>
  ops.filter((op) => op.kind === "write" && op.statements > 1);

describe("workload.transactions.rows", () => {
  it('"same" (the default) gives no statement keys', () => {
    const ops = issue("same", 5, 3, 1);
    expect(multiRowWrites(ops).length).toBeGreaterThan(0);
    expect(ops.filter((op) => op.statementKeys !== null)).toEqual([]);
  });

  it("reads and single statements never get rows of their own", () => {
    const ops = issue("distinct", 50, 3, 2);
    const others = ops.filter((op) => op.kind === "read" || op.statements === 1);
    expect(others.length).toBeGreaterThan(0);
    expect(others.filter((op) => op.statementKeys !== null)).toEqual([]);
  });

  test.prop(
    [
      fc.constantFrom<TransactionRows>("distinct", "distinct-sorted"),
      fc.integer({ min: 1, max: 40 }),
      fc.integer({ min: 2, max: 8 }),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    ],
    { numRuns: 60 },
  )(
    "distinct rows, the operation's key among them; sorted ascending when asked",
    (rows, keyCount, statements, seed) => {
      for (const op of multiRowWrites(issue(rows, keyCount, statements, seed))) {
        const keys = op.statementKeys as readonly number[];
        expect(keys.length).toBe(Math.min(statements, keyCount));
        expect(new Set(keys).size).toBe(keys.length);
        expect(keys).toContain(op.key);
        for (const k of keys) expect(k >= 0 && k < keyCount && Number.isInteger(k)).toBe(true);
        if (rows === "distinct-sorted") expect([...keys].sort((a, b) => a - b)).toEqual(keys);
        else expect(keys[keys.length - 1]).toBe(op.key);
      }
    },
  );
});
