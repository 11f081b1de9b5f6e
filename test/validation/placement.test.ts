// Ring imbalance of consistent hashing against theory. With v virtual nodes
// per node placed uniformly at random on the ring, a node's share of the ring
// is Beta(v, (n−1)v) distributed (the spacings of uniform points: each of the
// nv arcs is an exchangeable Dirichlet(1, …, 1) share, and a node owns the arcs
// that end at its v points), so its coefficient of variation is
// √((n−1)/(nv+1)) (Karger et al., STOC 1997; the Beta moments as in e.g.
// Johnson, Kotz & Balakrishnan, "Continuous Univariate Distributions" vol. 2,
// ch. 25). ketama's points are four-byte pieces of MD5 digests, which behave as
// uniform points; the check measures the share of every node over many rings
// built from different labels. The CV estimated from N shares has a relative
// standard error of about 1/√(2N) (normal theory); the tolerance is 4 of them.
import { describe, expect, it } from "vitest";
import { type KetamaMode, KetamaRing } from "../../src/placement/index.js";

const GRID = 2 ** 16;
const STEP = 2 ** 32 / GRID;

/** Each node's share of the ring, measured at GRID evenly spaced hashes. */
function shares(ring: KetamaRing, nodes: number): number[] {
  const owned = new Array<number>(nodes).fill(0);
  for (let i = 0; i < GRID; i++) {
    const node = ring.nodeOfHash(Math.floor(i * STEP + STEP / 2));
    owned[node] = (owned[node] as number) + 1;
  }
  return owned.map((c) => c / GRID);
}

describe("consistent hashing: a node's share has CV √((n−1)/(nv+1))", () => {
  for (const { nodes, mode, points } of [
    { nodes: 5, mode: "weighted" as KetamaMode, points: 160 },
    { nodes: 10, mode: "weighted" as KetamaMode, points: 160 },
    { nodes: 10, mode: "unweighted" as KetamaMode, points: 100 },
  ]) {
    it(`n = ${nodes}, ${mode} ketama (v = ${points}): within 4 standard errors over 100 rings`, () => {
      // Arrange
      const rings = 100;
      const all: number[] = [];
      // Act
      for (let r = 0; r < rings; r++) {
        const servers = Array.from({ length: nodes }, (_, i) => ({ label: `ring${r}-node${i}` }));
        all.push(...shares(new KetamaRing(servers, mode), nodes));
      }
      // Assert
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      const sd = Math.sqrt(all.reduce((a, s) => a + (s - mean) ** 2, 0) / (all.length - 1));
      const cv = sd / mean;
      const expected = Math.sqrt((nodes - 1) / (nodes * points + 1));
      const standardError = expected / Math.sqrt(2 * all.length);
      expect(Math.abs(mean - 1 / nodes)).toBeLessThan(1e-9);
      expect(Math.abs(cv - expected)).toBeLessThan(4 * standardError);
    });
  }
});
