// The error kinds a database node ends operations with (its component declares
// them; ErrorKind in ../operation.ts is their common name).

/**
 * Why a database node refused or ended an operation.
 *
 * @remarks Since 0.2.0
 */
export type ServerErrorKind =
  /** The server refused a new connection: `max_connections` reached (PostgreSQL's "sorry, too many clients already"). */
  | "too_many_clients"
  /**
   * A row-lock wait gave up: PostgreSQL's `lock_timeout` (SQLSTATE 55P03) or
   * MySQL's `innodb_lock_wait_timeout` (error 1205).
   */
  | "lock_timeout"
  /** The transaction was the victim of a deadlock (PostgreSQL 40P01, MySQL 1213). */
  | "deadlock";
