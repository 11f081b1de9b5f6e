// The error kinds pgbouncer ends operations with, named after its own messages.

/**
 * Why pgbouncer refused or ended an operation.
 *
 * @remarks Since 0.2.0
 */
export type PoolErrorKind =
  /** pgbouncer refused a client connection: `max_client_conn` reached ("no more connections allowed (max_client_conn)"). */
  | "max_client_conn"
  /** pgbouncer found no server connection within `query_wait_timeout` ("query_wait_timeout"). */
  | "query_wait_timeout"
  /** pgbouncer in statement mode refused a multi-statement transaction ("transaction blocks not allowed in statement pooling mode"). */
  | "statement_mode_transaction";
