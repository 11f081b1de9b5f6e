// Reproducibility (docs/kernel.md): one master seed; the same program and seed
// give the same run, event for event and draw for draw; each random stream is
// derived from (seed, label), so adding a stream never shifts another's draws;
// any stream can be replaced by a user function returning uniforms in [0, 1).
import { describe, expect, it } from "vitest";
import { Resource, Simulation, type SimulationError } from "../../src/kernel/index.js";

/** FNV-1a (32-bit) over the bytes of a sequence of float64s. */
class TraceHash {
  private hash = 0x811c9dc5;
  private readonly cell = new Float64Array(1);
  private readonly bytes = new Uint8Array(this.cell.buffer);
  count = 0;

  add(x: number): void {
    this.cell[0] = x;
    for (let i = 0; i < 8; i++) {
      this.hash ^= this.bytes[i]!;
      this.hash = Math.imul(this.hash, 0x01000193) >>> 0;
    }
    this.count++;
  }

  get value(): string {
    return this.hash.toString(16).padStart(8, "0");
  }
}

interface Outcome {
  readonly hash: string;
  readonly events: number;
  readonly served: number;
  readonly now: number;
}

/**
 * An M/M/1-like queue: arrivals by callback, customers as processes holding a
 * one-slot Resource, and a periodic monitor callback. Every event (time,
 * priority, sequence) and every random draw go into the hash.
 */
function runQueue(seed: number | string, customers = 1500): Outcome {
  const hash = new TraceHash();
  const sim = new Simulation({
    seed,
    trace: (time, priority, sequence) => {
      hash.add(time);
      hash.add(priority);
      hash.add(sequence);
    },
  });
  const arrivals = sim.rng("arrivals");
  const service = sim.rng("service");
  const server = new Resource(sim, { capacity: 1 });
  const draw = (x: number): number => {
    hash.add(x);
    return x;
  };
  let served = 0;
  let arrived = 0;

  function* customer() {
    const req = yield* server.request();
    yield sim.timeout(draw(service.exponential(1)));
    server.release(req);
    served++;
  }
  const arrive = (): void => {
    sim.process(customer());
    arrived++;
    if (arrived < customers) sim.schedule(draw(arrivals.exponential(1 / 0.9)), arrive);
  };
  const monitor = (): void => {
    hash.add(server.queueLength);
    if (served < customers) sim.schedule(25, monitor, 1);
  };
  sim.schedule(draw(arrivals.exponential(1 / 0.9)), arrive);
  sim.schedule(0, monitor, 1);

  const result = sim.run({ maxEvents: 100_000 });
  expect(result.reason).toBe("empty");
  return { hash: hash.value, events: result.events, served, now: sim.now };
}

describe("a run", () => {
  it("is identical, event for event and draw for draw, with the same seed", () => {
    const first = runQueue(42);
    const second = runQueue(42);

    expect(first.served).toBe(1500);
    // "A few thousand events": each customer is at least a start, a grant and a
    // timeout, plus its arrival callback (a process nobody waits on ends without
    // an event of its own).
    expect(first.events).toBeGreaterThanOrEqual(4 * 1500);
    expect(second).toEqual(first);
  });

  it("differs with another seed", () => {
    const a = runQueue(42);
    const b = runQueue(43);
    const c = runQueue("42-b");

    expect(b.hash).not.toBe(a.hash);
    expect(c.hash).not.toBe(a.hash);
    expect(b.now).not.toBe(a.now);
  });
});

/** The first `n` draws of `label` in a fresh simulation with `seed`. */
function draws(seed: number | string, label: string, n: number): number[] {
  const stream = new Simulation({ seed }).rng(label);
  return Array.from({ length: n }, () => stream.next());
}

describe("random streams", () => {
  it("give uniforms in [0, 1)", () => {
    const values = draws(7, "service", 10_000);

    expect(values.every((u) => u >= 0 && u < 1)).toBe(true);
    // A loose sanity check on the mean (sd of the mean is ~0.003).
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.02);
  });

  it("are the same object for the same label", () => {
    const sim = new Simulation();

    expect(sim.rng("a")).toBe(sim.rng("a"));
    expect(sim.rng("a").label).toBe("a");
  });

  it("depend on both the seed and the label", () => {
    const base = draws(1, "arrivals", 5);

    expect(draws(1, "arrivals", 5)).toEqual(base);
    expect(draws(2, "arrivals", 5)).not.toEqual(base);
    expect(draws(1, "service", 5)).not.toEqual(base);
  });

  it("are unchanged by adding another stream drawn from in between", () => {
    const plain = new Simulation({ seed: 9 });
    const withExtra = new Simulation({ seed: 9 });
    const plainDraws: number[] = [];
    const extraDraws: number[] = [];

    for (let i = 0; i < 200; i++) {
      plainDraws.push(plain.rng("arrivals").next(), plain.rng("service").exponential(3));
    }
    for (let i = 0; i < 200; i++) {
      withExtra.rng("extra").next();
      const a = withExtra.rng("arrivals").next();
      withExtra.rng("extra").normal(0, 1);
      const s = withExtra.rng("service").exponential(3);
      extraDraws.push(a, s);
    }

    expect(extraDraws).toEqual(plainDraws);
  });

  it("do not depend on the order in which streams are created", () => {
    const ab = new Simulation({ seed: "x" });
    const ba = new Simulation({ seed: "x" });
    const bFirst = ba.rng("b").next();
    const aSecond = ba.rng("a").next();

    expect(ab.rng("a").next()).toBe(aSecond);
    expect(ab.rng("b").next()).toBe(bFirst);
  });

  it("work for labels that are names of Object.prototype members", () => {
    const sim = new Simulation({ seed: 3 });

    for (const label of ["constructor", "toString", "valueOf", "hasOwnProperty", "__proto__"]) {
      const u = sim.rng(label).next();
      expect(u).toBeGreaterThanOrEqual(0);
      expect(u).toBeLessThan(1);
      expect(draws(3, label, 1)).toEqual([u]);
    }
  });
});

describe("a replaced stream", () => {
  it("draws from the user function given in the rngs option", () => {
    const sim = new Simulation({ seed: 1, rngs: { service: () => 0.5 } });

    const service = sim.rng("service");

    expect(service.next()).toBe(0.5);
    expect(service.uniform(10, 20)).toBe(15);
    // Inverse transform: -mean * ln(1 - u) = ln 2 for u = 0.5, mean 1.
    expect(service.exponential(1)).toBeCloseTo(Math.LN2, 15);
    expect(sim.rng("arrivals").next()).toBe(draws(1, "arrivals", 1)[0]);
  });

  it("draws from the function given to replace()", () => {
    const sim = new Simulation();
    const stream = sim.rng("arrivals");
    const values = [0.1, 0.2, 0.3];
    let i = 0;

    stream.replace(() => values[i++ % values.length]!);

    expect([stream.next(), stream.next(), stream.next(), stream.next()]).toEqual([
      0.1, 0.2, 0.3, 0.1,
    ]);
  });

  it.each([1, -0.5, 1.5, Number.NaN])("rejects a user function returning %s", (bad) => {
    const sim = new Simulation({ rngs: { service: () => bad } });

    let thrown: unknown;
    try {
      sim.rng("service").next();
    } catch (error) {
      thrown = error;
    }

    expect((thrown as SimulationError).code).toBe("BAD_UNIFORM");
    expect((thrown as SimulationError).message).toContain(String(bad));
    expect((thrown as SimulationError).message).toContain('"service"');
  });

  it("rejects a bad value from replace() too, for every sampler", () => {
    const sim = new Simulation();
    const stream = sim.rng("x");
    stream.replace(() => 1);

    for (const sample of [
      () => stream.exponential(1),
      () => stream.normal(0, 1),
      () => stream.int(10),
    ]) {
      expect(sample).toThrow(/produced 1; expected a number in \[0, 1\)/);
    }
  });
});
