// Exact solutions of two product-form queueing models, for the analytic
// estimate beside a simulation:
// - a closed, single-class network of load-dependent stations and a delay, by
//   exact Mean Value Analysis (Reiser & Lavenberg, JACM 27(2), 1980; Lazowska,
//   Zahorjan, Graham & Sevcik, "Quantitative System Performance", 1984, §8.4):
//   station k with j customers serves at rate α_k(j)/D_k, and for n = 1..N
//     R_k(n) = Σ_{j=1..n} (j D_k / α_k(j)) p_k(j−1 | n−1)
//     X(n)   = n / (Z + Σ_k R_k(n))
//     p_k(j | n) = (D_k / α_k(j)) X(n) p_k(j−1 | n−1),  p_k(0 | n) = 1 − Σ_{j≥1};
// - an open M/M/c station (Erlang C), whose mean number in system a processor-
//   sharing station over c cores shares (the number present is the same
//   birth–death chain; by the BCMP theorem only the mean work matters).

/**
 * A load-dependent station: its demand per visit cycle and its rate multiplier.
 *
 * @remarks Since 0.2.0
 */
export interface LoadDependentStation {
  /** Total service demand per cycle (ms of work at rate 1). */
  readonly demandMs: number;
  /** α(j): how many units of work per ms it does with j present (j ≥ 1). */
  readonly rate: (j: number) => number;
}

/**
 * Throughput and residence times of a closed network.
 *
 * @remarks Since 0.2.0
 */
export interface ClosedSolution {
  /** X(N), cycles per ms. */
  readonly throughputPerMs: number;
  /** Mean residence time per cycle at each station (ms), in the order given. */
  readonly residenceMs: readonly number[];
  /** Mean number present at each station. */
  readonly queueLength: readonly number[];
  /** p_k(j | N): the probability of j present at station k, j = 0..N. */
  readonly marginals: readonly (readonly number[])[];
}

/**
 * The largest population {@link closedMva} solves: its time grows as N² (about
 * 1.5 s at this bound on Node 20).
 *
 * @remarks Since 0.2.0
 */
export const MAX_MVA_CUSTOMERS = 10_000;

/**
 * Exact load-dependent MVA for `customers` customers, the stations and a
 * delay of `delayMs` per cycle. O(N² K) time, O(N K) memory.
 *
 * @remarks Since 0.2.0
 */
export function closedMva(
  customers: number,
  stations: readonly LoadDependentStation[],
  delayMs: number,
): ClosedSolution {
  if (!Number.isSafeInteger(customers) || customers < 1 || customers > MAX_MVA_CUSTOMERS) {
    throw new RangeError(
      `customers: expected an integer from 1 to ${MAX_MVA_CUSTOMERS}; got ${customers}`,
    );
  }
  let marginals = stations.map(() => [1]);
  let throughput = 0;
  let residence = stations.map(() => 0);
  for (let n = 1; n <= customers; n++) {
    residence = stations.map((station, k) => {
      const p = marginals[k] as number[];
      let r = 0;
      for (let j = 1; j <= n; j++)
        r += ((j * station.demandMs) / station.rate(j)) * (p[j - 1] as number);
      return r;
    });
    throughput = n / (delayMs + residence.reduce((s, r) => s + r, 0));
    marginals = stations.map((station, k) => {
      const p = marginals[k] as number[];
      const next = new Array<number>(n + 1).fill(0);
      let busy = 0;
      for (let j = 1; j <= n; j++) {
        next[j] = (station.demandMs / station.rate(j)) * throughput * (p[j - 1] as number);
        busy += next[j] as number;
      }
      // Load-dependent MVA loses precision in 1 − Σ when the station is nearly
      // always busy (Lazowska et al. §8.4); clamping keeps it a probability.
      next[0] = Math.max(0, 1 - busy);
      return next;
    });
  }
  return {
    throughputPerMs: throughput,
    residenceMs: residence,
    queueLength: residence.map((r) => r * throughput),
    marginals,
  };
}

/**
 * A closed network of one load-dependent station and a delay, solved from its
 * product-form distribution rather than by MVA's recursion:
 *   p(n) ∝ Z^(N−n)/(N−n)! · D^n / Π_{j=1..n} α(j),
 * summed in logarithms, so it keeps full precision where MVA's 1 − Σ does not
 * (a station nearly always busy), and takes O(N) time. Its figures equal
 * {@link closedMva}'s for one station.
 *
 * @remarks Since 0.2.0
 */
export function closedOneStation(
  customers: number,
  station: LoadDependentStation,
  delayMs: number,
): ClosedSolution {
  if (!Number.isSafeInteger(customers) || customers < 1 || customers > 10_000_000) {
    throw new RangeError(`customers: expected an integer from 1 to 10000000; got ${customers}`);
  }
  const logs = new Array<number>(customers + 1);
  if (delayMs === 0) {
    logs.fill(Number.NEGATIVE_INFINITY);
    logs[customers] = 0;
  } else {
    // log of Z^(N−n)/(N−n)!, built from n = N down; then add n log D − Σ log α(j).
    let atDelay = 0;
    for (let n = customers; n >= 0; n--) {
      logs[n] = atDelay;
      const k = customers - n + 1;
      atDelay += Math.log(delayMs) - Math.log(k);
    }
    let atStation = 0;
    for (let n = 1; n <= customers; n++) {
      atStation += Math.log(station.demandMs) - Math.log(station.rate(n));
      logs[n] = (logs[n] as number) + atStation;
    }
  }
  const top = Math.max(...logs);
  const weights = logs.map((l) => Math.exp(l - top));
  const total = weights.reduce((s, w) => s + w, 0);
  const p = weights.map((w) => w / total);
  let throughput = 0;
  let present = 0;
  p.forEach((pn, n) => {
    if (n > 0) throughput += (pn * station.rate(n)) / station.demandMs;
    present += pn * n;
  });
  return {
    throughputPerMs: throughput,
    residenceMs: [present / throughput],
    queueLength: [present],
    marginals: [p],
  };
}

/**
 * Erlang's C formula: the probability that an arrival to an M/M/c queue with
 * offered load `a` = λ/μ waits (requires a < c).
 *
 * @remarks Since 0.2.0
 */
export function erlangC(servers: number, offeredLoad: number): number {
  // Erlang B by its stable recursion, then C = B / (1 − ρ(1 − B)).
  let b = 1;
  for (let k = 1; k <= servers; k++) b = (offeredLoad * b) / (k + offeredLoad * b);
  const rho = offeredLoad / servers;
  return b / (1 - rho * (1 - b));
}

/**
 * Mean response time of an open M/M/c (or c-core processor-sharing) station:
 * W = C(c, a) · S / (c − a) + S, with a = λS; Infinity when a ≥ c.
 *
 * @remarks Since 0.2.0
 */
export function openResponseMs(servers: number, arrivalsPerMs: number, serviceMs: number): number {
  const a = arrivalsPerMs * serviceMs;
  if (a >= servers) return Number.POSITIVE_INFINITY;
  if (a === 0) return serviceMs;
  return (erlangC(servers, a) * serviceMs) / (servers - a) + serviceMs;
}
