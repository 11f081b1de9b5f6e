// API composition against theory. A composed request calls k services at once
// and answers when the slowest has (the seed's dashboard: asyncio.gather over
// three services). With answers exponential of rate μ and no queueing, the
// slowest is the maximum of k i.i.d. exponentials, whose mean is H_k/μ,
// H_k = 1 + 1/2 + … + 1/k (Rényi's representation: the maximum is a sum of
// independent exponentials of rates kμ, (k−1)μ, …, μ; David & Nagaraja,
// "Order Statistics", 3rd ed., §2.5). Checked with a 99 % Student-t interval
// over independent replications. With constant answers the composed latency is
// exactly the slowest service's answer.
import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { tInterval } from "../../src/experiment/stats.js";
import { Simulation } from "../../src/kernel/index.js";
import { type Done, Operation, type Service } from "../../src/models/operation.js";
import { EventRelay } from "../../src/models/services/event-relay.js";
import { ServiceRouter } from "../../src/models/services/service-router.js";

/** k services of 100 keys each, every read composed over all of them; `answer(i)` the delay of service i. */
function composer(sim: Simulation, k: number, answer: (i: number, sub: Operation) => number) {
  const targets: Service[] = Array.from({ length: k }, (_, i) => ({
    submit(sub: Operation, done: Done): void {
      sim.schedule(answer(i, sub), () => done(sub));
    },
  }));
  return new ServiceRouter(sim, {
    services: targets.map((target, i) => ({
      share: 1 / k,
      from: i * 100,
      to: (i + 1) * 100,
      cluster: i,
      target,
    })),
    composeShare: 1,
    composed: targets.map((_, i) => i),
    pick: sim.rng("pick"),
    compose: sim.rng("compose"),
  });
}

/** Issues `reads` composed reads 1 s apart (none overlap); returns each one's latency. */
function composedLatencies(sim: Simulation, router: ServiceRouter, reads: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < reads; i++) {
    sim.at(i * 1000, () => {
      const key = router.keyOf(i % 100, i);
      const op = new Operation(i, 0, "read", key, 1, sim.now);
      expect(router.place(op)).toBe(false);
      router.submit(op, (o) => {
        out.push(o.completedAt - o.issuedAt);
        router.completed(o);
      });
    });
  }
  sim.run();
  return out;
}

describe("API composition: the slowest of k exponential answers has mean H_k/μ", () => {
  for (const k of [2, 3, 5]) {
    it(`k = ${k}, mean answer 4 ms: H_k·4 ms lies in the 99 % interval over 10 replications`, () => {
      // Arrange
      const meanMs = 4;
      const harmonic = Array.from({ length: k }, (_, i) => 1 / (i + 1)).reduce((a, b) => a + b);
      // Act
      const means = Array.from({ length: 10 }, (_, r) => {
        const sim = new Simulation({ seed: 100 * k + r });
        const rng = sim.rng("answers");
        const router = composer(sim, k, () => rng.exponential(meanMs));
        const latencies = composedLatencies(sim, router, 1_000);
        return latencies.reduce((a, b) => a + b, 0) / latencies.length;
      });
      // Assert
      const ci = tInterval(means, 0.99);
      expect(ci).not.toBeNull();
      expect(ci?.low).toBeLessThanOrEqual(meanMs * harmonic);
      expect(ci?.high).toBeGreaterThanOrEqual(meanMs * harmonic);
      // The interval is tight enough to tell H_k from H_(k−1) (not vacuous).
      expect(ci?.halfWidth).toBeLessThan(meanMs / k / 2);
    });
  }

  it("constant answers: the composed latency equals the slowest service's answer", () => {
    // Arrange: services answering in 1.5, 7.25 and 3 ms
    const delays = [1.5, 7.25, 3];
    const sim = new Simulation({ seed: 1 });
    const router = composer(sim, 3, (i) => delays[i] as number);
    // Act
    const latencies = composedLatencies(sim, router, 50);
    // Assert
    expect(latencies).toHaveLength(50);
    for (const l of latencies) expect(l).toBe(7.25);
    expect(router.slowestPerService()).toEqual([0, 50, 0]);
    expect(router.composedLatencyMs.count).toBe(50);
  });
});

describe("API composition: a composed request's latency is at least each of its calls'", () => {
  test.prop(
    [
      fc.integer({ min: 2, max: 6 }),
      fc.array(fc.double({ min: 0, max: 50, noNaN: true }), { minLength: 60, maxLength: 60 }),
      fc.integer({ min: 1, max: 40 }),
    ],
    { numRuns: 60 },
  )(
    "for every request, with overlapping requests and arbitrary answer times",
    (k, draws, gapMs) => {
      // Arrange: answer times from the generated list, requests `gapMs` apart so they overlap
      const sim = new Simulation({ seed: 7 });
      let next = 0;
      const parts = new Map<number, number[]>();
      const targets: Service[] = Array.from({ length: k }, () => ({
        submit(sub: Operation, done: Done): void {
          const delay = draws[next++ % draws.length] as number;
          sim.schedule(delay, () => {
            const list = parts.get(sub.id) ?? [];
            list.push(sim.now - sub.issuedAt);
            parts.set(sub.id, list);
            done(sub);
          });
        },
      }));
      const router = new ServiceRouter(sim, {
        services: targets.map((target, i) => ({
          share: 1 / k,
          from: i * 10,
          to: i * 10 + 10,
          cluster: i,
          target,
        })),
        composeShare: 1,
        composed: targets.map((_, i) => i),
        pick: sim.rng("pick"),
        compose: sim.rng("compose"),
      });
      const whole = new Map<number, number>();
      // Act
      for (let i = 0; i < 20; i++) {
        sim.at(i * gapMs, () => {
          const op = new Operation(i, i, "read", router.keyOf(i, i), 1, sim.now);
          router.place(op);
          router.submit(op, (o) => whole.set(o.id, o.completedAt - o.issuedAt));
        });
      }
      sim.run();
      // Assert
      expect(whole.size).toBe(20);
      for (const [id, latency] of whole) {
        const calls = parts.get(id) ?? [];
        expect(calls).toHaveLength(k);
        for (const c of calls) expect(latency).toBeGreaterThanOrEqual(c);
        expect(latency).toBe(Math.max(...calls));
      }
    },
  );
});

describe("API composition: a failed call fails the request at once", () => {
  it("as asyncio.gather does with return_exceptions=False: at the failure's time, not the slowest answer's", () => {
    // Arrange: service 1 fails after 2 ms; services 0 and 2 answer after 5 and 9 ms
    const sim = new Simulation({ seed: 1 });
    const delays = [5, 2, 9];
    const router = composer(sim, 3, (i, sub) => {
      if (i === 1) sub.error = "lock_timeout";
      return delays[i] as number;
    });
    const op = new Operation(0, 0, "read", router.keyOf(0, 0), 1, 0);
    router.place(op);
    const seen: number[] = [];
    // Act
    router.submit(op, (o) => seen.push(o.completedAt));
    sim.run();
    // Assert: answered once, at 2 ms, with the call's error; no latency recorded for it
    expect(seen).toEqual([2]);
    expect(op.error).toBe("lock_timeout");
    expect(router.composedRequests).toBe(1);
    expect(router.composedLatencyMs.count).toBe(0);
  });
});

describe("event-driven replication between services: the consumer's backlog arithmetic", () => {
  // A consumer of w workers taking a ms per event applies μ = w/a events per ms.
  // Events published at λ > μ leave a backlog growing at λ − μ, and the event
  // applied at time t was published at t·μ/λ: its lag grows at 1 − μ/λ seconds
  // per second (the arithmetic of a replica's single apply thread).
  function relayRun(workers: number, perMs: number, applyMs: number, untilMs: number) {
    const sim = new Simulation({ seed: 1 });
    const target: Service = { submit: (op, done) => done(op) };
    const relay = new EventRelay(sim, {
      workers,
      applyMs: () => applyMs,
      rng: sim.rng("apply"),
      target,
      cluster: 1,
      keyOf: (key) => key,
    });
    // One event every 1/λ ms from t = 0 to t < untilMs.
    const gap = 1 / perMs;
    const count = Math.round(untilMs * perMs);
    for (let i = 0; i < count; i++) sim.at(i * gap, () => relay.publish(i));
    sim.run({ until: untilMs });
    return relay;
  }

  it("λ = 0.8/ms against one worker at 2 ms (μ = 0.5/ms): backlog (λ − μ)·T, lag growing at 1 − μ/λ", () => {
    const relay = relayRun(1, 0.8, 2, 10_000);
    expect(relay.published).toBe(8_000);
    // Applies at 2, 4, …, 10 000 ms (the one at 10 000 ms runs as the run stops there).
    expect(Math.abs(relay.applied - 5_000)).toBeLessThanOrEqual(1);
    expect(Math.abs(relay.backlog - (0.8 - 0.5) * 10_000)).toBeLessThanOrEqual(1);
    // The last copy, at ~10 000 ms, was published at ~10 000·μ/λ = 6 250 ms.
    expect(relay.lagMs.max).toBeCloseTo(10_000 * (1 - 0.5 / 0.8), -1);
  });

  it("two workers (μ = 1/ms) keep up with λ = 0.8/ms: no backlog, each lag the processing time", () => {
    const relay = relayRun(2, 0.8, 2, 10_000);
    expect(relay.backlog).toBeLessThanOrEqual(2);
    expect(relay.lagMs.max).toBeCloseTo(2, 6);
  });
});
