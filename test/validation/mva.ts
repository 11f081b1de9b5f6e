// Exact Mean Value Analysis of a closed, single-class, product-form network of
// load-dependent stations and delay (infinite-server) stations, after Reiser &
// Lavenberg, "Mean-Value Analysis of Closed Multichain Queuing Networks" (JACM
// 27(2), 1980) and Lazowska, Zahorjan, Graham & Sevcik, "Quantitative System
// Performance" (1984), ch. 8 §8.4 (load-dependent MVA). Station k with j customers
// serves at rate α_k(j)/D_k; for c servers (processor sharing over c cores, or FCFS
// with c slots and exponential service) α(j) = min(j, c). For n = 1..N, with
// p_k(0 | 0) = 1:
//   R_k(n)    = Σ_{j=1..n} (j D_k / α_k(j)) · p_k(j−1 | n−1)
//   X(n)      = n / (Z + Σ_k R_k(n))            (Z: the delay stations' total demand)
//   p_k(j | n) = (D_k / α_k(j)) · X(n) · p_k(j−1 | n−1),  j ≥ 1;  p_k(0 | n) = 1 − Σ_{j≥1}.
// By the BCMP theorem (Baskett, Chandy, Muntz & Palacios 1975) the means depend on
// the service-time distributions of PS and IS stations only through their means;
// FCFS stations need exponential service.

/** A station with `servers` servers and total demand `demandMs` per cycle. */
export interface MvaStation {
  readonly demandMs: number;
  readonly servers: number;
}

/** The throughput and mean residence times of a closed network for a population N. */
export interface MvaResult {
  /** X(N), customers per ms. */
  throughputPerMs: number;
  /** Mean residence time per cycle at each station, in the order given (ms). */
  residenceMs: number[];
}

/** Load-dependent MVA for N customers over `stations` and delay stations of total demand `delayMs`. */
export function mvaLoadDependent(
  customers: number,
  stations: readonly MvaStation[],
  delayMs: number,
): MvaResult {
  let marginals = stations.map(() => [1]); // p_k(j | n−1), j = 0..n−1
  let throughput = 0;
  let residence = stations.map(() => 0);
  for (let n = 1; n <= customers; n++) {
    residence = stations.map((station, k) => {
      const p = marginals[k] as number[];
      let r = 0;
      for (let j = 1; j <= n; j++) {
        r += ((j * station.demandMs) / Math.min(j, station.servers)) * (p[j - 1] as number);
      }
      return r;
    });
    throughput = n / (delayMs + residence.reduce((s, r) => s + r, 0));
    marginals = stations.map((station, k) => {
      const p = marginals[k] as number[];
      const next = new Array<number>(n + 1).fill(0);
      let busy = 0;
      for (let j = 1; j <= n; j++) {
        next[j] =
          (station.demandMs / Math.min(j, station.servers)) * throughput * (p[j - 1] as number);
        busy += next[j] as number;
      }
      next[0] = 1 - busy;
      return next;
    });
  }
  return { throughputPerMs: throughput, residenceMs: residence };
}
