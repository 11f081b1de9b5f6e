// A database for the cache's tests: one committed version per key and one log
// for all keys. A write commits 2 ms after it is sent, at the next LSN; a read
// sees the versions committed when it is sent (its snapshot) and answers 3 ms later.
import type { Simulation } from "../../src/kernel/index.js";
import type {
  AppCacheConfig,
  CachedRows,
  CachedVersion,
  CacheStore,
} from "../../src/models/cache/index.js";
import type { Operation, Service } from "../../src/models/operation.js";

export class FakeOneLogDatabase implements Service {
  readonly versions = new Map<number, number>();
  /** Commit LSN of each key's version v at index v (version 0 at LSN 0). */
  readonly commits = new Map<number, number[]>();
  /** Every operation sent here. */
  readonly served = new Set<Operation>();
  lsn = 0;
  constructor(private readonly sim: Simulation) {}

  submit(op: Operation, done: (op: Operation) => void): void {
    this.served.add(op);
    if (op.kind === "read") {
      const version = this.versions.get(op.key) ?? 0;
      const snapshot = this.lsn;
      this.sim.schedule(3, () => {
        op.version = version;
        op.lsn = snapshot;
        op.versionLsn = version;
        done(op);
      });
      return;
    }
    this.sim.schedule(2, () => {
      const version = (this.versions.get(op.key) ?? 0) + 1;
      this.versions.set(op.key, version);
      op.version = version;
      op.lsn = ++this.lsn;
      op.versionLsn = op.lsn;
      const commits = this.commits.get(op.key) ?? [0];
      commits[version] = op.lsn;
      this.commits.set(op.key, commits);
      done(op);
    });
  }
}

/**
 * One cache node in front of `db`, cache-aside, as the cache's tests over this fake
 * use it: values of 100 bytes, the newest acknowledged and committed versions read
 * from the fake's versions, no leases, coalescing or early refresh; each test sets
 * the invalidation, the TTL, the hop and whether the values are kept as rows.
 */
export function cacheAsideOver(
  db: FakeOneLogDatabase,
  store: CacheStore<CachedVersion>,
  settings: Pick<AppCacheConfig, "invalidation" | "ttl" | "hopMs"> & { rows?: CachedRows },
): AppCacheConfig {
  const { rows, ...rest } = settings;
  return {
    pattern: "cache-aside",
    nodes: [{ name: "cache", store, leases: null, coalescer: null }],
    nodeOf: () => 0,
    valueBytes: 100,
    leaseRetryMs: 1,
    earlyRefreshBeta: null,
    newestAcked: (key) => db.versions.get(key) ?? 0,
    newestCommitted: (key) => db.versions.get(key) ?? 0,
    ...rest,
    ...(rows === undefined ? {} : { rows }),
  };
}
