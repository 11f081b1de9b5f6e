// The catch-up of a resharding in a scenario: a Vitess keyrange split copies the
// source shard batch by batch, the stream carrying to the new shards every write
// made to a row after its batch's snapshot, and switches once at the end, with
// writes stopped until the new shards have applied every change (Vitess
// SwitchTraffic; vitess website, reference/vreplication/movetables.md `--timeout`).
import { describe, expect, it } from "vitest";
import { runScenario, type ScenarioInput } from "../../src/index.js";
import { componentTables } from "../../src/scenario/tables.js";

const KEYS = 4_000;
const AT = 500;
const ROWS_PER_SEC = 5_000;
const BATCH = 200;

function split(applyMsPerChange: number): ScenarioInput {
  return {
    seed: 11,
    warmup: 200,
    duration: 2_000,
    workload: {
      rate: 1_000,
      readRatio: 0.5,
      keys: { count: KEYS, popularity: { kind: "uniform" } },
    },
    sharding: { strategy: "keyspace", keyranges: ["-80", "80-"] },
    timeline: [
      {
        at: AT,
        kind: "reshard",
        split: "-80",
        into: ["-40", "40-80"],
        rowsPerSec: ROWS_PER_SEC,
        batchRows: BATCH,
        applyMsPerChange,
      },
    ],
  };
}

describe("a keyrange split with writes during the copy", () => {
  const lightReport = runScenario(split(0.05));
  const light = lightReport.sharding?.resharding;
  const heavy = runScenario(split(20)).sharding?.resharding;

  it("carries the writes made after each batch's snapshot: λ_w/K × Σ rows_b × (end − snapshot_b)", () => {
    // Writes arrive as a Poisson stream of λ_w = 1000 × 0.5 per second over K uniform keys;
    // batch b's rows are copied from its snapshot at AT + b·BATCH/ROWS_PER_SEC until writes
    // stop at AT + moved/ROWS_PER_SEC (light copy work: the throttle sets the pace), and
    // each write to one of them in between is a change.
    const moved = light?.keysToMove ?? 0;
    const end = moved / ROWS_PER_SEC;
    let rowSeconds = 0;
    for (let from = 0; from < moved; from += BATCH) {
      rowSeconds += Math.min(BATCH, moved - from) * (end - from / ROWS_PER_SEC);
    }
    const expected = (500 / KEYS) * rowSeconds;
    const changes = light?.caughtUpChanges ?? 0;
    // Poisson: sd = √expected (≈ 15 here); 4 sd.
    expect(Math.abs(changes - expected)).toBeLessThan(4 * Math.sqrt(expected));
  });

  it("an idle target keeps up: the pause is about the cut-over alone", () => {
    expect(light?.writePauseMaxMs).toBeGreaterThanOrEqual(50);
    expect(light?.writePauseMaxMs).toBeLessThan(50 + 10);
  });

  it("a stream slower than the writes falls behind: the pause grows by the backlog's apply time", () => {
    // 20 ms a change: each new shard's stream applies at most 50 a second. Writes stop at
    // AT + copy; by then each stream applied at most copy/20 ms changes, and the busier of
    // the two new shards has at least half the changes; the rest are applied one at a
    // time (on a shard with no other traffic before the switch), then the 50 ms cut-over.
    const changes = heavy?.caughtUpChanges ?? 0;
    const copyMs = ((heavy?.keysToMove ?? 0) / ROWS_PER_SEC) * 1_000;
    const pause = heavy?.writePauseMaxMs ?? 0;
    expect(pause).toBeGreaterThanOrEqual(50 + 20 * (changes / 2) - copyMs - 1e-6);
    expect(pause).toBeLessThanOrEqual(50 + 20 * changes + 10);
    expect(pause).toBeGreaterThan((light?.writePauseMaxMs ?? 0) + 100);
    expect(heavy?.catchUpLagMaxMs).toBeGreaterThan(100);
    expect(heavy?.finishedMs).toBeCloseTo(AT + copyMs + pause, 2);
  });

  it("the text report gives the catch-up's figures on the resharding's line", () => {
    const line = componentTables(lightReport).find((l) => l.startsWith("Resharding")) ?? "";
    expect(line).toContain(`2 → 4 shards: ${light?.keysMoved} of ${light?.keysToMove} keys moved`);
    expect(line).toContain(`${light?.caughtUpChanges} changes caught up`);
    expect(line).toMatch(/longest write pause 5\d(\.\d+)? ms/);
  });
});
