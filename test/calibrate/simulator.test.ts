// The sections a calibration writes make dbsim's simulator run the closed loop
// the fit computed: the simulated throughput agrees with closedLoopThroughput
// (an exact mean) within the run's sampling error.
import { describe, expect, it } from "vitest";
import { closedLoopThroughput, scenarioSections } from "../../src/calibrate/index.js";
import type { ScenarioInput } from "../../src/index.js";
import { runScenario } from "../../src/index.js";

/** A closed loop of `clients` on the calibrated sections, short and seeded. */
function calibratedScenario(
  sections: ReturnType<typeof scenarioSections>,
  clients: number,
  seed = 1,
): ScenarioInput {
  return {
    seed,
    duration: 3_000,
    warmup: 500,
    workload: {
      clients,
      thinkTime: sections.workload.thinkTime,
      readRatio: 1,
      keys: { count: 1000, popularity: { kind: "uniform" } },
    },
    database: { ...sections.database, connectionSetupTime: 0 },
    client: { ...sections.client, poolSize: clients, connectRoundTrips: 0 },
  };
}

describe("calibrated sections in the simulator", () => {
  const model = { cores: 2, demandMs: 0.2, clientMs: 0.15, sigma: 0.03, kappa: 0.002 };
  const sections = scenarioSections(model, 1);
  for (const clients of [1, 4, 12]) {
    it(`${clients} clients: simulated throughput within 3 % of the closed form`, () => {
      const report = runScenario(calibratedScenario(sections, clients));
      const exact = closedLoopThroughput(clients, model);
      expect(Math.abs(report.throughput.completedPerSec / exact - 1)).toBeLessThan(0.03);
    });
  }

  // Processor sharing is insensitive to the service-time distribution beyond its
  // mean (BCMP, Baskett et al. 1975): a lognormal statement time of σ 1 gives the
  // same throughput as the exponential.
  it("12 clients, a lognormal statement time of σ 1 and the same mean: within 3 % too", () => {
    const lognormal = scenarioSections(model, 1, 1);
    expect(lognormal.database.readTime.kind).toBe("lognormal");
    const report = runScenario(calibratedScenario(lognormal, 12));
    const exact = closedLoopThroughput(12, model);
    expect(Math.abs(report.throughput.completedPerSec / exact - 1)).toBeLessThan(0.03);
  });
});
