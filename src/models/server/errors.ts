// The error kinds a database node ends operations with (its component declares
// them; ErrorKind in ../operation.ts is their common name).

/**
 * Why a database node refused or ended an operation.
 *
 * @remarks Since 0.2.0
 */
export type ServerErrorKind =
  /** The server refused a new connection: `max_connections` reached (PostgreSQL's "sorry, too many clients already"). */
  "too_many_clients";
