/**
 * One scoring job: the candidate, the champion (baseline) and optionally the untrained model on
 * every held-out set of the lineage up to the candidate's batch, assembled into RetentionScored.
 * A plain async function with a progress callback, free of NestJS; the tensor work goes through a
 * ModelScorer, in this thread or in a worker thread. Scores already in the cache are not recomputed,
 * and a model whose every score is cached is not even loaded.
 */
import { createHash } from 'node:crypto';
import { getCheckpoint, getSplitBytes } from '@ratchet/artifacts';
import type { EvalSetScore, RetentionScored } from '@ratchet/contracts';
import { type CheckpointState, loadCheckpoint } from '@ratchet/gpt';
import type { ObjectStore } from '@ratchet/objectstore';
import { scoredTokenCount, type SetScore } from './evaluate-set';
import { inThreadScorer, type ModelScorer } from './model-scorer';
import { type LineRow, retentionNumbers } from './retention-metrics';
import { ScoreCache } from './score-cache';
import type { ModelSpec, ModelToScore } from './score-models.task';

export interface CheckpointRef {
  checkpointId: string;
  /** The prefix CheckpointSaved announced. */
  objectKey: string;
  manifestSha256: string;
}

export interface EvalSetRef {
  batchId: string;
  /** Held-out split object key and sha256, from DataBatchArrived. */
  key: string;
  sha256: string;
  isNew: boolean;
}

export interface ScoringJob {
  lineage: string;
  batchId: string;
  candidate: CheckpointRef;
  /** The lineage's champion when the job runs; null for a lineage's first model. */
  baseline: CheckpointRef | null;
  /** Score the untrained model of the candidate's config with this init seed; null: don't. */
  untrainedSeed: number | null;
  sets: EvalSetRef[];
  /** The champion line's history for BWT and forgetting (championLineRows). */
  line: LineRow[];
}

export type ModelRole = 'candidate' | 'baseline' | 'untrained';

export interface ScoringProgress {
  lineage: string;
  checkpointId: string;
  model: ModelRole;
  /** Batch id of the eval set being scored. */
  set: string;
  /** Tokens scored so far in this job, of `total` (cached scores count as done up front). */
  done: number;
  total: number;
}

export interface ScoringOptions {
  store: ObjectStore;
  cache: ScoreCache;
  maxTokens: number;
  batchSize?: number;
  /** Default: in this thread. */
  scorer?: ModelScorer;
  onProgress?: (p: ScoringProgress) => void;
  signal?: AbortSignal;
}

interface ModelPlan {
  role: ModelRole;
  /** Identifies the model in the cache. */
  id: string;
  spec: () => Promise<ModelSpec>;
}

const checkpointModelId = (ref: CheckpointRef): string => `checkpoint:${ref.checkpointId}@${ref.manifestSha256}`;

async function readState(store: ObjectStore, ref: CheckpointRef): Promise<CheckpointState> {
  return loadCheckpoint(await getCheckpoint(store, ref.objectKey, ref.manifestSha256));
}

/** Scores a candidate; returns the RetentionScored payload. */
export async function scoreCheckpoint(job: ScoringJob, options: ScoringOptions): Promise<RetentionScored> {
  const { store, cache, maxTokens } = options;
  const candidateState = await readState(store, job.candidate);
  const tokens = new Map<string, Uint8Array>();
  for (const set of job.sets) {
    // Only the scored prefix is kept; the rest of the split is never read by the model.
    tokens.set(set.batchId, (await getSplitBytes(store, set.key, set.sha256)).slice(0, maxTokens + 1));
  }

  const weightsOf = (state: CheckpointState): ModelSpec => ({ kind: 'weights', config: state.config, weights: state.weights });
  const plans: ModelPlan[] = [{ role: 'candidate', id: checkpointModelId(job.candidate), spec: async () => weightsOf(candidateState) }];
  if (job.baseline) {
    const ref = job.baseline;
    plans.push({ role: 'baseline', id: checkpointModelId(ref), spec: async () => weightsOf(await readState(store, ref)) });
  }
  if (job.untrainedSeed !== null) {
    const seed = job.untrainedSeed;
    const configHash = createHash('sha256').update(JSON.stringify(candidateState.config)).digest('hex').slice(0, 16);
    plans.push({ role: 'untrained', id: `untrained:${configHash}:${seed}`, spec: async () => ({ kind: 'untrained', config: candidateState.config, seed }) });
  }

  // Scores of this job by role and set: cached ones now, the rest from the scorer.
  const results = new Map<string, SetScore>();
  const models: ModelToScore[] = [];
  let total = 0;
  let cachedTokens = 0;
  for (const plan of plans) {
    const missing: string[] = [];
    for (const set of job.sets) {
      const count = scoredTokenCount(tokens.get(set.batchId)!.length, maxTokens);
      total += count;
      const cached = cache.get(ScoreCache.key(plan.id, set, maxTokens));
      if (cached) {
        results.set(`${plan.role}|${set.batchId}`, cached);
        cachedTokens += count;
      } else missing.push(set.batchId);
    }
    if (missing.length > 0) models.push({ role: plan.role, spec: await plan.spec(), sets: missing });
  }

  if (models.length > 0) {
    const scorer = options.scorer ?? inThreadScorer;
    const scored = await scorer(
      { models, tokens: Object.fromEntries(tokens), maxTokens, batchSize: options.batchSize },
      (p) =>
        options.onProgress?.({
          lineage: job.lineage,
          checkpointId: job.candidate.checkpointId,
          model: p.role as ModelRole,
          set: p.set,
          done: cachedTokens + p.done,
          total,
        }),
      options.signal,
    );
    for (const { role, set, score } of scored) {
      const plan = plans.find((p) => p.role === role)!;
      cache.set(ScoreCache.key(plan.id, job.sets.find((s) => s.batchId === set)!, maxTokens), score);
      results.set(`${role}|${set}`, score);
    }
  }

  const pick = (role: ModelRole, batchId: string): EvalSetScore['candidate'] | null => {
    const score = results.get(`${role}|${batchId}`);
    return score ? { loss: finiteOrNull(score.loss), bpb: finiteOrNull(score.bpb) } : null;
  };
  const sets: EvalSetScore[] = job.sets.map((set) => ({
    batchId: set.batchId,
    isNew: set.isNew,
    tokens: results.get(`candidate|${set.batchId}`)!.tokens,
    candidate: pick('candidate', set.batchId)!,
    baseline: pick('baseline', set.batchId),
    untrained: pick('untrained', set.batchId),
  }));
  return {
    checkpointId: job.candidate.checkpointId,
    baselineId: job.baseline?.checkpointId ?? null,
    batchId: job.batchId,
    sets,
    ...retentionNumbers(sets, job.line),
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
