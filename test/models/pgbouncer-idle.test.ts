// pgbouncer's server_idle_timeout (doc/config.md in pgbouncer/pgbouncer, also
// https://www.pgbouncer.org/config.html: "If a server connection has been idle more
// than this many seconds it will be closed"; min_pool_size: "Add more server
// connections to pool if below this number"). The model closes at the instant the
// timeout runs out (pgbouncer's janitor looks about once a second): every server
// connection the pooler closes closes exactly server_idle_timeout after it went
// idle, having stayed idle; one still idle at that instant stays open only when the
// pool was at min_pool_size. The oracle is the log of a fake backend that hands out
// connections of its own and answers each statement after a fixed time, never the
// pooler's own figures.
import { fc, test } from "@fast-check/vitest";
import { expect } from "vitest";
import {
  type ErrorKind,
  Operation,
  PgBouncer,
  type PortConnection,
  type ServerPort,
  Simulation,
} from "../../src/index.js";
import { pgbouncerConfig } from "../support/pgbouncer-config.js";

const IDLE_TIMEOUT = 700;

interface Conn {
  readonly id: number;
  /** When its last statement's answer left the backend (it went idle then), or NaN while busy. */
  idleSince: number;
  closedAt: number;
}

/** A backend whose every statement takes `workMs`, logging what the pooler does with each connection. */
function backend(sim: Simulation, workMs: number) {
  const conns: Conn[] = [];
  /** Connections open over time: [time, count] after each change. */
  const open: [number, number][] = [];
  let count = 0;
  const failures: string[] = [];
  const port: ServerPort = {
    name: "db",
    connect(done) {
      const conn: Conn = { id: conns.length, idleSince: Number.NaN, closedAt: Number.NaN };
      conns.push(conn);
      open.push([sim.now, ++count]);
      done(conn as unknown as PortConnection, null);
    },
    disconnect(c) {
      const conn = c as unknown as Conn;
      conn.closedAt = sim.now;
      open.push([sim.now, --count]);
      // Closed for idleness: idle since exactly one timeout ago (a lifetime close never
      // happens here: server_lifetime is far beyond the run).
      if (sim.now !== conn.idleSince + IDLE_TIMEOUT)
        failures.push(`conn ${conn.id} closed at ${sim.now}, idle since ${conn.idleSince}`);
    },
    execute(c, _op, _index, done: (error: ErrorKind | null) => void) {
      const conn = c as unknown as Conn;
      conn.idleSince = Number.NaN;
      sim.schedule(workMs, () => {
        conn.idleSince = sim.now;
        done(null);
      });
    },
  };
  /** Connections open just after everything that happened at time `t`. */
  const openAt = (t: number): number => {
    let n = 0;
    for (const [at, c] of open) if (at <= t) n = c;
    return n;
  };
  return { port, conns, failures, openAt };
}

test.prop([
  fc.integer({ min: 0, max: 3 }),
  fc.integer({ min: 1, max: 6 }),
  fc.array(fc.integer({ min: 0, max: 4000 }), { maxLength: 40 }),
  fc.integer({ min: 1, max: 400 }),
])(
  "closes a server connection exactly server_idle_timeout after it went idle, unless min_pool_size keeps it",
  (minPool, poolSize, starts, workMs) => {
    const sim = new Simulation();
    const b = backend(sim, workMs);
    const bouncer = new PgBouncer(
      sim,
      pgbouncerConfig({
        defaultPoolSize: poolSize,
        minPoolSize: Math.min(minPool, poolSize),
        maxClientConn: 1000,
        serverIdleTimeoutMs: IDLE_TIMEOUT,
      }),
      b.port,
    );
    starts.forEach((at, i) => {
      sim.at(at, () =>
        bouncer.connect((conn) => {
          if (conn === null) throw new Error("refused");
          bouncer.execute(conn, new Operation(i, i, "read", i, 1, sim.now), 0, () => {});
        }),
      );
    });
    sim.run({ until: 10_000 });
    expect(b.failures).toEqual([]);
    for (const conn of b.conns) {
      const due = conn.idleSince + IDLE_TIMEOUT;
      // Still open and idle past its deadline: the pool was at min_pool_size then.
      if (Number.isNaN(conn.closedAt) && due < 10_000)
        expect(b.openAt(due), `conn ${conn.id} idle since ${conn.idleSince}`).toBeLessThanOrEqual(
          Math.min(minPool, poolSize),
        );
    }
  },
);
