// The version oracle the composition root hands to components: the newest version
// of a key each cluster has acknowledged to a client (what a read is stale against)
// and the newest its primary has committed. Components ask it instead of reading a
// primary, so a cache or a proxy works the same in front of one cluster or of many.
import type { Operation, VersionOracle } from "../models/operation.js";
import { type KeySlots, KeyVersions } from "../models/server/key-versions.js";

/**
 * What the oracle reads of a cluster's primary: its current version of a key
 * (`DatabaseServer.read`).
 *
 * @internal
 */
export interface PrimaryVersions {
  read(key: number): number;
}

/**
 * A {@link VersionOracle} over clusters 0 … n − 1, n the number of primaries given.
 * The acknowledged versions are what the completion hook reports, through
 * {@link ClusterVersionOracle.acknowledge}; the committed ones are read from each
 * cluster's primary.
 *
 * @internal
 */
export class ClusterVersionOracle implements VersionOracle {
  private readonly primaries: readonly PrimaryVersions[];
  /** Per cluster, the newest acknowledged version of every key (over the cluster's key slots). */
  private readonly acked: KeyVersions[];
  // Cluster 0's, at hand: every operation of an unsharded plan asks for it.
  private readonly first: KeyVersions;
  /**
   * Per cluster, a bit per key once a version of it is acknowledged (empty when the
   * cluster holds only its shard's keys). Asked at every operation's start, a key
   * never written (a third of a 10^6-key Zipf run's reads) is told by its bit alone:
   * 1/32 of the bytes of `acked`, whose line at a random key is rarely in the cache.
   * Acknowledged versions only rise from 0, so a clear bit means version 0.
   */
  private readonly seen: Uint8Array[];
  private readonly firstSeen: Uint8Array;

  /**
   * @param primaries - each cluster's primary, in cluster order
   * @param keyCount - keys per cluster (keys are 0 … keyCount − 1)
   * @param slots - per cluster, the keys it holds densely (its shard's); omitted: every key
   * @throws RangeError when there is no primary
   */
  constructor(
    primaries: readonly PrimaryVersions[],
    keyCount: number,
    slots?: readonly (KeySlots | undefined)[],
  ) {
    this.primaries = primaries;
    this.acked = primaries.map((_, i) => new KeyVersions(keyCount, slots?.[i] ?? null, false));
    const first = this.acked[0];
    if (first === undefined)
      throw new RangeError("Version oracle: expected at least one cluster, got none");
    this.first = first;
    this.seen = this.acked.map((a) => new Uint8Array(a.whole ? (keyCount + 7) >> 3 : 0));
    this.firstSeen = this.seen[0] as Uint8Array;
  }

  /**
   * An operation completed: a successful write's version is now acknowledged (a
   * write acknowledged late, after a newer one, does not lower it).
   */
  acknowledge(op: Operation): void {
    if (op.kind !== "write" || op.error !== null) return;
    const cluster = op.cluster;
    const rows = op.writtenRows;
    if (rows !== null) {
      // Every row of a multi-row transaction was acknowledged with it.
      for (let i = 0; i < rows.keys.length; i++)
        this.raise(cluster, rows.keys[i] as number, rows.versions[i] as number);
      return;
    }
    this.raise(cluster, op.key, op.version);
  }

  /**
   * `version` of `key` counts as acknowledged in `cluster` (a newer one already
   * there stays): a resharding switched the key in, its writes acknowledged on
   * its old shard, whose versions the new one continues.
   */
  acknowledgeCarried(cluster: number, key: number, version: number): void {
    this.raise(cluster, key, version);
  }

  /** {@inheritDoc VersionOracle.newestAckedVersion} */
  newestAckedVersion(cluster: number, key: number): number {
    const acked = cluster === 0 ? this.first : this.ackedOf(cluster);
    if (!acked.whole) return acked.version(key);
    const seen = cluster === 0 ? this.firstSeen : (this.seen[cluster] as Uint8Array);
    // Indexed directly when it spans every key: asked at every operation's start.
    return ((seen[key >> 3] as number) & (1 << (key & 7))) === 0
      ? 0
      : (acked.versions[key] as number);
  }

  // The one way a version gets acknowledged: every caller goes through here, so the bit is set.
  private raise(cluster: number, key: number, version: number): void {
    const acked = cluster === 0 ? this.first : this.ackedOf(cluster);
    if (!acked.whole) {
      if (version > acked.version(key)) acked.set(key, version, 0);
      return;
    }
    const seen = cluster === 0 ? this.firstSeen : (this.seen[cluster] as Uint8Array);
    const byte = seen[key >> 3] as number;
    const bit = 1 << (key & 7);
    if ((byte & bit) === 0) {
      // Version 0 so far: any acknowledged version (≥ 1) raises it.
      if (version <= 0) return;
      seen[key >> 3] = byte | bit;
    } else if (version <= (acked.versions[key] as number)) return;
    acked.versions[key] = version;
  }

  /** {@inheritDoc VersionOracle.newestCommittedVersion} */
  newestCommittedVersion(cluster: number, key: number): number {
    const primary = this.primaries[cluster];
    if (primary === undefined) throw this.noCluster(cluster);
    return primary.read(key);
  }

  private ackedOf(cluster: number): KeyVersions {
    const acked = this.acked[cluster];
    if (acked === undefined) throw this.noCluster(cluster);
    return acked;
  }

  private noCluster(cluster: number): RangeError {
    return new RangeError(
      `Version oracle: cluster must be an integer in [0, ${this.acked.length - 1}], got ${cluster}`,
    );
  }
}
