// Shard key choice against theory: a per-tenant query reads a tenant's rows.
// Sharded by tenant, those rows sit on one shard. Sharded by row key with a
// hash that places keys as independent uniform draws over n shards, a tenant
// of m rows occupies on average n(1 − (1 − 1/n)^m) shards (the occupancy
// problem; Feller, "An Introduction to Probability Theory and Its
// Applications" vol. 1, §IV.2), with variance
// n(n−1)(1 − 2/n)^m + n(1 − 1/n)^m − n²(1 − 1/n)^(2m). Over T equal tenants
// the mean is within 4 standard errors of that.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { Simulation } from "../../src/kernel/index.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";
import { ShardMap } from "../../src/models/sharding/shard-map.js";
import { ShardRouter } from "../../src/models/sharding/shard-router.js";
import { TenantLayout } from "../../src/models/sharding/tenants.js";

describe("TenantLayout", () => {
  test.prop([
    fc.integer({ min: 1, max: 3000 }),
    fc.integer({ min: 1, max: 300 }),
    fc.double({ min: 0, max: 2, noNaN: true }),
  ])(
    "tenants tile the keys, each holding at least one, larger ranks no larger",
    (keys, wanted, s) => {
      const tenants = Math.min(keys, wanted);
      const layout = new TenantLayout(keys, tenants, s);
      let total = 0;
      for (let t = 0; t < tenants; t++) {
        const { from, to } = layout.keysOf(t);
        expect(to - from).toBeGreaterThanOrEqual(1);
        expect(layout.tenantOf(from)).toBe(t);
        expect(layout.tenantOf(to - 1)).toBe(t);
        if (t > 0) expect(layout.sizeOf(t)).toBeLessThanOrEqual(layout.sizeOf(t - 1) + 1);
        total += to - from;
      }
      expect(total).toBe(keys);
    },
  );

  it("refuses more tenants than keys", () => {
    expect(() => new TenantLayout(10, 11, 1)).toThrow(/from 1 to the key count 10, not 11/);
  });
});

describe("per-tenant queries: one shard by tenant, n(1 − (1 − 1/n)^m) by row key", () => {
  const shards = 16;
  const rows = 8;
  const tenants = 2000;
  const layout = new TenantLayout(tenants * rows, tenants, 0);
  // Rendezvous weights (a MurmurHash3 finalizer of key and shard) behave as
  // independent uniform draws; jump on raw sequential keys does not — it puts
  // consecutive keys on distinct shards more often than chance (measured 6.53
  // shards for 8 consecutive keys over 16, against 6.45 at random).
  const byRow = new ShardMap({ strategy: "rendezvous", shards }, tenants * rows);
  const byTenant = new ShardMap({ strategy: "rendezvous", shards }, tenants * rows, layout);

  /** Shards a scan of every tenant touches, through the router. */
  function touched(map: ShardMap): number[] {
    const sim = new Simulation({ seed: 1 });
    const counts: number[] = [];
    let current = 0;
    const shardServices: Service[] = Array.from({ length: shards }, () => ({
      submit(op: Operation, done: Done) {
        current++;
        op.completedAt = sim.now;
        done(op);
      },
    }));
    const router = new ShardRouter(sim, {
      map,
      shards: shardServices,
      rowsPerShard: 0,
      mergeMsPerRow: 0,
    });
    for (let t = 0; t < tenants; t++) {
      current = 0;
      const { from, to } = layout.keysOf(t);
      const op = new Operation(t, 0, "read", from, 1, 0);
      op.range = { from, to };
      router.submit(op, () => {});
      counts.push(current);
    }
    sim.run();
    return counts;
  }

  it("sharded by tenant: every tenant's scan stays on one shard", () => {
    expect(new Set(touched(byTenant))).toEqual(new Set([1]));
  });

  it(`sharded by row key (rendezvous, ${shards} shards, ${rows} rows a tenant): the occupancy mean within 4 standard errors`, () => {
    const n = shards;
    const m = rows;
    const mean = n * (1 - (1 - 1 / n) ** m);
    const variance =
      n * (n - 1) * (1 - 2 / n) ** m + n * (1 - 1 / n) ** m - n * n * (1 - 1 / n) ** (2 * m);
    const counts = touched(byRow);
    const observed = counts.reduce((a, b) => a + b, 0) / counts.length;
    expect(Math.abs(observed - mean)).toBeLessThan(4 * Math.sqrt(variance / tenants));
  });
});
