// Exact Mean Value Analysis of a closed, single-class, product-form network with one
// load-dependent station and any number of delay (infinite-server) stations, after
// Reiser & Lavenberg, "Mean-Value Analysis of Closed Multichain Queuing Networks"
// (JACM 27(2), 1980) and Lazowska, Zahorjan, Graham & Sevcik, "Quantitative System
// Performance" (1984), ch. 8 §8.4 (load-dependent MVA). The load-dependent station
// here is processor sharing over c cores: with j customers it serves at rate
// α(j)/D, α(j) = min(j, c). For n = 1..N, with p(0 | 0) = 1:
//   R_ld(n) = Σ_{j=1..n} (j D / α(j)) · p(j−1 | n−1)
//   X(n)    = n / (R_ld(n) + Z)            (Z: the delay stations' total demand)
//   p(j | n) = (D / α(j)) · X(n) · p(j−1 | n−1),  j ≥ 1;  p(0 | n) = 1 − Σ_{j≥1} p(j | n).
// By the BCMP theorem (Baskett, Chandy, Muntz & Palacios 1975) the means depend on
// the service-time distributions of PS and IS stations only through their means.

/** The throughput and mean times of a closed network for a population N. */
export interface MvaResult {
  /** X(N), customers per ms. */
  throughputPerMs: number;
  /** Mean residence time at the load-dependent (CPU) station (ms). */
  cpuResidenceMs: number;
}

/**
 * Load-dependent MVA for N customers, a processor-sharing station with `cores`
 * servers and demand `cpuDemandMs`, and delay stations of total demand `delayMs`.
 */
export function mvaProcessorSharing(
  customers: number,
  cores: number,
  cpuDemandMs: number,
  delayMs: number,
): MvaResult {
  const alpha = (j: number): number => Math.min(j, cores);
  let p = [1]; // p(j | n−1), j = 0..n−1
  let throughput = 0;
  let residence = 0;
  for (let n = 1; n <= customers; n++) {
    residence = 0;
    for (let j = 1; j <= n; j++) residence += ((j * cpuDemandMs) / alpha(j)) * (p[j - 1] as number);
    throughput = n / (residence + delayMs);
    const next = new Array<number>(n + 1).fill(0);
    let busy = 0;
    for (let j = 1; j <= n; j++) {
      next[j] = (cpuDemandMs / alpha(j)) * throughput * (p[j - 1] as number);
      busy += next[j] as number;
    }
    next[0] = 1 - busy;
    p = next;
  }
  return { throughputPerMs: throughput, cpuResidenceMs: residence };
}
