// The old primary, back after its crash's `for`, rejoins as a replica of the
// promoted one: Patroni starts it as a standby of the new leader, rewound first
// with use_pg_rewind (Ha._handle_rewind_or_reinitialize, patroni/ha.py), so its
// lost branch is discarded and it streams from the fork on. Under PostgreSQL
// synchronous replication with ANY 2 standbys (synchronous_standby_names), a
// commit on the new primary with one standby left waits until a second one
// acknowledges it (PostgreSQL docs, "synchronous_commit": the wait is
// unbounded), so its writes complete only once the old primary has rejoined.
import { describe, expect, it } from "vitest";
import { runScenarioDetailed, type ScenarioInput } from "../../src/index.js";

const CRASH_MS = 1_000;
const DETECTION_MS = 300;
const FOR_MS = 1_500;
const REWIND_MS = 200;

function plan(mode: "async" | "sync"): ScenarioInput {
  return {
    seed: 9,
    duration: 4_000,
    warmup: 0,
    workload: { rate: 200, readRatio: 0.5, sessions: 20, keys: { count: 100 } },
    database: { cores: 8, maxConnections: 500 },
    client: { poolSize: 100 },
    replication: {
      replicas: 2,
      mode,
      acks: 2,
      network: { kind: "constant", value: 10 },
      applyTime: { kind: "constant", value: 0.1 },
      flushTime: { kind: "constant", value: 0.1 },
    },
    timeline: [
      {
        at: CRASH_MS,
        kind: "primary-crash",
        for: FOR_MS,
        failover: { detection: DETECTION_MS, rewind: REWIND_MS },
      },
    ],
  } as ScenarioInput;
}

describe("failover: the old primary rejoins as a replica", () => {
  it("sync with 2 acks: writes after the failover complete only once the old primary, rewound, acknowledges them", () => {
    const { report, history } = runScenarioDetailed(plan("sync"), { history: true });
    const ops = history?.toArray() ?? [];
    const rewoundMs = CRASH_MS + FOR_MS + REWIND_MS;
    const after = ops.filter(
      (o) => o.ok && o.kind === "write" && o.invokeMs >= CRASH_MS + DETECTION_MS,
    );
    expect(after.length).toBeGreaterThan(50);
    // One round trip (10 ms) after the rewind at the earliest: the old primary receives, flushes, answers.
    expect(Math.min(...after.map((o) => o.completeMs))).toBeGreaterThanOrEqual(rewoundMs + 10);
    const note = report.faults?.events[0]?.note ?? "";
    expect(note).toContain(`rewound at ${rewoundMs} ms`);
    expect(note).toMatch(/caught up at [0-9.]+ ms/);
  });

  it("async: rewound at back + rewind, and caught up (the note says when)", () => {
    const { report } = runScenarioDetailed(plan("async"));
    const fault = report.faults?.events[0];
    expect(fault?.lostWrites).toBeGreaterThanOrEqual(0);
    const caught = /caught up at ([0-9.]+) ms/.exec(fault?.note ?? "");
    expect(Number(caught?.[1])).toBeGreaterThanOrEqual(CRASH_MS + FOR_MS + REWIND_MS);
    expect(Number(caught?.[1])).toBeLessThan(CRASH_MS + FOR_MS + REWIND_MS + 100);
  });

  it("refuses a `for` no longer than the detection (the HA manager would keep it the primary)", () => {
    const input = plan("async");
    const timeline = [
      { at: CRASH_MS, kind: "primary-crash", for: 200, failover: { detection: 300 } },
    ];
    expect(() => runScenarioDetailed({ ...input, timeline } as ScenarioInput)).toThrow(
      /timeline\.0\.for.*longer than failover\.detection \(300 ms\)/s,
    );
  });
});
