// Write-behind, end to end, against the offline checkers: writes acknowledged by
// the cache before the database commits them, reads of versions no log holds yet,
// misses that read the older committed version, and two cache-node losses that
// drop acknowledged writes. The online monitor (with its history compaction) must
// count exactly what the offline checkers find in the recorded history.
import { describe, expect, it } from "vitest";
import { checkAll, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";

function writeBehind(seed: number): ScenarioInput {
  return {
    seed,
    duration: 6000,
    warmup: 0,
    workload: {
      rate: 1000,
      readRatio: 0.7,
      sessions: 50,
      keys: { count: 300, popularity: { kind: "zipf", s: 1 } },
    },
    // 100 items for 300 keys: entries holding unflushed versions are evicted, so misses
    // read older versions from the database.
    cache: { engine: "lru", capacity: { items: 100 }, pattern: "write-behind", flushInterval: 700 },
    timeline: [
      { at: 2100, kind: "cache-node-loss", node: "cache" },
      { at: 4150, kind: "cache-node-loss", node: "cache" },
    ],
  };
}

describe("write-behind: the monitor and the offline checkers agree", () => {
  for (const seed of [1, 4]) {
    it(`seed ${seed}: the same violations online and offline, and some of each kind a loss causes`, () => {
      const run = runScenarioDetailed(writeBehind(seed), { history: true });
      if (run.history === null) throw new Error("no history recorded");
      const offline = checkAll(run.history);
      const online = run.report.consistency;
      expect(run.report.cache?.writesLost).toBeGreaterThan(0);
      expect(offline.readYourWrites.count).toBeGreaterThan(0);
      expect(offline.monotonicReadsPerKey.count).toBeGreaterThan(0);
      expect(online?.violations).toEqual({
        readYourWrites: offline.readYourWrites.count,
        monotonicReads: offline.monotonicReads.count,
        monotonicReadsPerKey: offline.monotonicReadsPerKey.count,
        monotonicWrites: offline.monotonicWrites.count,
        writesFollowReads: offline.writesFollowReads.count,
      });
      expect(online?.staleReads).toBe(offline.staleness.staleReads);
    });
  }
});
