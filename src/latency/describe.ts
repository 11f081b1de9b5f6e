// Short human descriptions of distribution specs ("uniform 1–5 ms"), for reports,
// the CLI's resolved-parameters banner and diagrams. Each figure is shown in the
// unit that suits its size (ns, µs, ms, s) to four significant digits.
import type { DistributionSpec } from "./distribution-types.js";
import { DEFAULT_LATENCY_TABLE, type LatencyRowName, type LatencyTable } from "./table.js";

interface Unit {
  /** Values below this many ms use this unit. */
  readonly belowMs: number;
  readonly perMs: number;
  readonly name: string;
}

const UNITS: readonly Unit[] = [
  { belowMs: 1e-3, perMs: 1e6, name: "ns" },
  { belowMs: 1, perMs: 1e3, name: "µs" },
  { belowMs: 1e3, perMs: 1, name: "ms" },
  { belowMs: Number.POSITIVE_INFINITY, perMs: 1e-3, name: "s" },
];

const MS: Unit = UNITS[2]!;

function unitFor(largestMs: number): Unit {
  if (largestMs === 0) return MS;
  return UNITS.find((unit) => largestMs < unit.belowMs) ?? MS;
}

function num(x: number): string {
  // toPrecision drops float noise such as 100.00000000000001 from unit scaling.
  return String(Number(x.toPrecision(4)));
}

function duration(ms: number): string {
  const unit = unitFor(ms);
  return `${num(ms * unit.perMs)} ${unit.name}`;
}

/** Two figures in the unit of the larger: "1–5 ms", "5 ± 1 ms". */
function pair(a: number, b: number, separator: string): string {
  const unit = unitFor(Math.max(a, b));
  return `${num(a * unit.perMs)}${separator}${num(b * unit.perMs)} ${unit.name}`;
}

/**
 * A short human description of a spec, such as `"uniform 1–5 ms"`,
 * `"lognormal, median 2 ms, p99 20 ms"` or
 * `"mixture of 90% ramRead (constant 100 ns), 10% constant 2 ms"`. Row names are
 * shown with the distribution they stand for in `table`. Meant for valid specs;
 * it does not validate.
 *
 * @param spec - the distribution
 * @param table - the table row names resolve through
 * @returns one line of text
 * @remarks Since 0.1.0
 */
export function describeDistribution(
  spec: DistributionSpec,
  table: LatencyTable = DEFAULT_LATENCY_TABLE,
): string {
  return describe(spec, table, []);
}

function describe(
  spec: DistributionSpec,
  table: LatencyTable,
  trail: readonly LatencyRowName[],
): string {
  if (typeof spec === "number") return `constant ${duration(spec)}`;
  if (typeof spec === "string") {
    // A row seen already on this path is a loop: name it and stop.
    if (trail.includes(spec)) return spec;
    return `${spec} (${describe(table[spec], table, [...trail, spec])})`;
  }
  switch (spec.kind) {
    case "constant":
      return `constant ${duration(spec.value)}`;
    case "uniform":
      return `uniform ${pair(spec.min, spec.max, "–")}`;
    case "exponential":
      return `exponential, mean ${duration(spec.mean)}`;
    case "normal":
      return `normal ${pair(spec.mean, spec.sd, " ± ")}, truncated at 0`;
    case "lognormal":
      if ("median" in spec) {
        return `lognormal, median ${duration(spec.median)}, p99 ${duration(spec.p99)}`;
      }
      return `lognormal, median ${duration(Math.exp(spec.mu))}, σ ${num(spec.sigma)}`;
    case "pareto":
      return `Pareto, scale ${duration(spec.scale)}, shape ${num(spec.shape)}`;
    case "empirical": {
      let min = Number.POSITIVE_INFINITY;
      let max = Number.NEGATIVE_INFINITY;
      for (const x of spec.samples) {
        min = Math.min(min, x);
        max = Math.max(max, x);
      }
      const count = `${spec.samples.length} sample${spec.samples.length === 1 ? "" : "s"}`;
      return `empirical, ${count}, ${pair(min, max, "–")}`;
    }
    case "mixture": {
      const total = spec.parts.reduce((sum, part) => sum + part.weight, 0);
      const parts = spec.parts.map((part) => {
        const inner = describe(part.dist, table, trail);
        // Parts are comma-separated, so a part whose own text has commas is bracketed.
        return `${num((100 * part.weight) / total)}% ${inner.includes(",") ? `(${inner})` : inner}`;
      });
      return `mixture of ${parts.join(", ")}`;
    }
  }
}
