// pgbouncer 1.18 (Debian) in transaction mode with a small pool, against the same
// settings in dbsim's PgBouncer model: five clients each run one 3 s statement
// through default_pool_size = 2, reserve_pool_size = 1, reserve_pool_timeout = 1 s,
// query_wait_timeout = 2 s.
// pgbouncer applies both timeouts from its maintenance timer, which runs every
// third of a second: src/janitor.c, `full_maint_period = {0, USEC / 3}`, set up by
// janitor_setup(); do_full_maint() → pool_client_maint() disconnects a waiter
// whose age exceeds query_wait_timeout, and the reserve is opened by
// launch_new_connection() (src/objects.c) once the first waiter's wait reaches
// reserve_pool_timeout — which it checks on each event-loop pass, woken at least
// by that same timer. dbsim fires both at the exact instant, so pgbouncer's own
// log shows them up to 1/3 s later than dbsim.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DatabaseServer, Operation, PgBouncer, Simulation } from "../../src/index.js";
import { pgbouncerConfig } from "../support/pgbouncer-config.js";
import { missingPrograms, psql, type RealCluster, showPools, startPostgres } from "./harness.js";

const POOL_SIZE = 2;
const RESERVE = 1;
const RESERVE_TIMEOUT_MS = 1000;
const QUERY_WAIT_TIMEOUT_MS = 2000;
const STATEMENT_MS = 3000;
const CLIENTS = 5;
/** pgbouncer's maintenance period: src/janitor.c full_maint_period = USEC / 3. */
const JANITOR_MS = 1000 / 3;
/** Messages over loopback and a busy machine's scheduling; 10–40 ms seen at load 25. */
const LOOPBACK_MS = 150;

/** pgbouncer's per-client log lines as (age since the client's login, message). */
function clientEvents(log: string): { ageMs: number; message: string }[] {
  const line = /^(\S+ \S+) \S+ \[\d+\] \w+ (C-0x[0-9a-f]+: \S+@\S+) (.*)$/;
  const login = new Map<string, number>();
  const events: { ageMs: number; message: string }[] = [];
  for (const text of log.split("\n")) {
    const m = line.exec(text);
    if (m === null) continue;
    const [, stamp = "", client = "", message = ""] = m;
    const at = Date.parse(`${stamp.replace(" ", "T")}Z`);
    if (message.startsWith("login attempt")) login.set(client, at);
    const since = login.get(client);
    if (since !== undefined) events.push({ ageMs: at - since, message });
  }
  return events;
}

const skip = missingPrograms();
if (skip !== null) console.warn(`test/real: pgbouncer ${skip}`);

interface Outcome {
  readonly ok: boolean;
  readonly atMs: number;
  readonly error: string;
}

/** dbsim's PgBouncer with the same settings, five clients at t = 0, no network. */
function simulate(): Outcome[] {
  const sim = new Simulation();
  const server = new DatabaseServer(sim, {
    name: "db",
    cores: CLIENTS,
    sigma: 0,
    kappa: 0,
    maxConnections: 100,
    memoryPerConnectionMB: 7.5,
    keyCount: 10,
    readWorkMs: () => STATEMENT_MS,
    writeWorkMs: () => STATEMENT_MS,
    connectWorkMs: () => 0,
  });
  const bouncer = new PgBouncer(
    sim,
    pgbouncerConfig({
      defaultPoolSize: POOL_SIZE,
      reservePoolSize: RESERVE,
      reservePoolTimeoutMs: RESERVE_TIMEOUT_MS,
      queryWaitTimeoutMs: QUERY_WAIT_TIMEOUT_MS,
      // pgbouncer 1.18 predates max_prepared_statements (1.21): 0 is its behaviour.
      maxPreparedStatements: 0,
    }),
    server,
  );
  const outcomes: Outcome[] = [];
  for (let c = 0; c < CLIENTS; c++) {
    bouncer.connect((conn) => {
      if (conn === null) throw new Error("refused");
      const op = new Operation(c, c, "read", c, 1, sim.now);
      bouncer.execute(conn, op, 0, (error) =>
        outcomes.push({ ok: error === null, atMs: sim.now, error: error ?? "" }),
      );
    });
  }
  sim.run({ until: 20_000 });
  return outcomes.sort((a, b) => a.atMs - b.atMs);
}

describe.skipIf(skip !== null)("real pgbouncer 1.18, transaction mode, pool 2 + reserve 1", () => {
  let cluster: RealCluster;
  let port = 0;
  beforeAll(async () => {
    cluster = await startPostgres();
    port = await cluster.startPgbouncer({
      pool_mode: "transaction",
      default_pool_size: POOL_SIZE,
      reserve_pool_size: RESERVE,
      reserve_pool_timeout: RESERVE_TIMEOUT_MS / 1000,
      query_wait_timeout: QUERY_WAIT_TIMEOUT_MS / 1000,
      max_client_conn: 50,
    });
  }, 60_000);
  afterAll(() => cluster?.stop());

  it("waits, opens the reserve after reserve_pool_timeout and disconnects after query_wait_timeout, as dbsim does", async () => {
    // psql's own start-up and connection, through pgbouncer with a free server.
    const warm = await psql(port, "SELECT 1");
    expect(warm.code, warm.stderr).toBe(0);
    const overheadMs = warm.elapsedMs;
    // The warm-up leaves one server connection idle in the pool; dbsim's pool
    // starts empty and opens its connections at no cost, so both lend two at once.
    const clients = Array.from({ length: CLIENTS }, () =>
      psql(port, `SELECT pg_sleep(${STATEMENT_MS / 1000})`),
    );
    await new Promise((r) => setTimeout(r, 500 + overheadMs));
    const early = await showPools(port);
    await new Promise((r) => setTimeout(r, RESERVE_TIMEOUT_MS + JANITOR_MS));
    const afterReserve = await showPools(port);
    const results = await Promise.all(clients);
    const real: Outcome[] = results
      .map((r) => ({ ok: r.code === 0, atMs: r.elapsedMs, error: r.stderr }))
      .sort((a, b) => a.atMs - b.atMs);
    const sim = simulate();
    console.info(
      `pgbouncer: SHOW POOLS early cl_active ${early.cl_active} cl_waiting ${early.cl_waiting} sv_active ${early.sv_active}; ` +
        `after the reserve cl_active ${afterReserve.cl_active} cl_waiting ${afterReserve.cl_waiting} sv_active ${afterReserve.sv_active}; ` +
        `psql exits ${real.map((o) => `${o.ok ? "ok" : "failed"} ${o.atMs.toFixed(0)} ms`).join(", ")}; ` +
        `dbsim ${sim.map((o) => `${o.ok ? "ok" : o.error} ${o.atMs} ms`).join(", ")}; psql start-up ${overheadMs.toFixed(0)} ms`,
    );
    expect(sim).toHaveLength(CLIENTS);
    expect(real).toHaveLength(CLIENTS);

    // Counts: the pool's two servers busy and three clients waiting; then the
    // reserve's one more server and two waiting; then two disconnected, three done.
    expect({
      active: early.cl_active,
      waiting: early.cl_waiting,
      servers: early.sv_active,
    }).toEqual({
      active: POOL_SIZE,
      waiting: CLIENTS - POOL_SIZE,
      servers: POOL_SIZE,
    });
    expect(afterReserve.sv_active).toBe(POOL_SIZE + RESERVE);
    expect(afterReserve.cl_waiting).toBe(CLIENTS - POOL_SIZE - RESERVE);
    expect(real.map((o) => o.ok)).toEqual(sim.map((o) => o.ok));
    expect(sim.filter((o) => !o.ok).map((o) => o.error)).toEqual([
      "query_wait_timeout",
      "query_wait_timeout",
    ]);
    for (const o of real.filter((x) => !x.ok)) expect(o.error).toContain("query_wait_timeout");

    // Timings, from pgbouncer's own log (ms timestamps; a client's age counts from
    // its login, its query follows at once): each event is no earlier than dbsim's
    // and at most one maintenance period later, plus LOOPBACK_MS for messages on a
    // loaded machine.
    const events = clientEvents(cluster.bouncerLog());
    const ages = (what: RegExp) => events.filter((e) => what.test(e.message)).map((e) => e.ageMs);
    const reserveAt = ages(/taking connection from reserve_pool/);
    const timedOut = ages(/closing because: query_wait_timeout/);
    console.info(
      `pgbouncer log: reserve opened at ${reserveAt.join(", ")} ms, query_wait_timeout at ${timedOut.join(", ")} ms`,
    );
    expect(reserveAt).toHaveLength(RESERVE);
    expect(timedOut).toHaveLength(CLIENTS - POOL_SIZE - RESERVE);
    for (const age of reserveAt) {
      expect(age).toBeGreaterThanOrEqual(RESERVE_TIMEOUT_MS);
      expect(age).toBeLessThanOrEqual(RESERVE_TIMEOUT_MS + JANITOR_MS + LOOPBACK_MS);
    }
    const simTimeouts = sim.filter((o) => !o.ok).map((o) => o.atMs);
    timedOut.forEach((age, i) => {
      expect(age).toBeGreaterThanOrEqual(simTimeouts[i] ?? Number.NaN);
      expect(age).toBeLessThanOrEqual((simTimeouts[i] ?? Number.NaN) + JANITOR_MS + LOOPBACK_MS);
    });
  }, 60_000);
});
