// A pooler's settings at pgbouncer's documented defaults (doc/config.md in
// pgbouncer/pgbouncer: default_pool_size 20, min_pool_size 0, reserve_pool_size 0,
// reserve_pool_timeout 5 s, max_client_conn 100, max_db_connections 0 (no limit),
// query_wait_timeout 120 s, server_idle_timeout 600 s, server_lifetime 3600 s,
// server_connect_timeout 15 s, server_login_retry 15 s, max_prepared_statements 200),
// transaction pooling and no network, for the tests that drive `PgBouncer` directly;
// each test overrides what it is about.
import type { PgBouncerConfig } from "../../src/index.js";

/** pgbouncer's defaults in transaction mode with a free network, then `overrides`. */
export function pgbouncerConfig(overrides: Partial<PgBouncerConfig> = {}): PgBouncerConfig {
  return {
    name: "pgbouncer",
    poolMode: "transaction",
    defaultPoolSize: 20,
    minPoolSize: 0,
    reservePoolSize: 0,
    reservePoolTimeoutMs: 5000,
    maxClientConn: 100,
    maxDbConnections: 0,
    queryWaitTimeoutMs: 120_000,
    serverIdleTimeoutMs: 600_000,
    serverLifetimeMs: 3_600_000,
    serverConnectTimeoutMs: 15_000,
    serverLoginRetryMs: 15_000,
    maxPreparedStatements: 200,
    serverRoundTripMs: () => 0,
    serverConnectRoundTrips: 0,
    ...overrides,
  };
}
