// Validation of CQRS projections and event-sourcing replays against the
// backlog arithmetic of a log consumer (the same as a replica's applier; MySQL
// manual, replica_parallel_workers; docs/patterns.md "CQRS"):
// - writes at λ events/s, one applier at μ = 1000/s_apply events/s: after t s,
//   λt events are committed and μt applied, so the backlog grows at λ − μ
//   events/s and the oldest unapplied event committed at μt/λ, so the lag
//   (its age) grows at 1 − μ/λ seconds per second;
// - below μ, the lag stays bounded (with constant times, by one apply time);
// - a replay of N items (events, or a snapshot and the events after it, per
//   stream: the Axon Framework reference, "Event Snapshots") by c appliers, each
//   item read from an idle store (r ms) and applied (a ms), takes N(r + a)/c ms.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { runScenario, runScenarioDetailed, type ScenarioInput } from "../../src/index.js";
import { Simulation } from "../../src/kernel/index.js";
import { Projection } from "../../src/models/cqrs/projection.js";
import { KeyVersions } from "../../src/models/server/key-versions.js";

/** A projection fed one single-row commit every `intervalMs`, from `intervalMs` on, applying each in `applyMs`. */
function fedProjection(intervalMs: number, applyMs: number, commits: number) {
  const sim = new Simulation({ seed: 1 });
  const projection = new Projection(
    sim,
    { name: "p", applyMs: () => applyMs, threads: 1, batch: 1 },
    new KeyVersions(100, null),
  );
  for (let i = 1; i <= commits; i++) {
    sim.at(i * intervalMs, () => projection.commit(i, i % 100, Math.ceil(i / 100), null));
  }
  return { sim, projection };
}

describe("a projection whose consumer is outrun (λ > μ)", () => {
  it("grows its backlog at λ − μ events/s and its lag at 1 − μ/λ s/s, exactly", () => {
    // λ = 1000/s (a commit every 1 ms), μ = 400/s (2.5 ms an event). Event j
    // (committed at j ms) is applied at 1 + 2.5j ms, so at t = 5k + 0.5 ms there
    // are 5k committed, 2k − 1 applied: backlog 3k + 1, the oldest unapplied
    // committed at 2k ms, lag 3k + 0.5 ms.
    const { sim, projection } = fedProjection(1, 2.5, 2000);
    const seen: { t: number; backlog: number; lag: number }[] = [];
    for (const k of [40, 200]) {
      const t = 5 * k + 0.5;
      sim.at(t, () => seen.push({ t, backlog: projection.backlog, lag: projection.lagMs(t) }));
    }
    sim.run({ until: 1001 });
    const [a, b] = seen as [(typeof seen)[0], (typeof seen)[0]];
    const seconds = (b.t - a.t) / 1000;
    expect((b.backlog - a.backlog) / seconds).toBeCloseTo(1000 - 400, 9);
    expect((b.lag - a.lag) / (b.t - a.t)).toBeCloseTo(1 - 400 / 1000, 9);
    expect(b.backlog).toBe(3 * 200 + 1);
    expect(b.lag).toBeCloseTo(3 * 200 + 0.5, 9);
  });

  it("reports the same arithmetic through a scenario: backlog ≈ (λ − μ)T at the end", () => {
    // Open arrivals are Poisson: λT = 3000 writes in 3 s, sd √3000 ≈ 55.
    const report = runScenario(writesAt(1000, 400, 3000));
    const p = report.cqrs?.projections[0];
    expect(p?.backlogEvents.end).toBeGreaterThan(600 * 3 - 4 * 55);
    expect(p?.backlogEvents.end).toBeLessThan(600 * 3 + 4 * 55);
    // The lag's end is t(1 − μ/λ) = 3 s × 0.6 = 1.8 s, within the arrivals' noise.
    expect(p?.lagMs.end).toBeGreaterThan(1800 * 0.9);
    expect(p?.lagMs.end).toBeLessThan(1800 * 1.1);
    expect(p?.lagMs.max).toBeGreaterThanOrEqual(p?.lagMs.end ?? Number.NaN);
  });
});

describe("a projection that keeps up (λ < μ)", () => {
  it("keeps its lag within one apply time, whatever the rates, and its time means are exact (constant times)", () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0.5, max: 5, noNaN: true }),
        fc.double({ min: 0.05, max: 0.95, noNaN: true }),
        (intervalMs, load) => {
          const applyMs = intervalMs * load;
          const { sim, projection } = fedProjection(intervalMs, applyMs, 200);
          sim.run({ until: 201 * intervalMs });
          const f = projection.figures(sim.now);
          expect(f.lagMs.max).toBeLessThanOrEqual(applyMs + 1e-9);
          expect(f.backlogEvents.max).toBe(1);
          // Time means, exact: each of the 200 events is behind for s ms, its lag
          // rising from 0 to s (area s²/2), over 201 intervals.
          const span = 201 * intervalMs;
          expect(f.lagMs.mean).toBeCloseTo((200 * applyMs * applyMs) / 2 / span, 9);
          expect(f.backlogEvents.mean).toBeCloseTo((200 * applyMs) / span, 9);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("a replay rebuilds a projection in items × (read + apply) / appliers", () => {
  it("counts a snapshot and the events after it per stream, and takes that long on an idle store", () => {
    const k = 4;
    const base = writesAt(500, 5000, 1000);
    const run = runScenarioDetailed(
      {
        ...base,
        // Writes for 1 s, then none: the store is idle when the replay starts.
        workload: {
          ...base.workload,
          rate: {
            steps: [
              { at: 0, rate: 500 },
              { at: 1000, rate: 0 },
            ],
          },
        },
        timeline: [{ at: 1500, kind: "projection-replay", projection: "view" }],
        cqrs: {
          projections: [{ name: "view", applyTime: 0.2, threads: 2, serves: 0 }],
          store: "events",
          snapshotEvery: k,
          replayReadTime: 0.1,
        },
        duration: 3000,
      },
      { history: true },
    );
    // Independently of the model: each key's stream holds the writes the history committed.
    const perKey = new Map<number, number>();
    for (const op of run.history?.toArray() ?? []) {
      if (op.kind === "write" && op.ok) perKey.set(op.key, (perKey.get(op.key) ?? 0) + 1);
    }
    let items = 0;
    for (const n of perKey.values()) items += n < k ? n : 1 + (n % k);
    const replay = run.report.cqrs?.projections[0]?.replays[0];
    expect(replay?.items).toBe(items);
    expect(replay?.ms).toBeCloseTo((items * (0.1 + 0.2)) / 2, 2);
  });
});

describe("a replay's effect on live traffic", () => {
  it("holds the live consumer for the replay's time and loads the primary with its reads", () => {
    const base = writesAt(1000, 5000, 3000);
    const cqrs = {
      projections: [{ name: "view", applyTime: 0.2, serves: 0 }],
      store: "events" as const,
      replayReadTime: 0.1,
    };
    const without = runScenario({ ...base, cqrs });
    const replayed = runScenario({
      ...base,
      cqrs,
      timeline: [{ at: 2000, kind: "projection-replay", projection: "view" }],
    });
    const replay = replayed.cqrs?.projections[0]?.replays[0];
    const ms = replay?.ms ?? Number.NaN;
    // The first event committed after the replay starts waits for all of it (the
    // next commit is ~1 ms away at 1000 writes/s); without a replay the consumer keeps up.
    expect(replayed.cqrs?.projections[0]?.lagMs.max).toBeGreaterThan(ms - 20);
    expect(without.cqrs?.projections[0]?.lagMs.max).toBeLessThan(5);
    // Its reads are items × 0.1 core-ms more on the primary's 16 cores over 3 s.
    const busy = (r: typeof without) =>
      r.nodes.find((n) => n.name === "primary")?.utilization ?? Number.NaN;
    const extra = ((replay?.items ?? 0) * 0.1) / (16 * 3000);
    expect(busy(replayed) - busy(without)).toBeGreaterThan(0.8 * extra);
    expect(busy(replayed) - busy(without)).toBeLessThan(1.2 * extra);
  });
});

describe("query reads, as facts of the history", () => {
  it("never return a version newer than the committed one; with command-side RYW, never older than the session's own write", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 200, max: 2000 }),
        (seed, throughput) => {
          const run = runScenarioDetailed(
            {
              seed,
              duration: 1000,
              warmup: 0,
              workload: {
                rate: 1500,
                readRatio: 0.6,
                readOwnWrites: 0.7,
                sessions: 20,
                keys: { count: 50 },
              },
              cqrs: {
                projections: [{ name: "view", throughput, serves: 0.9 }],
                readYourWrites: "command-side",
                readYourWritesWindow: 10_000,
              },
            },
            { history: true },
          );
          const ops = run.history?.toArray() ?? [];
          // The committed versions of each key, from the writes, by commit time.
          const commits = ops.filter((o) => o.kind === "write" && o.ok);
          const ownWrite = new Map<string, { version: number; at: number }[]>();
          for (const w of commits) {
            const id = `${w.session}/${w.key}`;
            ownWrite.set(id, [
              ...(ownWrite.get(id) ?? []),
              { version: w.version, at: w.completeMs },
            ]);
          }
          let queries = 0;
          for (const r of ops) {
            if (r.kind !== "read" || !r.ok) continue;
            if (r.node === "view") queries++;
            const committed = commits.filter(
              (w) => w.key === r.key && w.commitMs <= r.completeMs,
            ).length;
            expect(r.version).toBeLessThanOrEqual(committed);
            const mine = (ownWrite.get(`${r.session}/${r.key}`) ?? []).filter(
              (w) => w.at < r.invokeMs,
            );
            for (const w of mine) expect(r.version).toBeGreaterThanOrEqual(w.version);
          }
          expect(queries).toBeGreaterThan(0);
          expect(run.report.consistency?.violations.readYourWrites).toBe(0);
        },
      ),
      { numRuns: 4 },
    );
  });
});

/** Writes only at `rate`/s to a projection applying `throughput` events/s, cheap on the command side. */
function writesAt(rate: number, throughput: number, duration: number): ScenarioInput {
  return {
    seed: 3,
    duration,
    warmup: 0,
    workload: { rate, readRatio: 0, keys: { count: 200, popularity: { kind: "uniform" } } },
    database: { cores: 16, writeTime: 0.2, connectionSetupTime: 0, maxConnections: 1000 },
    client: { poolSize: 200, roundTrip: 0.5, connectRoundTrips: 0 },
    cqrs: { projections: [{ name: "view", throughput, serves: 0 }] },
  };
}
