// The throughput dbsim's server gives a closed loop of N clients, computed exactly
// rather than simulated. Each client spends `clientMs` (think time and round trip:
// an infinite-server delay) then hands the server one transaction of `demandMs`
// core-ms. The server shares its cores among the n transactions in service at
// rate capacity(n) = min(n, c) / (1 + σ(n−1) + κn(n−1)) (DatabaseServer.capacity,
// Gunther's USL applied to processor sharing). With n at the server the chain
// moves n → n+1 at (N−n)/clientMs and n → n−1 at capacity(n)/demandMs: a
// birth–death process whose stationary law is a product (the machine-repairman
// model, Kleinrock 1975, Queueing Systems vol. 1, §3.8). Processor sharing and
// infinite-server delays are insensitive to the service-time distribution beyond
// its mean (BCMP, Baskett et al. 1975), so this mean is the simulator's. The
// product form is solved by the experiment layer's closedOneStation.
import { closedOneStation } from "../experiment/mva/queueing.js";

/**
 * A closed loop's parameters, in dbsim's terms.
 *
 * @remarks Since 0.2.0
 */
export interface ClosedLoopModel {
  /** Server cores (c). */
  readonly cores: number;
  /** Core-ms of server work per transaction at one connection. */
  readonly demandMs: number;
  /** Client-side time per transaction (think time plus round trip, ms). */
  readonly clientMs: number;
  /** USL contention σ. */
  readonly sigma: number;
  /** USL coherency κ. */
  readonly kappa: number;
  /**
   * A page read's wait (ms), when page reads per transaction were measured: a
   * wait that holds no core, added to the client time for each read.
   *
   * @remarks Since 0.2.0
   */
  readonly pageReadMs?: number;
}

/**
 * The server's work rate with `n` transactions in service (core-ms per ms), as
 * DatabaseServer.capacity.
 *
 * @remarks Since 0.2.0
 */
export function closedLoopCapacity(n: number, model: ClosedLoopModel): number {
  const { cores, sigma, kappa } = model;
  return Math.min(n, cores) / (1 + sigma * (n - 1) + kappa * n * (n - 1));
}

/**
 * Transactions per second of `clients` closed-loop clients (exact mean).
 *
 * @param pageReads - page reads per transaction, each a wait of `model.pageReadMs`
 *   that holds no core: with the disk never queueing (parallelism at least the
 *   clients) it is a delay like the client's own, so it adds to the client time (since 0.2.0)
 * @remarks Since 0.2.0
 */
export function closedLoopThroughput(
  clients: number,
  model: ClosedLoopModel,
  pageReads = 0,
): number {
  const station = { demandMs: model.demandMs, rate: (n: number) => closedLoopCapacity(n, model) };
  const delayMs = model.clientMs + pageReads * (model.pageReadMs ?? 0);
  return closedOneStation(Math.round(clients), station, delayMs).throughputPerMs * 1000;
}
