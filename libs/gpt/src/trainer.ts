// One optimisation step: forward/backward over micro-batches, caller-defined extra loss terms,
// global gradient-norm clipping, AdamW with a scheduled learning rate.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, AdamWOptions, AdamWState } from './adamw';
import type { GPT } from './model';
import { Rng, RngState } from './rng';
import type { Batch } from './sampler';
import { lrAt, LrSchedule } from './schedule';
import { natsToBpb } from './tokenizer';

export interface TrainerOptions extends AdamWOptions {
  schedule: LrSchedule;
  /** Clip the global gradient L2 norm to this value; 0 or undefined disables clipping. */
  gradClip?: number;
  /** Seed of the trainer's RNG, kept in checkpoints for callers that sample (replay, dropout-like noise). */
  seed?: number;
}

/** What an extra loss term may use: the student's logits of the current micro-batch and its tensors. */
export interface ExtraLossContext {
  model: GPT;
  inputs: tf.Tensor2D; // (B, T)
  targets: tf.Tensor2D; // (B, T)
  logits: tf.Tensor2D; // (B·T, V)
  microBatch: number;
}

export interface StepOptions {
  /** Added to the LM loss of every micro-batch (e.g. EWC penalty, distillation KL); must depend on model variables. */
  extraLoss?: (ctx: ExtraLossContext) => tf.Scalar;
}

export interface StepResult {
  /** Global step this update was (0-based). */
  step: number;
  /** Mean LM loss over the micro-batches, nats per token (without extra terms). */
  loss: number;
  /** The same LM loss in bits per byte (byte-level tokens: one token is one byte). */
  bpb: number;
  /** Mean extra loss over the micro-batches (0 when none). */
  extraLoss: number;
  /** Global gradient norm before clipping. */
  gradNorm: number;
  lr: number;
}

export interface TrainerState {
  step: number;
  rng: RngState;
  optimizer: AdamWState;
}

export class Trainer {
  readonly optimizer: AdamW;
  readonly rng: Rng;
  /** Number of completed steps (the next step's index). */
  stepCount = 0;
  schedule: LrSchedule;

  constructor(
    readonly model: GPT,
    readonly options: TrainerOptions,
  ) {
    this.optimizer = new AdamW(model.namedVariables(), options);
    this.rng = new Rng(options.seed ?? 0);
    this.schedule = options.schedule;
  }

  /** One optimiser step; an array of batches is accumulated as micro-batches (mean of their losses). */
  step(batch: Batch | Batch[], opts: StepOptions = {}): StepResult {
    const micro = Array.isArray(batch) ? batch : [batch];
    if (micro.length === 0) throw new Error('step needs at least one batch');
    const n = micro.length;
    const lr = lrAt(this.stepCount, this.schedule);
    let accum: Map<string, tf.Tensor> | null = null;
    const lossParts: tf.Scalar[] = [];
    const extraParts: tf.Scalar[] = [];
    for (let i = 0; i < n; i++) {
      const b = micro[i]!;
      const inputs = tf.tensor2d(b.inputs, [b.batchSize, b.seqLen], 'int32');
      const targets = tf.tensor2d(b.targets, [b.batchSize, b.seqLen], 'int32');
      let lm: tf.Scalar | null = null;
      let extra: tf.Scalar | null = null;
      // variableGrads disposes everything made inside the closure except what is kept.
      const { value, grads } = this.model.gradients(() => {
        const { loss, logits } = this.model.lossAndLogits(inputs, targets);
        lm = tf.keep(loss.clone());
        let total: tf.Scalar = loss;
        if (opts.extraLoss) {
          const e = opts.extraLoss({ model: this.model, inputs, targets, logits, microBatch: i });
          extra = tf.keep(e.clone());
          total = tf.add(total, e);
        }
        return n === 1 ? total : tf.div(total, n);
      });
      tf.dispose([value, inputs, targets]);
      if (!lm) throw new Error('unreachable: loss not computed');
      lossParts.push(lm);
      if (extra) extraParts.push(extra);
      if (!accum) accum = grads;
      else {
        for (const [name, g] of grads) {
          const prev = accum.get(name);
          accum.set(name, prev ? tf.add(prev, g) : g);
          if (prev) tf.dispose([prev, g]);
        }
      }
    }
    const grads = accum!;
    const clip = this.options.gradClip ?? 0;
    const normT = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))));
    let scaled = grads;
    if (clip > 0) {
      const scale = tf.tidy(() => tf.minimum(tf.div(clip, tf.add(normT, 1e-6)), 1));
      scaled = new Map([...grads].map(([name, g]) => [name, tf.mul(g, scale)]));
      scale.dispose();
    }
    this.optimizer.apply(scaled, lr);
    // One device→host sync per step for all reported numbers.
    const summary = tf.tidy(() =>
      tf.stack([normT, tf.addN(lossParts).div(n), extraParts.length ? tf.addN(extraParts).div(n) : tf.scalar(0)]),
    );
    const [gradNorm, loss, extraLoss] = summary.dataSync();
    tf.dispose([summary, normT, ...lossParts, ...extraParts, ...grads.values()]);
    if (scaled !== grads) tf.dispose([...scaled.values()]);
    const result: StepResult = { step: this.stepCount, loss: loss!, bpb: natsToBpb(loss!), extraLoss: extraLoss!, gradNorm: gradNorm!, lr };
    this.stepCount += 1;
    return result;
  }

  exportState(): TrainerState {
    return { step: this.stepCount, rng: this.rng.getState(), optimizer: this.optimizer.exportState() };
  }

  importState(state: TrainerState): void {
    this.optimizer.importState(state.optimizer);
    this.rng.setState(state.rng);
    this.stepCount = state.step;
  }

  dispose(): void {
    this.optimizer.dispose();
  }
}
