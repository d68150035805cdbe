import * as tf from '@tensorflow/tfjs-core';
import {
  BatchSampler,
  ByteTokenizer,
  captureState,
  configFromName,
  GPT,
  initBackend,
  loadCheckpoint,
  modelFromState,
  saveCheckpoint,
  Trainer,
  TrainerOptions,
  trainerStateOf,
} from './index';

const text = 'the quick brown fox jumps over the lazy dog. '.repeat(20);
const tokens = new ByteTokenizer().encode(text);
const trainerOptions: TrainerOptions = {
  schedule: { kind: 'cosine', peakLr: 3e-3, minLr: 3e-4, warmupSteps: 2, totalSteps: 12 },
  gradClip: 1,
  weightDecay: 0.1,
  seed: 5,
};

beforeAll(async () => {
  await initBackend('wasm');
});

function setup(seed = 1): { model: GPT; trainer: Trainer; sampler: BatchSampler } {
  const model = new GPT(configFromName('tiny'), { seed });
  const trainer = new Trainer(model, trainerOptions);
  const sampler = new BatchSampler(tokens, { batchSize: 4, seqLen: 16, seed: 7 });
  return { model, trainer, sampler };
}

function dispose(...xs: { dispose(): void }[]): void {
  for (const x of xs) x.dispose();
}

describe('training', () => {
  it('lowers the loss on a repetitive text and reports lr, grad norm and step', () => {
    const { model, sampler } = setup();
    const schedule = { kind: 'cosine', peakLr: 1e-2, minLr: 1e-3, warmupSteps: 2, totalSteps: 20 } as const;
    const trainer = new Trainer(model, { ...trainerOptions, schedule });
    const results = Array.from({ length: 20 }, () => trainer.step(sampler.next()));
    expect(results[0]!.loss).toBeGreaterThan(5);
    expect(results[19]!.loss).toBeLessThan(results[0]!.loss - 1.5);
    expect(results[19]!.bpb).toBeCloseTo(results[19]!.loss / Math.LN2, 6);
    expect(results.map((r) => r.step)).toEqual([...Array(20).keys()]);
    expect(results[0]!.lr).toBeCloseTo(5e-3);
    expect(results.every((r) => r.gradNorm > 0 && Number.isFinite(r.gradNorm))).toBe(true);
    dispose(trainer, model);
  });

  it('is deterministic for a seed', () => {
    const runs = [0, 1].map(() => {
      const { model, trainer, sampler } = setup(3);
      const losses = Array.from({ length: 3 }, () => trainer.step(sampler.next()).loss);
      dispose(trainer, model);
      return losses;
    });
    expect(runs[0]).toEqual(runs[1]);
  });

  it('accumulates gradients: two micro-batches equal one batch of both', () => {
    const a = setup(4);
    const b = setup(4);
    const big = a.sampler.next();
    const half = (off: number) => ({
      inputs: big.inputs.slice(off * 32, off * 32 + 32),
      targets: big.targets.slice(off * 32, off * 32 + 32),
      batchSize: 2,
      seqLen: 16,
    });
    const r1 = a.trainer.step(big);
    const r2 = b.trainer.step([half(0), half(1)]);
    expect(r2.loss).toBeCloseTo(r1.loss, 5);
    expect(r2.gradNorm).toBeCloseTo(r1.gradNorm, 4);
    const wa = a.model.variable('transformer.h.1.mlp.fc.weight').dataSync();
    const wb = b.model.variable('transformer.h.1.mlp.fc.weight').dataSync();
    for (let i = 0; i < wa.length; i += 7) expect(wb[i]).toBeCloseTo(wa[i]!, 5);
    dispose(a.trainer, a.model, b.trainer, b.model);
  });

  it('adds caller-defined loss terms through the extraLoss hook', () => {
    const { model, trainer, sampler } = setup();
    const anchor = model.variable('lm_head.weight').clone();
    const batch = sampler.next();
    const r = trainer.step(batch, {
      extraLoss: ({ model: m }) => tf.mul(tf.sum(tf.square(tf.sub(m.variable('lm_head.weight'), anchor))), 1e3).add(0.5) as tf.Scalar,
    });
    expect(r.extraLoss).toBeCloseTo(0.5, 5); // penalty is 0 at the anchor, plus the constant
    anchor.dispose();
    dispose(trainer, model);
  });

  it('keeps the tensor count flat across steps and save/load/train cycles', () => {
    const { model, trainer, sampler } = setup();
    trainer.step(sampler.next());
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.step(sampler.next());
    expect(tf.memory().numTensors).toBe(before);
    for (let cycle = 0; cycle < 2; cycle++) {
      const state = loadCheckpoint(saveCheckpoint(captureState({ model, trainer, sampler, tokenizer: new ByteTokenizer().spec() })));
      const m2 = modelFromState(state);
      const t2 = new Trainer(m2, trainerOptions);
      t2.importState(trainerStateOf(state)!);
      t2.step(sampler.next());
      dispose(t2, m2);
      expect(tf.memory().numTensors).toBe(before);
    }
    dispose(trainer, model);
  });
});

describe('exact resume', () => {
  it('N steps in one go equal k steps, save, load into a fresh model, N−k more', () => {
    const N = 6;
    const k = 3;
    const straight = setup(9);
    const lossesA = Array.from({ length: N }, () => straight.trainer.step(straight.sampler.next()).loss);
    const weightsA = straight.model.exportWeights();
    dispose(straight.trainer, straight.model);

    const first = setup(9);
    const lossesB = Array.from({ length: k }, () => first.trainer.step(first.sampler.next()).loss);
    const ckpt = saveCheckpoint(
      captureState({ model: first.model, trainer: first.trainer, sampler: first.sampler, tokenizer: new ByteTokenizer().spec() }),
    );
    dispose(first.trainer, first.model);

    const state = loadCheckpoint(ckpt);
    const model = modelFromState(state);
    const trainer = new Trainer(model, trainerOptions);
    trainer.importState(trainerStateOf(state)!);
    const sampler = new BatchSampler(tokens, { batchSize: 4, seqLen: 16, seed: 12345 }); // seed overwritten by state
    sampler.setState(state.sampler!);
    for (let i = k; i < N; i++) lossesB.push(trainer.step(sampler.next()).loss);

    lossesB.forEach((l, i) => expect(l).toBeCloseTo(lossesA[i]!, 5));
    for (const [name, w] of model.exportWeights()) {
      const a = weightsA.get(name)!.data;
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - w.data[i]!));
      expect(maxDiff).toBeLessThan(1e-6);
    }
    dispose(trainer, model);
  });
});
