// Leases (Nishtala et al., NSDI 2013, §3.2.1), request coalescing, XFetch
// (Vattani et al., VLDB 2015, Algorithm 1) and TTL rules, each as its source
// states it.
import { describe, expect, it } from "vitest";
import {
  Coalescer,
  LeaseTable,
  TtlPolicy,
  xfetchShouldRefresh,
} from "../../src/models/cache/index.js";

describe("LeaseTable", () => {
  it("stops the stale-set race: a delete invalidates the reader's token, so its old value is refused", () => {
    const leases = new LeaseTable();
    const readerToken = leases.onMiss(7, 0); // reader misses, reads v1 from the database
    leases.invalidate(7); // writer writes v2 and deletes the key
    expect(leases.redeem(7, readerToken)).toBe(false); // reader's set of v1 is refused
    expect(leases.rejected).toBe(1);
    const next = leases.onMiss(7, 1); // the next miss gets a fresh token and sets v2
    expect(leases.redeem(7, next)).toBe(true);
  });

  it("issues one token per key per 10 s; other misses are told to wait", () => {
    const leases = new LeaseTable();
    expect(leases.onMiss(1, 0)).toBeGreaterThan(0);
    expect(leases.onMiss(1, 9_999)).toBe(0);
    expect(leases.onMiss(2, 9_999)).toBeGreaterThan(0);
    expect(leases.onMiss(1, 10_000)).toBeGreaterThan(0);
    expect([leases.issued, leases.waits]).toEqual([3, 1]);
  });
});

describe("Coalescer", () => {
  it("lets the first miss load and hands its result to the others, in order", () => {
    const coalescer = new Coalescer<string>();
    const got: string[] = [];
    expect(coalescer.join(1, () => got.push("first"))).toBe(true);
    expect(coalescer.join(1, (r) => got.push(`a:${r}`))).toBe(false);
    expect(coalescer.join(1, (r) => got.push(`b:${r}`))).toBe(false);
    coalescer.settle(1, "v3");
    expect(got).toEqual(["a:v3", "b:v3"]);
    expect([coalescer.joined, coalescer.inFlight]).toEqual([2, 0]);
    expect(coalescer.join(1, () => undefined)).toBe(true);
  });
});

describe("xfetchShouldRefresh", () => {
  it("refreshes when now − δ·β·ln(u) reaches the expiry", () => {
    // 990 − 20·ln(0.5) = 990 + 13.86 ≥ 1000.
    expect(xfetchShouldRefresh(990, 1000, 20, 1, 0.5)).toBe(true);
    // 980 + 13.86 < 1000.
    expect(xfetchShouldRefresh(980, 1000, 20, 1, 0.5)).toBe(false);
    // β = 2 doubles the look-ahead: 980 + 27.7 ≥ 1000.
    expect(xfetchShouldRefresh(980, 1000, 20, 2, 0.5)).toBe(true);
    // u = 1: no look-ahead at all.
    expect(xfetchShouldRefresh(999, 1000, 20, 1, 1)).toBe(false);
    expect(() => xfetchShouldRefresh(0, 1, 1, 1, 0)).toThrow(/draw 0/);
  });
});

describe("TtlPolicy", () => {
  it("draws the TTL uniformly in ttl·(1 ± jitter) and refuses bad values", () => {
    const ttl = new TtlPolicy({ ttlMs: 1000, jitter: 0.1 });
    expect(ttl.expiryAt(50, 0)).toBe(950);
    expect(ttl.expiryAt(50, 0.5)).toBe(1050);
    expect(new TtlPolicy({ ttlMs: 1000 }).expiryAt(50, 0.9)).toBe(1050);
    expect(() => new TtlPolicy({ ttlMs: -5 })).toThrow(/TTL -5 ms/);
    expect(() => new TtlPolicy({ ttlMs: 5, jitter: 1 })).toThrow(/jitter 1/);
  });
});
