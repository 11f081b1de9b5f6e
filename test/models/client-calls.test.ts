// Many operations in flight through one client at once: each call's events (a
// statement's trip out, its answer's trip back) take turns on the call's one queue
// entry, so they must never clobber another call's. With constant costs every time
// is arithmetic: an operation of k statements on a connection of its own completes
// k·(r + w) after it was issued (r the round trip, w the server's time for a
// statement), whether the server answers later or at once (w = 0, answered from
// inside `execute`), and whatever other calls are in flight.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  DatabaseClient,
  type ErrorKind,
  Operation,
  type PortConnection,
  type ServerPort,
  Simulation,
} from "../../src/index.js";

const CONNECTION: PortConnection = Object.freeze({});

/** Answers every statement `workMs` later, or from inside `execute` when it is 0. */
class FixedServer implements ServerPort {
  readonly name = "fixed";
  constructor(
    private readonly sim: Simulation,
    private readonly workMs: number,
  ) {}
  connect(done: (conn: PortConnection | null, error: ErrorKind | null) => void): void {
    done(CONNECTION, null);
  }
  disconnect(_conn: PortConnection): void {}
  execute(
    _conn: PortConnection,
    _op: Operation,
    _index: number,
    done: (error: ErrorKind | null) => void,
  ): void {
    if (this.workMs === 0) done(null);
    else this.sim.schedule(this.workMs, () => done(null));
  }
}

const arrival = fc.record({
  at: fc.integer({ min: 0, max: 40 }),
  statements: fc.integer({ min: 1, max: 4 }),
});

describe("calls in flight at once", () => {
  test.prop(
    [
      fc.array(arrival, { minLength: 1, maxLength: 40 }),
      fc.constantFrom(0, 1, 3),
      fc.constantFrom(1, 2),
    ],
    { numRuns: 100 },
  )("every operation completes k·(r + w) after it was issued", (arrivals, workMs, roundTrip) => {
    const sim = new Simulation({ seed: 1 });
    const client = new DatabaseClient(
      sim,
      {
        // A pool larger than the operations: nobody waits for a connection, and
        // connections opened earlier are reused (their set-up is paid at connect).
        connections: { mode: "persistent", instances: 1, poolSize: 64, connectionTimeoutMs: 1e9 },
        roundTripMs: () => roundTrip,
        connectRoundTrips: 0,
      },
      new FixedServer(sim, workMs),
    );
    const completed = new Map<number, number>();
    arrivals.forEach((a, id) => {
      sim.at(a.at, () => {
        const op = new Operation(id, 0, "read", 1, a.statements, sim.now);
        client.submit(op, (done) => {
          expect(done.error).toBeNull();
          expect(completed.has(done.id)).toBe(false);
          completed.set(done.id, sim.now - done.issuedAt);
        });
      });
    });
    sim.run();
    expect(completed.size).toBe(arrivals.length);
    arrivals.forEach((a, id) => {
      expect(completed.get(id)).toBe(a.statements * (roundTrip + workMs));
    });
  });
});
