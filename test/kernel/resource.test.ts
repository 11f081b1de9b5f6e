// Resource and PriorityResource (docs/kernel.md): a fixed number of slots, a
// waiting line served first come first served (or by priority, then FIFO),
// release frees a slot or withdraws a waiting request.
import { describe, expect, it } from "vitest";
import {
  PriorityResource,
  type Request,
  Resource,
  Simulation,
  SimulationError,
} from "../../src/kernel/index.js";

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    return error instanceof SimulationError ? error.code : `not a SimulationError: ${error}`;
  }
  return undefined;
}

/** Starts a process that requests `resource` at `arriveAt`, holds it `holdMs`, then releases. */
function customer(
  sim: Simulation,
  resource: Resource,
  name: string,
  arriveAt: number,
  holdMs: number,
  log: string[],
  priority = 0,
): void {
  sim.at(arriveAt, () => {
    sim.process(
      (function* () {
        const req = yield* resource.request(priority);
        log.push(`${name}@${sim.now}`);
        yield sim.timeout(holdMs);
        resource.release(req);
      })(),
    );
  });
}

describe("Resource", () => {
  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])("rejects capacity %s", (capacity) => {
    const sim = new Simulation();

    expect(codeOf(() => new Resource(sim, { capacity }))).toBe("BAD_CAPACITY");
  });

  it("has capacity 1 by default", () => {
    expect(new Resource(new Simulation()).capacity).toBe(1);
  });

  it("grants up to capacity at once and queues the rest", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 2 });

    const a = server.request();
    const b = server.request();
    const c = server.request();
    sim.run();

    expect([a.granted, b.granted, c.granted]).toEqual([true, true, false]);
    expect(server.count).toBe(2);
    expect(server.queueLength).toBe(1);
  });

  it("grants a waiting request when a slot is released, at the release time", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 1 });
    const first = server.request();
    const second = server.request();
    sim.schedule(6, () => server.release(first));

    sim.run();

    expect(second.granted).toBe(true);
    expect(second.requestedAt).toBe(0);
    expect(second.grantedAt).toBe(6);
    expect(server.count).toBe(1);
    expect(server.queueLength).toBe(0);
  });

  it("succeeds a request with the request itself", () => {
    const sim = new Simulation();
    const server = new Resource(sim);
    let granted: Request | undefined;
    const req = server.request();
    sim.process(
      (function* () {
        granted = yield* req;
      })(),
    );

    sim.run();

    expect(granted).toBe(req);
    expect(req.resource).toBe(server);
  });

  it("serves waiters first come, first served", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 1 });
    const log: string[] = [];

    // Arrivals out of name order, each holding 10 ms.
    customer(sim, server, "c", 2, 10, log);
    customer(sim, server, "a", 0, 10, log);
    customer(sim, server, "d", 3, 10, log);
    customer(sim, server, "b", 1, 10, log);
    sim.run();

    expect(log).toEqual(["a@0", "b@10", "c@20", "d@30"]);
  });

  it("serves waiters in request order when they arrive at the same instant", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 2 });
    const log: string[] = [];

    for (const name of ["p", "q", "r", "s", "t"]) customer(sim, server, name, 0, 5, log);
    sim.run();

    expect(log).toEqual(["p@0", "q@0", "r@5", "s@5", "t@10"]);
  });

  it("withdraws a waiting request on release: it is never granted", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 1 });
    const holder = server.request();
    const impatient = server.request();
    const patient = server.request();

    sim.schedule(1, () => server.release(impatient));
    sim.schedule(2, () => server.release(holder));
    sim.run();

    expect(impatient.granted).toBe(false);
    expect(impatient.triggered).toBe(false);
    expect(patient.grantedAt).toBe(2);
    expect(server.count).toBe(1);
    expect(server.queueLength).toBe(0);
  });

  it("reports the shorter line at once after a withdrawal", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 1 });
    server.request();
    const waiting = server.request();
    expect(server.queueLength).toBe(1);

    server.release(waiting);

    expect(server.queueLength).toBe(0);
    expect(server.count).toBe(1);
  });

  it("rejects releasing the same request twice", () => {
    const sim = new Simulation();
    const server = new Resource(sim);
    const req = server.request();
    sim.run();
    server.release(req);

    expect(codeOf(() => server.release(req))).toBe("BAD_RELEASE");
    expect(server.count).toBe(0);
  });

  it("rejects releasing a withdrawn request again", () => {
    const sim = new Simulation();
    const server = new Resource(sim);
    server.request();
    const waiting = server.request();
    server.release(waiting);

    expect(codeOf(() => server.release(waiting))).toBe("BAD_RELEASE");
  });

  it("rejects releasing another resource's request", () => {
    const sim = new Simulation();
    const a = new Resource(sim);
    const b = new Resource(sim);
    const req = a.request();

    expect(codeOf(() => b.release(req))).toBe("BAD_RELEASE");
    expect(a.count).toBe(1);
  });

  it("rejects a non-finite priority", () => {
    const sim = new Simulation();
    const server = new Resource(sim);

    expect(codeOf(() => server.request(Number.NaN))).toBe("BAD_PRIORITY");
  });

  it("ignores priorities: a plain Resource is FIFO", () => {
    const sim = new Simulation();
    const server = new Resource(sim, { capacity: 1 });
    const log: string[] = [];

    customer(sim, server, "holder", 0, 10, log, 0);
    customer(sim, server, "low", 1, 10, log, 5);
    customer(sim, server, "high", 2, 10, log, -5);
    sim.run();

    expect(log).toEqual(["holder@0", "low@10", "high@20"]);
  });
});

describe("PriorityResource", () => {
  it("serves the lowest priority value first, then in request order", () => {
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const log: string[] = [];

    customer(sim, server, "holder", 0, 10, log, 0);
    customer(sim, server, "p3", 1, 1, log, 3);
    customer(sim, server, "p1-first", 2, 1, log, 1);
    customer(sim, server, "p2", 3, 1, log, 2);
    customer(sim, server, "p1-second", 4, 1, log, 1);
    customer(sim, server, "p-1", 5, 1, log, -1);
    sim.run();

    expect(log).toEqual(["holder@0", "p-1@10", "p1-first@11", "p1-second@12", "p2@13", "p3@14"]);
  });

  it("does not preempt a holder for a more urgent request", () => {
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const log: string[] = [];

    customer(sim, server, "background", 0, 10, log, 9);
    customer(sim, server, "urgent", 1, 1, log, -9);
    sim.run();

    expect(log).toEqual(["background@0", "urgent@10"]);
  });

  it("keeps its order when a withdrawal moves a better request up the line", () => {
    // A small case where the request moved into the withdrawn one's place must
    // move towards the front, not the back, of the line.
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const holder = server.request();
    const waiting = [1, 1, 2, 0, 1, -1, -1].map((p) => server.request(p));
    const grantOrder: number[] = [];
    waiting.forEach((req, i) => {
      req.on(() => {
        grantOrder.push(i);
        sim.schedule(1, () => server.release(req));
      });
    });

    for (const i of [1, 5, 6]) server.release(waiting[i]!);
    sim.schedule(1, () => server.release(holder));
    sim.run();

    // Left: #0 (p1), #2 (p2), #3 (p0), #4 (p1); by priority, then request order.
    expect(grantOrder).toEqual([3, 0, 4, 2]);
  });

  it("keeps its order after withdrawing requests from the middle of the line", () => {
    const sim = new Simulation();
    const server = new PriorityResource(sim, { capacity: 1 });
    const holder = server.request();
    const priorities = [5, 3, 8, 1, 9, 2, 7, 4, 6, 0];
    const waiting = priorities.map((p) => server.request(p));
    const withdrawn = new Set([1, 4, 6, 9]); // priorities 3, 9, 7, 0
    const grantOrder: number[] = [];
    for (const req of waiting) req.on(() => grantOrder.push(req.priority));

    for (const i of withdrawn) server.release(waiting[i]!);
    sim.schedule(1, () => server.release(holder));
    for (const req of waiting) req.on(() => sim.schedule(1, () => server.release(req)));
    sim.run();

    expect(grantOrder).toEqual([1, 2, 4, 5, 6, 8]);
    expect(server.queueLength).toBe(0);
  });
});
