// Payload schemas of every event in DESIGN.md ("Events"). Past-tense names, plain data.
import { z } from 'zod';
import { BatchLabelSchema } from './records';

const id = z.string().min(1).max(200);
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex sha256');
const count = z.number().int().nonnegative();
const finiteOrNaN = z.number(); // NaN/Inf travel as null in JSON; guard decisions look at them explicitly
const score = z.object({ loss: finiteOrNaN.nullable(), bpb: finiteOrNaN.nullable() });

export const SplitObject = z.object({
  key: z.string().min(1),
  sha256,
  records: count,
  bytes: count,
});

export const LineageConfigured = z.object({
  lineage: id,
  preset: z.string().min(1),
  modelOverrides: z.record(z.string(), z.unknown()).default({}),
  strategy: z.record(z.string(), z.unknown()).default({}),
  training: z.record(z.string(), z.unknown()).default({}),
  policy: z.record(z.string(), z.unknown()).default({}),
});

export const DataBatchArrived = z.object({
  batchId: id,
  lineage: id,
  records: count,
  bytes: count,
  rejected: count.default(0),
  contentSha256: sha256,
  train: SplitObject,
  heldOut: SplitObject,
  source: z.string().default('unknown'),
  /** Where the batch's rejected records went (an object with their reasons, or the dead-letter topic), when any were. */
  rejectedTo: z.string().min(1).optional(),
  /** What people call the batch (its folder, the `label` of an upload or seal message); the id stays content-derived. */
  label: BatchLabelSchema.optional(),
});

export const RecordRejection = z.object({
  position: count,
  field: z.string(),
  reason: z.string(),
});

export const BatchRejected = z.object({
  batchId: id,
  lineage: id,
  reasons: z.array(RecordRejection),
  rejectedTo: z.string().describe('dead-letter topic or object key the rejected records went to'),
  /** What people call the batch, as for DataBatchArrived. */
  label: BatchLabelSchema.optional(),
});

export const IncrementStarted = z.object({
  batchId: id,
  checkpointId: id,
  parentId: id.nullable(),
  strategy: z.record(z.string(), z.unknown()),
  lrSchedule: z.record(z.string(), z.unknown()),
});

export const CheckpointSaved = z.object({
  checkpointId: id,
  parentId: id.nullable(),
  batchId: id,
  objectKey: z.string().min(1),
  manifestSha256: sha256,
  steps: count,
  tokens: count,
  trainLoss: finiteOrNaN.nullable(),
  wallTimeMs: count,
  backend: z.string().default('unknown'),
});

export const TrainingFailed = z.object({
  batchId: id,
  parentId: id.nullable(),
  reason: z.enum(['diverged', 'invalid-data', 'error']),
  message: z.string(),
  retryable: z.boolean(),
});

export const EvalSetScore = z.object({
  batchId: id,
  isNew: z.boolean(),
  tokens: count,
  candidate: score,
  baseline: score.nullable(),
  untrained: score.nullable().default(null),
});

export const RetentionScored = z.object({
  checkpointId: id,
  baselineId: id.nullable(),
  batchId: id,
  sets: z.array(EvalSetScore).min(1),
  retention: finiteOrNaN.nullable(),
  plasticity: finiteOrNaN.nullable(),
  bwt: finiteOrNaN.nullable(),
  forgetting: finiteOrNaN.nullable(),
});

/**
 * The evaluator gave up on a checkpoint: every attempt to score it failed (a missing or corrupt
 * held-out object, a checkpoint that fails its checksum, ...). The registry rejects the candidate,
 * so the batch settles and the lineage moves on.
 */
export const ScoringFailed = z.object({
  checkpointId: id,
  batchId: id,
  /** The champion the candidate was to be compared with; null for a lineage's first model. */
  baselineId: id.nullable(),
  message: z.string(),
  attempts: z.number().int().positive(),
});

export const RuleOutcome = z.object({
  rule: z.string(),
  passed: z.boolean(),
  value: finiteOrNaN.nullable(),
  threshold: finiteOrNaN.nullable(),
  evalSet: z.string().optional(),
  /** Why the rule failed, when numbers do not say it (e.g. the error that kept a candidate from being scored). */
  message: z.string().optional(),
});

export const ModelPromoted = z.object({
  checkpointId: id,
  previousId: id.nullable(),
  policy: z.record(z.string(), z.unknown()),
  rules: z.array(RuleOutcome),
});

export const PromotionRejected = z.object({
  checkpointId: id,
  championId: id.nullable(),
  policy: z.record(z.string(), z.unknown()),
  rules: z.array(RuleOutcome),
});

export const ChampionRolledBack = z.object({
  from: id,
  to: id,
  by: z.string().min(1),
  reason: z.string().min(1),
});
