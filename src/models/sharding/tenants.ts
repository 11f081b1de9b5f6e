// Tenants: the rows of a multi-tenant application belong to tenants (an
// account, a company), each holding a contiguous block of keys, with sizes
// that follow a popularity law — a few large tenants and many small ones
// (Zipf over tenant rank, as the rows per customer of a SaaS application are
// usually described). Sharding by tenant keeps every tenant's rows, and so
// every per-tenant query, on one shard; sharding by row key spreads a tenant
// over the shards, and a per-tenant query scatters. The layout is built once,
// deterministically: tenant t holds keys [start(t), start(t + 1)).

/**
 * Keys grouped into tenants.
 *
 * @remarks Since 0.2.0
 */
export class TenantLayout {
  /** Tenants in the layout. */
  readonly tenants: number;
  /** Keys in the layout. */
  readonly keys: number;
  private readonly starts: Float64Array;
  private readonly owner: Uint32Array;

  /**
   * @param keys - the key space, 0 … keys − 1
   * @param tenants - tenants (1 ≤ tenants ≤ keys); each holds at least one key
   * @param s - the size law's exponent: tenant r (by rank, from 1) holds a
   *   share ∝ r^(−s) of the keys; 0 for equal tenants
   */
  constructor(keys: number, tenants: number, s: number) {
    if (!Number.isInteger(keys) || keys < 1)
      throw new RangeError(`keys must be an integer ≥ 1, not ${keys}`);
    if (!Number.isInteger(tenants) || tenants < 1 || tenants > keys) {
      throw new RangeError(
        `tenants must be an integer from 1 to the key count ${keys}, not ${tenants}`,
      );
    }
    if (!(s >= 0 && Number.isFinite(s)))
      throw new RangeError(`the tenant size exponent must be ≥ 0, not ${s}`);
    this.keys = keys;
    this.tenants = tenants;
    this.starts = new Float64Array(tenants + 1);
    this.owner = new Uint32Array(keys);
    let weight = 0;
    for (let r = 1; r <= tenants; r++) weight += r ** -s;
    // Every tenant gets one key, the rest in proportion to its weight (largest first).
    const spare = keys - tenants;
    let at = 0;
    let given = 0;
    let cumulative = 0;
    for (let t = 0; t < tenants; t++) {
      cumulative += (t + 1) ** -s;
      const upTo = t === tenants - 1 ? spare : Math.round((spare * cumulative) / weight);
      const size = 1 + upTo - given;
      given = upTo;
      this.starts[t] = at;
      this.owner.fill(t, at, at + size);
      at += size;
    }
    this.starts[tenants] = keys;
  }

  /** The tenant that holds `key`. */
  tenantOf(key: number): number {
    return this.owner[key] as number;
  }

  /** Tenant `t`'s keys: `[from, to)`. */
  keysOf(t: number): { readonly from: number; readonly to: number } {
    return { from: this.starts[t] as number, to: this.starts[t + 1] as number };
  }

  /** Keys tenant `t` holds. */
  sizeOf(t: number): number {
    return (this.starts[t + 1] as number) - (this.starts[t] as number);
  }
}
