// checkConcurrentWrites on hand-made multi-primary histories: two writes of a
// key conflict when neither region had seen the other's (Lamport 1978: neither
// happened before the other), whether a region saw a write directly or through
// a third region's later write; last writer wins picks the later commit
// timestamp, the region listed later on a tie.
import { describe, expect, it } from "vitest";
import {
  type ConcurrentWrite,
  checkConcurrentWrites,
  lastWriterWins,
} from "../../src/consistency/concurrent-writes.js";

function w(
  region: number,
  seq: number,
  commitMs: number,
  seen: number[],
  key = 1,
): ConcurrentWrite {
  return { key, region, seq, commitMs, seen };
}

describe("checkConcurrentWrites", () => {
  it("counts two writes of a key made before either saw the other, and the earlier as lost", () => {
    const a = w(0, 1, 10, [0, 0]);
    const b = w(1, 1, 12, [0, 0]);
    const result = checkConcurrentWrites([a, b]);
    expect(result.conflicts).toBe(1);
    expect(result.lost).toEqual([a]);
  });

  it("counts no conflict when the later write's region had seen the earlier", () => {
    const a = w(0, 1, 10, [0, 0]);
    const b = w(1, 1, 60, [1, 0]);
    expect(checkConcurrentWrites([a, b])).toEqual({ conflicts: 0, lost: [] });
  });

  it("follows happened-before through a third region", () => {
    // c (region 2) saw a; b (region 1) saw c but not a directly: b still follows a.
    const a = w(0, 1, 10, [0, 0, 0]);
    const c = w(2, 1, 40, [1, 0, 0], 2);
    const b = w(1, 1, 70, [1, 0, 1]);
    expect(checkConcurrentWrites([a, c, b]).conflicts).toBe(0);
    // Without what c carried, b had not seen a: a conflict.
    const blind = w(1, 1, 70, [0, 0, 1]);
    expect(checkConcurrentWrites([a, c, blind]).conflicts).toBe(1);
  });

  it("judges each key on its own and counts every concurrent pair once", () => {
    const writes = [
      w(0, 1, 10, [0, 0]),
      w(1, 1, 11, [0, 0]),
      w(1, 2, 12, [0, 1]),
      w(0, 2, 13, [1, 0], 2),
    ];
    // Key 1: region 1's two writes each crossed region 0's first; key 2 has one write.
    const result = checkConcurrentWrites(writes);
    expect(result.conflicts).toBe(2);
    expect(result.lost).toEqual([writes[0]]);
  });

  it("breaks a timestamp tie by region: the region listed later wins", () => {
    const a = w(0, 1, 10, [0, 0]);
    const b = w(1, 1, 10, [0, 0]);
    expect(lastWriterWins(a, b)).toBe(b);
    expect(lastWriterWins(b, a)).toBe(b);
    expect(checkConcurrentWrites([b, a]).lost).toEqual([a]);
  });
});
