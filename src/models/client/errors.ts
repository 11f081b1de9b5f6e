// The error kinds the application's driver (its connection pool) ends
// operations with.

/**
 * Why the application's connection pool gave up on an operation.
 *
 * @remarks Since 0.2.0
 */
export type ClientErrorKind =
  /** The client waited longer than its connection timeout for a pooled connection (HikariCP's `connectionTimeout`). */
  "connection_timeout";
