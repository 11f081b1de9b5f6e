// The M/M/1 queue (λ = 0.9, μ = 1) written SimPy style: a generator per
// customer on a Resource. Shared by ab.bench.ts (two builds side by side) and
// young-gc.ts (scavenges with a fixed young generation).
type Dbsim = typeof import("../src/index.js");
type Event = InstanceType<Dbsim["SimEvent"]>;

/**
 * Runs `customers` customers through the build `d`; returns the mean wait (9 decimals).
 * `form` is how a customer waits for its request: `yield*` (the typed value, as
 * kernel.bench.ts's `yield*` row) or a plain `yield` (SimPy's idiom, its target row).
 */
export function mm1Processes(
  d: Dbsim,
  customers: number,
  form: "yield*" | "yield" = "yield*",
): string {
  const sim = new d.Simulation({ seed: 42 });
  const ar = sim.rng("arrivals");
  const sr = sim.rng("service");
  const server = new d.Resource(sim, { capacity: 1 });
  let totalWait = 0;
  function* delegated(): Generator<Event, void, unknown> {
    const at = sim.now;
    const req = yield* server.request();
    totalWait += sim.now - at;
    yield sim.timeout(sr.exponential(1));
    server.release(req);
  }
  function* plain(): Generator<Event, void, unknown> {
    const at = sim.now;
    const req = server.request();
    yield req;
    totalWait += sim.now - at;
    yield sim.timeout(sr.exponential(1));
    server.release(req);
  }
  const customer = form === "yield" ? plain : delegated;
  function* source(): Generator<Event, void, unknown> {
    for (let i = 0; i < customers; i++) {
      yield sim.timeout(ar.exponential(1 / 0.9));
      sim.process(customer());
    }
  }
  sim.process(source());
  sim.run();
  return (totalWait / customers).toFixed(9);
}
