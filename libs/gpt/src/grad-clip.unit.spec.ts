// Global gradient-norm clipping in Trainer.step, against an update computed by hand from scaled gradients.
import * as tf from '@tensorflow/tfjs-core';
import {
  AdamW,
  Batch,
  BatchSampler,
  ByteTokenizer,
  configFromName,
  GPT,
  initBackend,
  NamedArrays,
  Trainer,
  TrainerOptions,
} from './index';

const lr = 1e-2;
// A large epsilon makes Adam's first step depend on the gradient's scale (with eps → 0 it is sign(g) · lr).
const base: TrainerOptions = { schedule: { kind: 'constant', lr }, eps: 1e-3, weightDecay: 0.1 };
let batch: Batch;

beforeAll(async () => {
  await initBackend('wasm');
  batch = new BatchSampler(new ByteTokenizer().encode('clip the norm, keep the direction. '.repeat(8)), {
    batchSize: 2,
    seqLen: 16,
    seed: 3,
  }).next();
});

/** Weights after one step of Trainer with the given options, and the step's reported gradient norm. */
function trainerStep(options: Partial<TrainerOptions>): { weights: NamedArrays; gradNorm: number } {
  const model = new GPT(configFromName('tiny'), { seed: 1 });
  const trainer = new Trainer(model, { ...base, ...options });
  const { gradNorm } = trainer.step(batch);
  const weights = model.exportWeights();
  trainer.dispose();
  model.dispose();
  return { weights, gradNorm };
}

/** The same step by hand: LM-loss gradients multiplied by `scale` (or by `scale(norm)`), then one AdamW update. */
function manualStep(scale: (norm: number) => number): { weights: NamedArrays; norm: number } {
  const model = new GPT(configFromName('tiny'), { seed: 1 });
  const x = tf.tensor2d(batch.inputs, [batch.batchSize, batch.seqLen], 'int32');
  const y = tf.tensor2d(batch.targets, [batch.batchSize, batch.seqLen], 'int32');
  const { value, grads } = model.gradients(() => model.loss(x, y));
  let sq = 0;
  for (const g of grads.values()) for (const e of g.dataSync()) sq += e * e;
  const norm = Math.sqrt(sq);
  const s = scale(norm);
  const scaled = new Map([...grads].map(([n, g]) => [n, tf.mul(g, s)]));
  const opt = new AdamW(model.namedVariables(), base);
  opt.apply(scaled, lr);
  const weights = model.exportWeights();
  tf.dispose([value, x, y, ...grads.values(), ...scaled.values()]);
  opt.dispose();
  model.dispose();
  return { weights, norm };
}

function maxDiff(a: NamedArrays, b: NamedArrays): number {
  let d = 0;
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) d = Math.max(d, Math.abs(t.data[i]! - u[i]!));
  }
  return d;
}

describe('gradient clipping', () => {
  it('updates as if the gradients were scaled to the clip norm, and reports the norm before clipping', () => {
    const unscaled = manualStep(() => 1);
    const clip = unscaled.norm / 4;
    const clipped = trainerStep({ gradClip: clip });
    expect(clipped.gradNorm).toBeCloseTo(unscaled.norm, 4);
    const byHand = manualStep((norm) => clip / norm);
    expect(maxDiff(clipped.weights, byHand.weights)).toBeLessThan(1e-6);
    // ...and that is a different update from the unclipped one.
    expect(maxDiff(clipped.weights, unscaled.weights)).toBeGreaterThan(1e-4);
  });

  it('without gradClip, or with a clip above the norm, applies the gradients unscaled', () => {
    const unscaled = manualStep(() => 1);
    for (const gradClip of [undefined, 0, unscaled.norm * 2]) {
      const step = trainerStep({ gradClip });
      expect(step.gradNorm).toBeCloseTo(unscaled.norm, 4);
      expect(maxDiff(step.weights, unscaled.weights)).toBeLessThan(1e-6);
    }
  });
});
