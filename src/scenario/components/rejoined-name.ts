// The report's name for the old primary back as a replica of the promoted one
// (docs/faults.md). A configured replica's name is letters, digits, _ and -, so
// no configured replica can carry the suffix: the rows it marks are the ones the
// log added during the run, past the configured replicas.

const SUFFIX = " (rejoined)";

/** @internal The replication row's name for node `node` rejoined as a replica: `primary (rejoined)`. */
export function rejoinedName(node: string): string {
  return `${node}${SUFFIX}`;
}

/** @internal Whether a replication row is a node the log added during the run (not a configured replica). */
export function isRejoinedName(name: string): boolean {
  return name.endsWith(SUFFIX);
}
