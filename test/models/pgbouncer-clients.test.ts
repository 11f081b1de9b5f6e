// Many client connections in flight through one pooler at once: each one's events
// (a statement's trip to the server, its answer's trip back) take turns on the
// connection's one queue entry, so they must never clobber another's. With constant
// costs every time is arithmetic: with a server connection free for everyone
// (default_pool_size above the clients) a transaction of k statements takes
// k·(r + w), r the pooler–server round trip and w the server's time for a statement
// (0: answered from inside `execute`); opening a server connection costs nothing here.
import { fc, test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
  type ErrorKind,
  Operation,
  PgBouncer,
  type PortConnection,
  type ServerPort,
  Simulation,
} from "../../src/index.js";
import { pgbouncerConfig } from "../support/pgbouncer-config.js";

function fixedBackend(sim: Simulation, workMs: number): ServerPort {
  return {
    name: "db",
    connect(done) {
      done({} as PortConnection, null);
    },
    disconnect() {},
    execute(_conn, _op, _index, done: (error: ErrorKind | null) => void) {
      if (workMs === 0) done(null);
      else sim.schedule(workMs, () => done(null));
    },
  };
}

const client = fc.record({
  at: fc.integer({ min: 0, max: 40 }),
  statements: fc.integer({ min: 1, max: 4 }),
});

describe("pooler clients in flight at once", () => {
  test.prop(
    [
      fc.array(client, { minLength: 1, maxLength: 30 }),
      fc.constantFrom(0, 1, 3),
      fc.constantFrom(1, 2),
      fc.constantFrom("session" as const, "transaction" as const),
    ],
    { numRuns: 80 },
  )("every transaction of k statements takes k·(r + w)", (clients, workMs, roundTrip, mode) => {
    const sim = new Simulation({ seed: 1 });
    const bouncer = new PgBouncer(
      sim,
      pgbouncerConfig({
        poolMode: mode,
        defaultPoolSize: 64,
        maxClientConn: 1000,
        serverRoundTripMs: () => roundTrip,
      }),
      fixedBackend(sim, workMs),
    );
    const took = new Map<number, number>();
    clients.forEach((c, id) => {
      sim.at(c.at, () =>
        bouncer.connect((conn) => {
          if (conn === null) throw new Error("refused");
          const op = new Operation(id, id, "write", id, c.statements, sim.now);
          const next = (index: number): void =>
            bouncer.execute(conn, op, index, (error) => {
              expect(error).toBeNull();
              if (index + 1 < c.statements) next(index + 1);
              else {
                expect(took.has(id)).toBe(false);
                took.set(id, sim.now - op.issuedAt);
              }
            });
          next(0);
        }),
      );
    });
    sim.run({ until: 10_000 });
    expect(took.size).toBe(clients.length);
    clients.forEach((c, id) => {
      expect(took.get(id)).toBe(c.statements * (roundTrip + workMs));
    });
  });
});
