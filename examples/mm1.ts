// M/M/1 in ten lines: Poisson arrivals (λ = 0.9 per ms), one server with
// exponential service (μ = 1 per ms). Theory: mean wait in queue ρ/(μ−λ) = 9 ms.
import { Resource, Simulation } from "dbsim";

const sim = new Simulation({ seed: 42 });
const server = new Resource(sim, { capacity: 1 });
const arrivals = sim.rng("arrivals");
const service = sim.rng("service");
let served = 0;
let waited = 0;
function* customer() {
  const arrived = sim.now;
  const req = server.request();
  yield req; // wait for the slot
  waited += sim.now - arrived;
  yield sim.timeout(service.exponential(1));
  server.release(req);
  served++;
}
sim.process(
  (function* () {
    for (let i = 0; i < 200_000; i++) {
      sim.process(customer());
      yield sim.timeout(arrivals.exponential(1 / 0.9));
    }
  })(),
);
sim.run();
console.log(`served ${served}, mean wait ${(waited / served).toFixed(2)} ms (theory 9.00)`);
