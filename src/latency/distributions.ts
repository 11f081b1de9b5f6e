// Distribution specs: the plain-JSON way a scenario says how a cost varies, and
// the zod schema that validates them. A spec is a bare number of ms (a constant),
// the name of a latency-table row, or an object with a `kind`. Sampling, means and
// descriptions live in compile.ts, mean.ts and describe.ts; this file is the
// contract they and the scenario schema share.
//
// Error messages: a zod union whose every option fails structurally reports only
// "invalid input". The union's error hook therefore re-checks the input against
// the one option its shape calls for (number, row name, or the object's `kind`)
// and reports that option's problems, so each message names the bad value, where
// it is, and what was expected.
import * as z from "zod";
import {
  lnMaxExponential,
  lnMaxLognormal,
  lnMaxNormal,
  lnMaxPareto,
  MAX_DRAW_MS,
  showLnDraw,
  withinDrawLimit,
} from "./bounds.js";
import {
  DISTRIBUTION_KINDS,
  type DistributionKind,
  type DistributionSpec,
  type LognormalDistribution,
  type MixtureDistribution,
} from "./distribution-types.js";
import { LatencyError } from "./errors.js";
import { MAX_NESTING_DEPTH, tooDeepAt } from "./nesting.js";
import { LATENCY_ROW_NAMES, type LatencyRowName, type LatencyTable } from "./table.js";

/** The standard normal's 99th percentile, Φ⁻¹(0.99). */
const Z_99 = 2.3263478740408408;

/** A value as a message shows it: numbers bare (NaN, -3), strings quoted, objects as short JSON. */
function show(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return JSON.stringify(value);
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) return String(value);
  return json.length > 60 ? `${json.slice(0, 57)}...` : json;
}

function notANumber(input: unknown): string {
  return input === undefined
    ? "missing; expected a finite number"
    : `expected a finite number, received ${show(input)}`;
}

function finiteNumber(description: string) {
  return z.number({ error: (iss) => notANumber(iss.input) }).describe(description);
}

function nonNegative(description: string) {
  return z
    .number({ error: (iss) => notANumber(iss.input) })
    .min(0, { error: (iss) => `expected a number ≥ 0, received ${show(iss.input)}` })
    .describe(description);
}

/** A latency in ms that a draw returns as is: ≥ 0 and at most {@link MAX_DRAW_MS}. */
function latencyMs(description: string) {
  return nonNegative(description).max(MAX_DRAW_MS, {
    error: (iss) => `expected at most ${MAX_DRAW_MS} ms, received ${show(iss.input)}`,
  });
}

/**
 * A refinement that refuses parameters whose largest draw (ln of it from `lnMax`)
 * passes {@link MAX_DRAW_MS}, reporting at `path` with what the parameters give.
 */
function drawLimit<T>(lnMax: (value: T) => number, path: string, advice: string) {
  return (value: T, ctx: z.RefinementCtx<T>): void => {
    const ln = lnMax(value);
    if (withinDrawLimit(ln)) return;
    ctx.addIssue({
      code: "custom",
      path: [path],
      input: (value as Record<string, unknown>)[path],
      message:
        `expected parameters whose draws stay within ${MAX_DRAW_MS} ms; ` +
        `these give draws up to ${showLnDraw(ln)}; ${advice}`,
    });
  };
}

function positive(description: string) {
  return z
    .number({ error: (iss) => notANumber(iss.input) })
    .gt(0, { error: (iss) => `expected a number > 0, received ${show(iss.input)}` })
    .describe(description);
}

/** A strict object for one kind, whose unknown-key message lists the keys it takes. */
function kindObject<Kind extends DistributionKind, Shape extends z.core.$ZodShape>(
  kind: Kind,
  shape: Shape,
  expected = ["kind", ...Object.keys(shape)].join(", "),
) {
  return z.strictObject(
    { kind: z.literal(kind).describe(`Distribution kind: "${kind}"`), ...shape },
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown key${iss.keys.length === 1 ? "" : "s"} ${iss.keys.map(show).join(", ")} ` +
            `for kind ${show(kind)}; expected ${expected}`
          : undefined,
    },
  );
}

const ConstantMsSchema = latencyMs("A constant latency in ms");

const RowNameSchema = z
  .enum(LATENCY_ROW_NAMES, {
    error: (iss) =>
      `unknown latency row ${show(iss.input)}; expected one of ${LATENCY_ROW_NAMES.join(", ")}`,
  })
  .describe("The name of a latency-table row: that row's distribution");

const ConstantSchema = kindObject("constant", {
  value: latencyMs("The latency in ms"),
}).describe("A fixed latency");

const UniformSchema = kindObject("uniform", {
  min: latencyMs("The lower bound in ms"),
  max: latencyMs("The upper bound in ms; at least min"),
})
  .superRefine((v, ctx) => {
    if (v.min > v.max) {
      ctx.addIssue({
        code: "custom",
        message: `expected min ≤ max, received min ${show(v.min)} and max ${show(v.max)}`,
      });
    }
  })
  .describe("A latency uniform over [min, max]");

const ExponentialSchema = kindObject("exponential", {
  mean: positive("The mean in ms"),
})
  .superRefine(drawLimit((v) => lnMaxExponential(v.mean), "mean", "lower the mean"))
  .describe("An exponential (memoryless) latency");

const NormalSchema = kindObject("normal", {
  mean: nonNegative("The mean in ms, before truncation at 0"),
  sd: nonNegative("The standard deviation in ms, before truncation at 0"),
})
  .superRefine(drawLimit((v) => lnMaxNormal(v.mean, v.sd), "sd", "lower the mean or the sd"))
  .describe("A normal latency truncated at 0");

const LOGNORMAL_KEYS = "kind, median, p99 (or kind, mu, sigma)";

const LognormalQuantileSchema = kindObject(
  "lognormal",
  {
    median: positive("The median in ms"),
    p99: positive("The 99th percentile in ms; at least the median"),
  },
  LOGNORMAL_KEYS,
)
  .superRefine((v, ctx) => {
    if (v.p99 < v.median) {
      ctx.addIssue({
        code: "custom",
        message: `expected p99 ≥ median, received median ${show(v.median)} and p99 ${show(v.p99)}`,
      });
      return;
    }
    const { mu, sigma } = lognormalParameters(v);
    drawLimit(() => lnMaxLognormal(mu, sigma), "p99", "lower the p99 or the median")(v, ctx);
  })
  .describe("A lognormal latency given by its median and 99th percentile");

const LognormalParameterSchema = kindObject(
  "lognormal",
  {
    mu: finiteNumber("The mean of ln(latency in ms)"),
    sigma: nonNegative("The standard deviation of ln(latency in ms)"),
  },
  LOGNORMAL_KEYS,
)
  .superRefine(drawLimit((v) => lnMaxLognormal(v.mu, v.sigma), "sigma", "lower mu or sigma"))
  .describe("A lognormal latency given by the parameters of ln(latency in ms)");

const ParetoSchema = kindObject("pareto", {
  scale: positive("The minimum latency in ms (x_m)"),
  shape: positive("The tail index (alpha); the mean is infinite when ≤ 1"),
})
  .superRefine(
    drawLimit((v) => lnMaxPareto(v.scale, v.shape), "shape", "raise the shape or lower the scale"),
  )
  .describe("A Pareto (type I) latency with a heavy tail");

const EmpiricalSchema = kindObject("empirical", {
  samples: z
    .array(latencyMs("A measured latency in ms"))
    .min(1, { error: (iss) => `expected at least one sample, received ${show(iss.input)}` })
    // A million samples parse to about 180 MB; past that, give a histogram as a mixture.
    .max(1_000_000, {
      error: (iss) =>
        `expected at most 1000000 samples, received ${Array.isArray(iss.input) ? iss.input.length : show(iss.input)}`,
    })
    .describe("Measured latencies in ms, drawn from uniformly (at most a million)"),
}).describe("A latency drawn uniformly from measured samples");

const MixturePartSchema = z
  .strictObject(
    {
      weight: nonNegative("The part's relative weight"),
      dist: z.lazy(() => DistributionSpecSchema).describe("The part's distribution"),
    },
    {
      error: (iss) =>
        iss.code === "unrecognized_keys"
          ? `unknown key${iss.keys.length === 1 ? "" : "s"} ${iss.keys.map(show).join(", ")} ` +
            "in a mixture part; expected weight, dist"
          : undefined,
    },
  )
  .describe("One component of a mixture");

const MixtureSchema = kindObject("mixture", {
  parts: z
    .array(MixturePartSchema)
    .min(1, { error: (iss) => `expected at least one part, received ${show(iss.input)}` })
    .describe("The components, picked with probability weight / total weight"),
})
  .superRefine((v, ctx) => {
    const total = v.parts.reduce((sum, part) => sum + part.weight, 0);
    if (!(total > 0 && Number.isFinite(total))) {
      // A total that overflows to Infinity turns every weight's share into 0 or NaN.
      ctx.addIssue({
        code: "custom",
        message:
          `expected weights with a ${total > 0 ? "finite" : "positive"} total, received weights ` +
          v.parts.map((part) => show(part.weight)).join(", "),
      });
    }
    // Reported where the limit is first passed on the way in, once per too-deep chain.
    if (mixtureDepth(v) === MAX_MIXTURE_DEPTH + 1) {
      ctx.addIssue({
        code: "custom",
        message: `expected mixtures nested at most ${MAX_MIXTURE_DEPTH} deep (a mixture inside a mixture's part counts one more); this one holds ${MAX_MIXTURE_DEPTH + 1} levels`,
      });
    }
  })
  .describe("A weighted mixture of distributions");

/**
 * How deep mixtures may nest: a mixture is level 1, a mixture in one of its parts
 * level 2, and so on. Sampling, means and descriptions recurse through the levels.
 *
 * @remarks Since 0.2.0
 */
export const MAX_MIXTURE_DEPTH = 8;

/** Levels of mixture in `spec` (1 for a mixture of plain parts), counted without recursion. */
function mixtureDepth(spec: MixtureDistribution): number {
  let deepest = 0;
  const stack: { spec: DistributionSpec; level: number }[] = [{ spec, level: 1 }];
  while (stack.length > 0) {
    const item = stack.pop() as { spec: DistributionSpec; level: number };
    if (typeof item.spec !== "object" || item.spec.kind !== "mixture") continue;
    deepest = Math.max(deepest, item.level);
    for (const part of item.spec.parts) stack.push({ spec: part.dist, level: item.level + 1 });
  }
  return deepest;
}

const SCHEMA_BY_KIND = {
  constant: ConstantSchema,
  uniform: UniformSchema,
  exponential: ExponentialSchema,
  normal: NormalSchema,
  pareto: ParetoSchema,
  empirical: EmpiricalSchema,
  mixture: MixtureSchema,
} as const;

/**
 * The schema of a {@link DistributionSpec}. Rejects negative and non-finite
 * numbers, min > max, p99 < median, empty samples, mixtures without a positive
 * total weight, unknown keys and unknown row names, each with a message naming the
 * value and what was expected.
 *
 * @remarks Since 0.1.0
 */
export const DistributionSpecSchema: z.ZodType<DistributionSpec, DistributionSpec> = z
  .union(
    [
      ConstantMsSchema,
      RowNameSchema,
      ConstantSchema,
      UniformSchema,
      ExponentialSchema,
      NormalSchema,
      LognormalQuantileSchema,
      LognormalParameterSchema,
      ParetoSchema,
      EmpiricalSchema,
      MixtureSchema,
    ],
    {
      error: (iss) =>
        iss.code === "invalid_union" ? formatProblems(specProblems(iss.input, [])) : undefined,
    },
  )
  .describe(
    "A latency distribution in ms: a number (constant), a latency-table row name, " +
      "or an object with a kind",
  );

/**
 * One thing wrong with a spec: where (relative to the value checked) and what.
 *
 * @internal
 */
export interface SpecProblem {
  readonly path: readonly PropertyKey[];
  readonly message: string;
}

/** The option of the union that a value's shape calls for, or the problem if there is none. */
function optionFor(value: unknown): z.ZodType | SpecProblem {
  if (typeof value === "number") return ConstantMsSchema;
  if (typeof value === "string") return RowNameSchema;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return {
      path: [],
      message:
        "expected a latency: a number of ms ≥ 0, a latency row name or a distribution " +
        `object with a kind; received ${show(value)}`,
    };
  }
  const kind: unknown = (value as { kind?: unknown }).kind;
  if (kind === "lognormal") {
    return "mu" in value || "sigma" in value ? LognormalParameterSchema : LognormalQuantileSchema;
  }
  if (typeof kind === "string" && Object.hasOwn(SCHEMA_BY_KIND, kind)) {
    return SCHEMA_BY_KIND[kind as keyof typeof SCHEMA_BY_KIND];
  }
  return {
    path: ["kind"],
    message:
      kind === undefined
        ? `missing distribution kind; expected one of ${DISTRIBUTION_KINDS.join(", ")}`
        : `unknown distribution kind ${show(kind)}; expected one of ${DISTRIBUTION_KINDS.join(", ")}`,
  };
}

function specProblems(value: unknown, at: readonly PropertyKey[]): SpecProblem[] {
  const option = optionFor(value);
  if (!(option instanceof z.ZodType)) return [{ ...option, path: [...at, ...option.path] }];
  const result = option.safeParse(value);
  if (result.success) return [{ path: at, message: `unexpected value ${show(value)}` }];
  return issueProblems(result.error.issues, value, at);
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let here = value;
  for (const key of path) {
    if (typeof here !== "object" || here === null) return undefined;
    here = (here as Record<PropertyKey, unknown>)[key];
  }
  return here;
}

/**
 * Turns zod issues for `input` into problems with full paths. A nested spec whose
 * union collapsed into one "invalid_union" issue is re-checked at its own path, so
 * the problem points at the field inside it.
 *
 * @internal
 */
export function issueProblems(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  at: readonly PropertyKey[] = [],
): SpecProblem[] {
  return issues.flatMap((issue) =>
    issue.code === "invalid_union" && issue.errors.length > 0
      ? specProblems(valueAt(input, issue.path), [...at, ...issue.path])
      : [{ path: [...at, ...issue.path], message: issue.message }],
  );
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    out += typeof key === "number" ? `[${key}]` : out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

/**
 * Problems as one line: `parts[0].dist.min: expected a number ≥ 0, received -1; ...`.
 *
 * @internal
 */
export function formatProblems(problems: readonly SpecProblem[]): string {
  return problems
    .map((p) => (p.path.length === 0 ? p.message : `${formatPath(p.path)}: ${p.message}`))
    .join("; ");
}

/**
 * Validates `value` as a spec, throwing a {@link LatencyError} that says where
 * (`where`, e.g. "in latency row ramRead") and what is wrong.
 *
 * @internal
 */
export function parseDistributionSpec(value: unknown, where: string): DistributionSpec {
  const deep = tooDeepAt(value, MAX_NESTING_DEPTH);
  if (deep !== undefined) {
    throw new LatencyError(
      "INVALID_DISTRIBUTION",
      `Invalid latency distribution ${where}: ${formatPath(deep)}: nested more than ${MAX_NESTING_DEPTH} levels deep`,
    );
  }
  const result = DistributionSpecSchema.safeParse(value);
  if (result.success) return result.data;
  throw new LatencyError(
    "INVALID_DISTRIBUTION",
    `Invalid latency distribution ${where}: ${formatProblems(issueProblems(result.error.issues, value))}`,
  );
}

/**
 * Looks up a row for a walk over specs that has followed the rows in `trail`,
 * failing with `ROW_CYCLE` when the row leads back to one of them.
 *
 * @internal
 */
export function followRow(
  name: LatencyRowName,
  table: LatencyTable,
  trail: readonly LatencyRowName[],
): { spec: DistributionSpec; trail: readonly LatencyRowName[] } {
  const next = [...trail, name];
  if (trail.includes(name)) {
    throw new LatencyError(
      "ROW_CYCLE",
      `Latency rows refer to each other in a loop: ${next.join(" → ")}; ` +
        "give one of them a distribution instead of a row name",
    );
  }
  return { spec: parseDistributionSpec(table[name], `in latency row ${name}`), trail: next };
}

/**
 * The parameters (of ln ms) of a lognormal spec. From quantiles: the median of a
 * lognormal is e^mu, and its p99 is e^(mu + z99·sigma), so mu = ln(median) and
 * sigma = (ln p99 − ln median) / z99.
 *
 * @internal
 */
export function lognormalParameters(spec: LognormalDistribution): { mu: number; sigma: number } {
  if ("mu" in spec) return { mu: spec.mu, sigma: spec.sigma };
  const mu = Math.log(spec.median);
  return { mu, sigma: (Math.log(spec.p99) - mu) / Z_99 };
}
