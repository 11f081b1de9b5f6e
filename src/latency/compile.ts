// Compiling a distribution spec into a sampler: a closure models call once per
// cost. All the work that does not depend on the draw (validation, following row
// names, lognormal parameters from quantiles, mixture weights) happens here, once,
// so a draw is a call into the random stream and nothing else: no allocation, no
// branching on the kind.
import type { RandomStream } from "../kernel/index.js";
import type { DistributionSpec } from "./distribution-types.js";
import { followRow, lognormalParameters, parseDistributionSpec } from "./distributions.js";
import { DEFAULT_LATENCY_TABLE, type LatencyRowName, type LatencyTable } from "./table.js";

/**
 * Draws one latency in ms from a random stream.
 *
 * @remarks Since 0.1.0
 */
export type Sampler = (rng: RandomStream) => number;

/**
 * Compiles a spec into a {@link Sampler}. Row names are looked up in `table`
 * (by default the published table's defaults), including rows that name other rows.
 *
 * Draw counts are not part of the contract: a truncated normal, for instance,
 * consumes a varying number of uniforms. Give each component its own stream so
 * that its draws never shift another's.
 *
 * @param spec - the distribution; validated here
 * @param table - the table row names resolve through
 * @returns a sampler of latencies in ms, each ≥ 0
 * @throws {@link LatencyError} `INVALID_DISTRIBUTION` when the spec or a row it
 * reaches is invalid; `ROW_CYCLE` when rows refer to each other in a loop
 * @remarks Since 0.1.0
 */
export function compileDistribution(
  spec: DistributionSpec,
  table: LatencyTable = DEFAULT_LATENCY_TABLE,
): Sampler {
  return build(parseDistributionSpec(spec, "given"), table, []);
}

function constant(value: number): Sampler {
  return () => value;
}

function build(
  spec: DistributionSpec,
  table: LatencyTable,
  trail: readonly LatencyRowName[],
): Sampler {
  if (typeof spec === "number") return constant(spec);
  if (typeof spec === "string") {
    const row = followRow(spec, table, trail);
    return build(row.spec, table, row.trail);
  }
  switch (spec.kind) {
    case "constant":
      return constant(spec.value);
    case "uniform": {
      const { min, max } = spec;
      return min === max ? constant(min) : (rng) => rng.uniform(min, max);
    }
    case "exponential": {
      const { mean } = spec;
      return (rng) => rng.exponential(mean);
    }
    case "normal": {
      const { mean, sd } = spec;
      return sd === 0 ? constant(mean) : (rng) => rng.truncatedNormal(mean, sd, 0);
    }
    case "lognormal": {
      const { mu, sigma } = lognormalParameters(spec);
      if (sigma === 0) return constant("median" in spec ? spec.median : Math.exp(mu));
      return (rng) => rng.lognormal(mu, sigma);
    }
    case "pareto": {
      const { scale, shape } = spec;
      return (rng) => rng.pareto(scale, shape);
    }
    case "empirical": {
      // A private copy: the caller may reuse or mutate its array after compiling.
      const samples = Float64Array.from(spec.samples);
      const n = samples.length;
      return n === 1 ? constant(samples[0]!) : (rng) => samples[rng.int(n)]!;
    }
    case "mixture":
      return mixture(spec.parts, table, trail);
  }
}

function mixture(
  parts: readonly { readonly weight: number; readonly dist: DistributionSpec }[],
  table: LatencyTable,
  trail: readonly LatencyRowName[],
): Sampler {
  // Parts of weight 0 are compiled too, so a bad row behind one still fails now.
  const compiled = parts.map((part) => build(part.dist, table, trail));
  const samplers = compiled.filter((_, i) => parts[i]!.weight > 0);
  const weights = parts.map((part) => part.weight).filter((weight) => weight > 0);
  if (samplers.length === 1) return samplers[0]!;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  const cumulative = new Float64Array(weights.length);
  let running = 0;
  for (let i = 0; i < weights.length; i++) {
    running += weights[i]!;
    cumulative[i] = running / total;
  }
  // The last part takes whatever rounding leaves above the final cumulative weight.
  const last = samplers.length - 1;
  return (rng) => {
    const u = rng.next();
    for (let i = 0; i < last; i++) {
      if (u < cumulative[i]!) return samplers[i]!(rng);
    }
    return samplers[last]!(rng);
  };
}
