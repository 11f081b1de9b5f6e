// Partial results from shards: reading them back from JSON, checking that they
// belong together (one experiment, one dbsim version, one cut, each shard once)
// and merging them into the final result.
import * as z from "zod";
import { VERSION } from "../scenario/version.js";
import { type ExperimentResult, finalizeResult, MergeError, type PartialResult } from "./result.js";
import { ExperimentSchema } from "./schema.js";
import { TransientCheckSchema } from "./transient.js";

const PortableHistogramSchema = z.strictObject({
  count: z.number().int().min(0),
  zeros: z.number().int().min(0),
  min: z.number().min(0),
  max: z.number().min(0),
  buckets: z.array(z.tuple([z.number().int(), z.number().int().min(1)])),
});

const RunRecordSchema = z.strictObject({
  replication: z.number().int().min(0),
  seed: z.number().int().min(0),
  values: z.array(z.number().nullable()),
  histograms: z
    .strictObject({
      "latency.read": PortableHistogramSchema,
      "latency.write": PortableHistogramSchema,
      "latency.all": PortableHistogramSchema,
    })
    .optional(),
});

/**
 * The schema of a partial result file.
 *
 * @remarks Since 0.2.0
 */
export const PartialResultSchema = z.strictObject({
  kind: z.literal("dbsim-experiment-partial"),
  dbsimVersion: z.string(),
  experimentHash: z.string(),
  shard: z.strictObject({ index: z.number().int().min(0), count: z.number().int().min(1) }),
  pointCount: z.number().int().min(1),
  experiment: z.unknown(),
  points: z.array(
    z.strictObject({
      index: z.number().int().min(0),
      parameters: z.record(z.string(), z.unknown()),
      transient: TransientCheckSchema.optional(),
      runs: z.array(RunRecordSchema),
    }),
  ),
});

/**
 * Checks that partial results come from the same experiment, the same dbsim
 * version (this one) and the same cut into shards, with each shard exactly once;
 * throws a {@link MergeError} naming the mismatch.
 *
 * @remarks Since 0.2.0
 */
export function checkPartials(partials: readonly PartialResult[], names?: readonly string[]): void {
  const name = (i: number): string => names?.[i] ?? `partial ${i + 1}`;
  if (partials.length === 0)
    throw new MergeError("nothing to merge: expected at least one partial result");
  const first = partials[0] as PartialResult;
  partials.forEach((p, i) => {
    if (p.dbsimVersion !== VERSION) {
      throw new MergeError(
        `${name(i)} was made by dbsim ${p.dbsimVersion}; this is dbsim ${VERSION}: run every shard and the merge with one version`,
      );
    }
    if (p.experimentHash !== first.experimentHash) {
      throw new MergeError(
        `${name(i)} is of another experiment (hash ${p.experimentHash}) than ${name(0)} (hash ${first.experimentHash})`,
      );
    }
    if (p.shard.count !== first.shard.count) {
      throw new MergeError(
        `${name(i)} is shard ${p.shard.index}/${p.shard.count}, but ${name(0)} is one of ${first.shard.count} shards`,
      );
    }
  });
  const seen = new Map<number, number>();
  partials.forEach((p, i) => {
    const before = seen.get(p.shard.index);
    if (before !== undefined) {
      throw new MergeError(
        `shard ${p.shard.index}/${p.shard.count} appears twice: ${name(before)} and ${name(i)}`,
      );
    }
    seen.set(p.shard.index, i);
  });
  for (let s = 0; s < first.shard.count; s++) {
    if (!seen.has(s)) throw new MergeError(`shard ${s}/${first.shard.count} is missing`);
  }
}

/**
 * Merges partial results into the final result (see {@link checkPartials}).
 *
 * @remarks Since 0.2.0
 */
export function mergePartials(
  partials: readonly PartialResult[],
  names?: readonly string[],
): ExperimentResult {
  checkPartials(partials, names);
  return finalizeResult(partials);
}

/**
 * Reads a partial result from parsed JSON, or throws a {@link MergeError} naming
 * the first problem.
 *
 * @remarks Since 0.2.0
 */
export function parsePartial(value: unknown, name = "partial result"): PartialResult {
  const parsed = PartialResultSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as z.core.$ZodIssue;
    const at = issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    throw new MergeError(
      `${name} is not a partial result of dbsim sweep --shard${at}: ${issue.message}`,
    );
  }
  const experiment = ExperimentSchema.safeParse(parsed.data.experiment);
  if (!experiment.success) {
    throw new MergeError(
      `${name}: its experiment is not valid: ${experiment.error.issues[0]?.message}`,
    );
  }
  return { ...parsed.data, experiment: experiment.data } as PartialResult;
}
