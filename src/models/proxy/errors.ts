// The error kinds ProxySQL ends operations with.

/**
 * Why ProxySQL refused or ended an operation.
 *
 * @remarks Since 0.2.0
 */
export type ProxyErrorKind =
  /** ProxySQL refused a client connection: `mysql-max_connections` reached. */
  | "proxy_max_connections"
  /**
   * ProxySQL found no backend connection within `mysql-connect_timeout_server_max`:
   * the query's hostgroup had no ONLINE server (empty, or every server shunned),
   * or every server's `max_connections` were in use.
   */
  | "hostgroup_unavailable";
