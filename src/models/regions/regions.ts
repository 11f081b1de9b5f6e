// Where sessions and nodes live when a plan spans regions, and what a trip
// between two regions costs: a round-trip matrix (one sampler per pair, the
// same both ways) and a fixed map from session to region. A session belongs to
// one region for the whole run (sessions 0 … are cut into contiguous blocks by
// each region's share), as a user talks to the application nearest to them.
// Left out: routes that differ per direction, congestion on the link, clients
// that move between regions.
import type { RandomStream } from "../../kernel/index.js";

/**
 * A round trip's cost (ms), drawn from the stream given.
 *
 * @remarks Since 0.2.0
 */
export type RoundTrip = (rng: RandomStream) => number;

/**
 * Settings of a {@link RegionMap}.
 *
 * @remarks Since 0.2.0
 */
export interface RegionMapConfig {
  /** Region names, in the scenario's order. */
  readonly names: readonly string[];
  /** Each region's share of the sessions, in the order of `names`; they sum to 1. */
  readonly shares: readonly number[];
  /** Number of sessions of the workload. */
  readonly sessions: number;
  /** The round trip between regions `a` and `b` (indices; never asked for a = b). */
  readonly roundTrip: (a: number, b: number) => RoundTrip;
  /** The pair's mean round trip (ms), to rank regions by nearness. */
  readonly meanRoundTripMs: (a: number, b: number) => number;
}

const SAME_REGION: RoundTrip = () => 0;

/**
 * Regions, their round trips, and which region each session lives in.
 *
 * @remarks Since 0.2.0
 */
export class RegionMap {
  /** Region names, in the scenario's order. */
  readonly names: readonly string[];
  private readonly sessionRegion: Uint16Array;
  private readonly trips: RoundTrip[][];
  private readonly means: number[][];

  /** @param config - names, shares, sessions and the round-trip matrix */
  constructor(config: RegionMapConfig) {
    const n = config.names.length;
    this.names = config.names;
    this.sessionRegion = new Uint16Array(config.sessions);
    // Contiguous blocks: the cut after region i is round(sessions × its cumulative share).
    let from = 0;
    let cumulative = 0;
    for (let r = 0; r < n; r++) {
      cumulative += config.shares[r] as number;
      const to = r === n - 1 ? config.sessions : Math.round(config.sessions * cumulative);
      this.sessionRegion.fill(r, from, Math.max(from, to));
      from = Math.max(from, to);
    }
    this.trips = [];
    this.means = [];
    for (let a = 0; a < n; a++) {
      const trips: RoundTrip[] = [];
      const means: number[] = [];
      for (let b = 0; b < n; b++) {
        trips.push(a === b ? SAME_REGION : config.roundTrip(a, b));
        means.push(a === b ? 0 : config.meanRoundTripMs(a, b));
      }
      this.trips.push(trips);
      this.means.push(means);
    }
  }

  /** The region (index) session `session` lives in. */
  regionOf(session: number): number {
    return this.sessionRegion[session] as number;
  }

  /** How many sessions live in region `region`. */
  sessionsIn(region: number): number {
    let n = 0;
    for (const r of this.sessionRegion) if (r === region) n++;
    return n;
  }

  /** The round trip between regions `a` and `b` (0 within a region). */
  roundTrip(a: number, b: number): RoundTrip {
    return (this.trips[a] as RoundTrip[])[b] as RoundTrip;
  }

  /** The mean round trip between regions `a` and `b` (ms; 0 within a region). */
  meanRoundTripMs(a: number, b: number): number {
    return (this.means[a] as number[])[b] as number;
  }

  /**
   * The regions in order of nearness to `from` (itself first; ties by the
   * scenario's order, so the order is the same on every run).
   */
  byNearness(from: number): number[] {
    return this.names
      .map((_, r) => r)
      .sort((a, b) => this.meanRoundTripMs(from, a) - this.meanRoundTripMs(from, b) || a - b);
  }
}
