/**
 * One training increment: resume the champion (weights, AdamW moments, step, EWC state, replay
 * index), train on the new batch mixed with replay under the active strategies, and return the
 * candidate checkpoint. A plain async function with a progress callback, so the trainer service
 * can run it in a worker thread (@ratchet/gpt runInWorker); its inputs are structured-clonable.
 *
 * The candidate's EWC state already folds in the Fisher of THIS increment (computed on the new
 * batch at the candidate's weights) and anchors at the candidate: it only takes effect when the
 * candidate is promoted and becomes the next parent, which is "after each promoted increment".
 * A rejected candidate is never a parent, so its state is never used.
 */
import * as tf from '@tensorflow/tfjs-core';
import {
  ByteTokenizer,
  captureState,
  type CheckpointFiles,
  type CheckpointState,
  GPT,
  type GPTConfig,
  loadCheckpoint,
  modelFromState,
  type NamedArrays,
  saveCheckpoint,
  Trainer,
  trainerStateOf,
  type Batch,
  type ExtraLossContext,
  type LrSchedule,
} from '@ratchet/gpt';
import { distillationLoss } from './distillation';
import { disposeTensors, estimateFisher, ewcFromExtraTensors, ewcPenalty, ewcToExtraTensors, l2AnchorPenalty, toTensors, updateEwcState, type EwcState } from './ewc';
import { hash32, SeededRandom } from './random';
import { ReplayReservoir, type ReservoirState } from './replay-reservoir';
import { InvalidSettingsError } from './settings-error';
import { type StrategyConfig, strategyRangeProblems } from './strategy-config';
import { DEFAULT_TRAINING, stepsForBudget, type TrainingConfig } from './training-config';

/** The continual part of a checkpoint's extra JSON blob (kept under the `continual` key). */
export interface ContinualExtra {
  readonly version: 1;
  readonly reservoir: ReservoirState;
  /** Batches this model line has trained on, oldest first (the candidate's own batch last). */
  readonly batches: readonly string[];
  readonly ewcIncrements: number;
  readonly strategy: StrategyConfig;
}

export interface IncrementBatch {
  readonly id: string;
  /** Train-split tokens (bytes for the byte tokenizer). */
  readonly tokens: Uint8Array;
}

export interface IncrementProgress {
  readonly phase: 'train' | 'fisher' | 'save';
  readonly step: number;
  readonly totalSteps: number;
  readonly loss?: number;
  readonly extraLoss?: number;
  readonly lr?: number;
  readonly tokens: number;
}

interface CommonInput {
  readonly batch: IncrementBatch;
  readonly strategy: StrategyConfig;
  readonly training?: Partial<TrainingConfig>;
  readonly onProgress?: (p: IncrementProgress) => void;
  /** Steps between in-increment checkpoints handed to `onCheckpoint` (0 or absent: none). */
  readonly checkpointEvery?: number;
  /** Receives in-increment checkpoints; pass one back as `resumeFrom` to continue after a crash. */
  readonly onCheckpoint?: (partial: CheckpointFiles, step: number) => void;
  /** An in-increment checkpoint of this same increment: training continues exactly where it stopped. */
  readonly resumeFrom?: CheckpointFiles;
}

/** Where an interrupted increment stood, kept in an in-increment checkpoint's extra JSON. */
interface PartialProgress {
  readonly batchId: string;
  readonly step: number;
  readonly startStep: number;
  readonly rng: number;
  readonly losses: number[];
  readonly tokens: number;
  readonly replayRows: number;
}

export interface IncrementInput extends CommonInput {
  /** The champion to resume: checkpoint files or an already loaded state. */
  readonly champion: CheckpointFiles | CheckpointState;
  /** Train tokens of earlier batches by id; replay needs those the champion's reservoir names. */
  readonly replayTokens?: ReadonlyMap<string, Uint8Array>;
}

export interface FirstIncrementInput extends CommonInput {
  readonly config: GPTConfig;
  /** Seed of the initial weights. */
  readonly initSeed?: number;
}

export interface IncrementStats {
  readonly steps: number;
  /** All tokens processed (new + replay). */
  readonly tokens: number;
  readonly replayTokens: number;
  /** Mean LM loss over the last 10% of steps, nats per token. */
  readonly finalLoss: number;
  readonly wallMs: number;
  readonly fisherMs: number;
  /** Tokens of the per-sample Fisher passes (forward + backward, one sequence at a time); 0 without EWC. */
  readonly fisherTokens: number;
  readonly startStep: number;
  /** Steps of this increment that an in-increment checkpoint had done already (0: a fresh run). */
  readonly resumedAtStep: number;
  readonly schedule: LrSchedule;
}

export interface IncrementResult {
  readonly checkpoint: CheckpointFiles;
  readonly stats: IncrementStats;
}

/** Reads the continual blob of a checkpoint state (undefined for a checkpoint made elsewhere). */
export function continualExtraOf(state: CheckpointState): ContinualExtra | undefined {
  const extra = state.extra as { continual?: ContinualExtra } | undefined;
  return extra?.continual;
}

/** Trains a lineage's first model from a config (no champion). */
export async function runFirstIncrement(input: FirstIncrementInput): Promise<IncrementResult> {
  const training = { ...DEFAULT_TRAINING, ...input.training };
  const model = new GPT(input.config, { seed: input.initSeed ?? training.seed });
  return train(model, undefined, new ByteTokenizer().spec(), input, training, undefined, new Map());
}

/** Trains one increment from the champion. */
export async function runIncrement(input: IncrementInput): Promise<IncrementResult> {
  const training = { ...DEFAULT_TRAINING, ...input.training };
  const state = 'manifest' in input.champion ? loadCheckpoint(input.champion) : input.champion;
  const model = modelFromState(state);
  return train(model, state, state.tokenizer, input, training, continualExtraOf(state), input.replayTokens ?? new Map());
}

async function train(
  model: GPT,
  parent: CheckpointState | undefined,
  tokenizer: CheckpointState['tokenizer'],
  input: CommonInput,
  training: TrainingConfig,
  parentExtra: ContinualExtra | undefined,
  replayTokens: ReadonlyMap<string, Uint8Array>,
): Promise<IncrementResult> {
  const { strategy, batch, onProgress } = input;
  const problems = strategyRangeProblems(strategy);
  if (problems.length > 0) throw new InvalidSettingsError('strategy', problems);
  const started = Date.now();
  const T = training.seqLen ?? model.config.block_size;
  const B = training.batchSize;
  if (batch.tokens.length < T + 1) throw new Error(`batch ${batch.id} has ${batch.tokens.length} tokens, fewer than one window of ${T + 1}`);

  const reservoir = parentExtra
    ? ReplayReservoir.fromJSON(parentExtra.reservoir)
    : new ReplayReservoir({ capacity: strategy.replay.capacity, floorPerBatch: strategy.replay.floorPerBatch, chunkTokens: T + 1, seed: training.seed });
  const replayOn = strategy.replay.enabled && reservoir.size > 0 && strategy.replay.ratio > 0;
  if (replayOn) {
    const missing = reservoir.batchIds().filter((id) => !replayTokens.has(id));
    if (missing.length > 0) throw new Error(`replay needs the train tokens of batches ${missing.join(', ')}`);
  }
  const ratio = replayOn ? strategy.replay.ratio : 0;
  const totalSteps = stepsForBudget(training.budget, batch.tokens.length, B, T, ratio);

  const partial = input.resumeFrom ? loadCheckpoint(input.resumeFrom) : undefined;
  const progress = partial ? partialProgressOf(partial, batch.id) : undefined;
  if (partial) model.importWeights(partial.weights);
  const trainer = new Trainer(model, { weightDecay: training.weightDecay, gradClip: training.gradClip, seed: training.seed, schedule: { kind: 'constant', lr: 0 } });
  const resumed = partial ? trainerStateOf(partial) : parent ? trainerStateOf(parent) : undefined;
  if (resumed) trainer.importState(resumed);
  const startStep = progress?.startStep ?? trainer.stepCount;
  const warmupSteps = Math.max(1, Math.round(training.warmupFraction * totalSteps));
  const schedule: LrSchedule = parent
    ? {
        kind: 'rewarm',
        startStep,
        peakLr: training.initialLr * training.incrementLrFactor,
        minLr: training.initialLr * training.incrementLrFactor * training.minLrFactor,
        warmupSteps,
        totalSteps,
      }
    : { kind: 'cosine', peakLr: training.initialLr, minLr: training.initialLr * training.minLrFactor, warmupSteps, totalSteps };
  trainer.schedule = schedule;

  // Penalty state lives on the device for the whole increment.
  const parentEwc = parent && parentExtra ? ewcFromExtraTensors(parent.extraTensors ?? new Map(), parentExtra.ewcIncrements) : undefined;
  const ewcT = strategy.ewc.enabled && parentEwc ? { fisher: toTensors(parentEwc.fisher), anchor: toTensors(parentEwc.anchor) } : undefined;
  const l2T = strategy.l2Anchor.enabled && parent ? toTensors(parent.weights) : undefined;
  // Distillation acts on replayed text only, so without replay rows there is no teacher at all.
  const teacher = strategy.distill.enabled && parent && replayOn ? modelFromState(parent, { trainable: false }) : undefined;

  const rng = new SeededRandom(progress?.rng ?? hash32('increment', training.seed, batch.id, startStep));
  const losses: number[] = [...(progress?.losses ?? [])];
  let tokens = progress?.tokens ?? 0;
  let replayRows = progress?.replayRows ?? 0;
  const checkpointEvery = input.onCheckpoint ? (input.checkpointEvery ?? 0) : 0;
  try {
    for (let s = progress?.step ?? 0; s < totalSteps; s++) {
      // Exact long-run ratio: the replay rows of step s are ⌊(s+1)·B·r⌋ − ⌊s·B·r⌋.
      const nReplay = Math.floor((s + 1) * B * ratio) - Math.floor(s * B * ratio);
      const data = mixBatch(batch.tokens, nReplay, B, T, rng, reservoir, replayTokens);
      replayRows += nReplay;
      // The replayed rows come first; a step without any has no distillation term (no teacher pass).
      const teacherLogits = teacher && nReplay > 0 ? teacherLogitsFor(teacher, data, nReplay) : undefined;
      const extraLoss = penaltyHook(model, strategy, ewcT, l2T, teacherLogits, nReplay, T);
      const r = trainer.step(data, extraLoss ? { extraLoss } : {});
      teacherLogits?.dispose();
      tokens += B * T;
      losses.push(r.loss);
      if (!Number.isFinite(r.loss)) throw new Error(`training diverged at step ${r.step} (loss ${r.loss})`);
      if (onProgress && ((s + 1) % training.progressEvery === 0 || s + 1 === totalSteps)) {
        onProgress({ phase: 'train', step: s + 1, totalSteps, loss: r.loss, extraLoss: r.extraLoss, lr: r.lr, tokens });
      }
      if (checkpointEvery > 0 && (s + 1) % checkpointEvery === 0 && s + 1 < totalSteps) {
        const at: PartialProgress = { batchId: batch.id, step: s + 1, startStep, rng: rng.state32, losses: [...losses], tokens, replayRows };
        input.onCheckpoint!(saveCheckpoint(captureState({ model, tokenizer, trainer, extra: { partial: at } })), s + 1);
      }
      // Yield to the event loop so progress messages and cancellations get through.
      if (s % 8 === 7) await new Promise((resolve) => setImmediate(resolve));
    }
  } finally {
    if (ewcT) {
      disposeTensors(ewcT.fisher);
      disposeTensors(ewcT.anchor);
    }
    if (l2T) disposeTensors(l2T);
    teacher?.dispose();
  }

  // EWC state of the candidate: Fisher on this batch's samples at the candidate's weights.
  const fisherStarted = Date.now();
  let ewc: EwcState | undefined = parentEwc;
  if (strategy.ewc.enabled) {
    onProgress?.({ phase: 'fisher', step: totalSteps, totalSteps, tokens });
    const samples = Array.from({ length: strategy.ewc.fisherSamples }, () => mixBatch(batch.tokens, 0, 1, T, rng, reservoir, replayTokens));
    const fisher = estimateFisher(model, samples, (b) => sampleLoss(model, b));
    ewc = updateEwcState(parentEwc, fisher, model.exportWeights(), strategy.ewc.gamma);
  }
  const fisherMs = Date.now() - fisherStarted;

  reservoir.addBatch(batch.id, batch.tokens.length);
  const extra: ContinualExtra = {
    version: 1,
    reservoir: reservoir.toJSON(),
    batches: [...(parentExtra?.batches ?? []), batch.id],
    ewcIncrements: ewc?.increments ?? 0,
    strategy,
  };
  onProgress?.({ phase: 'save', step: totalSteps, totalSteps, tokens });
  const parentBlob = (parent?.extra ?? {}) as Record<string, unknown>;
  const state = captureState({
    model,
    tokenizer,
    trainer,
    extraTensors: ewc ? (ewcToExtraTensors(ewc) as NamedArrays) : new Map(),
    extra: { ...parentBlob, continual: extra },
  });
  const checkpoint = saveCheckpoint(state);
  trainer.dispose();
  model.dispose();
  const tail = losses.slice(-Math.max(1, Math.round(losses.length / 10)));
  return {
    checkpoint,
    stats: {
      steps: totalSteps,
      tokens,
      replayTokens: replayRows * T,
      finalLoss: tail.reduce((a, b) => a + b, 0) / tail.length,
      wallMs: Date.now() - started,
      fisherMs,
      fisherTokens: strategy.ewc.enabled ? strategy.ewc.fisherSamples * T : 0,
      startStep,
      resumedAtStep: progress?.step ?? 0,
      schedule,
    },
  };
}

function partialProgressOf(partial: CheckpointState, batchId: string): PartialProgress {
  const progress = (partial.extra as { partial?: PartialProgress } | undefined)?.partial;
  if (!progress) throw new Error('resumeFrom is not an in-increment checkpoint (it has no partial progress)');
  if (progress.batchId !== batchId) throw new Error(`resumeFrom belongs to batch ${progress.batchId}, not ${batchId}`);
  return progress;
}

/** B rows of T+1 tokens: the first nReplay from the reservoir, the rest from the new batch. */
function mixBatch(
  fresh: Uint8Array,
  nReplay: number,
  B: number,
  T: number,
  rng: SeededRandom,
  reservoir: ReplayReservoir,
  replayTokens: ReadonlyMap<string, Uint8Array>,
): Batch {
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    let src = fresh;
    let start: number;
    if (b < nReplay) {
      const w = reservoir.sample(rng, T + 1);
      src = replayTokens.get(w.batchId)!;
      start = Math.min(w.start, src.length - T - 1);
    } else {
      start = rng.int(fresh.length - T);
    }
    for (let t = 0; t < T; t++) {
      inputs[b * T + t] = src[start + t];
      targets[b * T + t] = src[start + t + 1];
    }
  }
  return { inputs, targets, batchSize: B, seqLen: T };
}

function sampleLoss(model: GPT, b: Batch): tf.Scalar {
  const inputs = tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32');
  const targets = tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32');
  const loss = model.loss(inputs, targets);
  tf.dispose([inputs, targets]);
  return loss;
}

/** Teacher logits (rows·T, V) of the first `rows` sequences, computed outside any gradient tape. */
function teacherLogitsFor(teacher: GPT, data: Batch, rows: number): tf.Tensor2D {
  return tf.tidy(() => {
    const T = data.seqLen;
    const inputs = tf.tensor2d(data.inputs.subarray(0, rows * T), [rows, T], 'int32');
    const logits = teacher.logits(inputs);
    return tf.reshape(logits, [rows * T, logits.shape[2]]) as tf.Tensor2D;
  });
}

/** The strategies' extra loss for one step, or undefined when none is active. */
function penaltyHook(
  model: GPT,
  strategy: StrategyConfig,
  ewcT: { fisher: Map<string, tf.Tensor>; anchor: Map<string, tf.Tensor> } | undefined,
  l2T: Map<string, tf.Tensor> | undefined,
  teacherLogits: tf.Tensor2D | undefined,
  distillRows: number,
  T: number,
): ((ctx: ExtraLossContext) => tf.Scalar) | undefined {
  if (!ewcT && !l2T && !teacherLogits) return undefined;
  return (ctx) => {
    const params = model.namedVariables() as Map<string, tf.Tensor>;
    const terms: tf.Scalar[] = [];
    if (ewcT) terms.push(ewcPenalty(params, ewcT.fisher, ewcT.anchor, strategy.ewc.lambda));
    if (l2T) terms.push(l2AnchorPenalty(params, l2T, strategy.l2Anchor.alpha));
    if (teacherLogits) {
      const student = tf.slice(ctx.logits, [0, 0], [distillRows * T, ctx.logits.shape[1]]);
      terms.push(tf.mul(distillationLoss(student, teacherLogits, strategy.distill.temperature), strategy.distill.weight) as tf.Scalar);
    }
    return terms.length === 1 ? terms[0] : (tf.addN(terms) as tf.Scalar);
  };
}
