// A delay spike adds its extra to every round trip on the link whose statement
// reaches the far end inside the window (half on the way in, half on the way
// back). With every delay constant, an operation's latency is the sum of its
// statements' round trips and work, so the expected latency of each
// operation is computed here from its issue time alone: no queueing (64
// cores, no server mechanisms) and a connection per operation.
import { describe, expect, it } from "vitest";
import { runScenarioDetailed, type ScenarioInput } from "../../src/index.js";

const ROUND_TRIP = 1;
const READ = 0.5;
const WRITE = 0.25;
const EXTRA = 20;
const SETUP = 1;
const FROM = 600;
const TO = 900;

function scenario(readRatio: number, statements: number): ScenarioInput {
  return {
    seed: 5,
    warmup: 300,
    duration: 1_000,
    latency: { sameDatacenterRoundTrip: ROUND_TRIP },
    database: {
      cores: 64,
      mechanisms: "none",
      readTime: READ,
      writeTime: WRITE,
      connectionSetupTime: SETUP,
    },
    // A connection per operation, set up with no round trip: every operation pays the same set-up.
    client: { connections: "per-request", connectRoundTrips: 0 },
    workload: {
      rate: 200,
      readRatio,
      keys: { count: 1_000 },
      // A transaction has at least two statements (workload.ts): one statement is no transaction.
      transactions: statements > 1 ? { share: 1, statements } : { share: 0 },
    },
    timeline: [{ at: FROM, kind: "delay-spike", for: TO - FROM, extra: EXTRA }],
  };
}

/** The latency of an operation issued at `issued` whose statements each cost `work`. */
function expectedLatency(issued: number, statements: number, work: number): number {
  let t = issued + SETUP;
  for (let i = 0; i < statements; i++) {
    const arrives = t + ROUND_TRIP / 2;
    const extra = arrives >= FROM && arrives < TO ? EXTRA : 0;
    t += ROUND_TRIP + work + extra;
  }
  return t - issued;
}

describe("delay-spike (validation: constant delays)", () => {
  it.each([
    ["reads, one statement each", 1, 1, READ],
    ["write transactions of three statements", 0, 3, WRITE],
  ])("adds the extra to every round trip in the window: %s", (_, readRatio, statements, work) => {
    // Act
    const run = runScenarioDetailed(scenario(readRatio, statements), { history: true });
    // Assert: every operation measured, each at its own expected latency
    const ops = (run.history?.toArray() ?? []).filter((op) => op.invokeMs >= 300 && op.ok);
    const spiked = ops.filter(
      (op) => op.completeMs - op.invokeMs > expectedLatency(-1e9, statements, work),
    );
    expect(ops.length).toBeGreaterThan(150);
    expect(spiked.length).toBeGreaterThan(30);
    for (const op of ops) {
      expect(op.completeMs - op.invokeMs).toBeCloseTo(
        expectedLatency(op.invokeMs, statements, work),
        9,
      );
    }
    const row = run.report.network?.events[0];
    expect(row?.extraMsMean).toBe(EXTRA);
  });

  it("raises the mean latency in the window by exactly the extra per round trip", () => {
    // Arrange: the spike over the whole measured window, against no spike
    const spiked = {
      ...scenario(1, 1),
      timeline: [{ at: 0, kind: "delay-spike", for: 2_000, extra: EXTRA }],
    };
    // Act
    const base = runScenarioDetailed({ ...scenario(1, 1), timeline: [] }).report;
    const slow = runScenarioDetailed(spiked as ScenarioInput).report;
    // Assert
    expect(base.latency.read.mean).toBeCloseTo(SETUP + ROUND_TRIP + READ, 9);
    expect(slow.latency.read.mean).toBeCloseTo(SETUP + ROUND_TRIP + READ + EXTRA, 9);
    expect(base.network).toBeUndefined();
  });
});
