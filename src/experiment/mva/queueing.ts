// Exact solutions of two product-form queueing models, for the analytic
// estimate beside a simulation:
// - a closed, single-class network of one load-dependent station (rate α(j)/D
//   with j present) and a delay Z: the figures exact Mean Value Analysis gives
//   (Reiser & Lavenberg, JACM 27(2), 1980; Lazowska, Zahorjan, Graham & Sevcik,
//   "Quantitative System Performance", 1984, §8.4), computed from the product
//   form itself, which is numerically stable where the MVA recursion is not;
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
 * A closed network of one load-dependent station and a delay, solved from its
 * product-form distribution rather than by MVA's recursion:
 *   p(n) ∝ Z^(N−n)/(N−n)! · D^n / Π_{j=1..n} α(j),
 * summed in logarithms, so it keeps full precision where MVA's 1 − Σ does not
 * (a station nearly always busy: MVA's recursion for a load-dependent station
 * computes p(0 | n) as 1 − Σ, which loses 20 % of X at N = 100 over 64 cores
 * with no think time), and takes O(N) time. Its figures are those exact MVA
 * defines for one station and a delay.
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
  let top = Number.NEGATIVE_INFINITY;
  for (const l of logs) if (l > top) top = l;
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
