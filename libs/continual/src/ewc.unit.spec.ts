import * as tf from '@tensorflow/tfjs-core';
// @ratchet/gpt registers the cpu backend and the op gradients.
import { initBackend } from '@ratchet/gpt';
import { distillationLoss } from './distillation';
import {
  accumulateFisher,
  estimateFisher,
  ewcFromExtraTensors,
  ewcPenalty,
  ewcToExtraTensors,
  type HostArrays,
  l2AnchorPenalty,
  normalizeFisher,
  updateEwcState,
} from './ewc';

beforeAll(async () => {
  await initBackend('cpu');
});

const host = (entries: Record<string, number[]>): HostArrays =>
  new Map(Object.entries(entries).map(([k, v]) => [k, { shape: [v.length], data: Float32Array.from(v) }]));
const arr = (m: HostArrays, k: string): number[] => Array.from(m.get(k)!.data);

/** A one-weight "model": loss_n = (w·x_n − y_n)², gradient 2x_n(w·x_n − y_n). */
function linearModel(w0: number) {
  const w = tf.variable(tf.tensor1d([w0]));
  return {
    w,
    namedVariables: () => new Map([['w', w]]),
    gradients(lossFn: () => tf.Scalar) {
      const { value, grads } = tf.variableGrads(lossFn, [w]);
      return { value, grads: new Map([['w', grads[w.name]]]) };
    },
  };
}

describe('EWC helpers', () => {
  it('estimates the Fisher from per-sample squared gradients, not the squared mean gradient', () => {
    const model = linearModel(1);
    const samples = [
      { x: 1, y: 2 }, // g = 2·1·(1−2) = −2
      { x: 1, y: 0 }, // g = 2·1·(1−0) = +2
    ];
    const fisher = estimateFisher(model, samples, (s) => tf.sum(tf.square(tf.sub(tf.mul(model.w, s.x), s.y))) as tf.Scalar);
    // per-sample: (4 + 4) / 2 = 4, whereas the batch gradient (−2 + 2)/2 = 0 would square to 0
    expect(arr(fisher, 'w')[0]).toBeCloseTo(4, 5);
    model.w.dispose();
  });

  it('normalises by the mean over all parameters', () => {
    const f = normalizeFisher(host({ a: [1, 3], b: [4, 0] }));
    expect(arr(f, 'a')).toEqual([0.5, 1.5]);
    expect(arr(f, 'b')).toEqual([2, 0]);
    expect(arr(normalizeFisher(host({ a: [0, 0] })), 'a')).toEqual([0, 0]);
  });

  it('accumulates online: F ← γ·F + F_new', () => {
    const f = accumulateFisher(host({ a: [2, 4] }), host({ a: [1, 1] }), 0.5);
    expect(arr(f, 'a')).toEqual([2, 3]);
    expect(arr(accumulateFisher(undefined, host({ a: [1, 1] }), 0.5), 'a')).toEqual([1, 1]);
  });

  it('updates the state: normalised Fisher folded in, anchor moved to the new weights', () => {
    const first = updateEwcState(undefined, host({ a: [2, 6] }), host({ a: [0.1, 0.2] }), 0.9);
    expect(arr(first.fisher, 'a')).toEqual([0.5, 1.5]);
    const second = updateEwcState(first, host({ a: [1, 1] }), host({ a: [0.3, 0.4] }), 0.9);
    expect(arr(second.fisher, 'a').map((x) => Number(x.toFixed(6)))).toEqual([1.45, 2.35]);
    expect(arr(second.anchor, 'a').map((x) => Number(x.toFixed(6)))).toEqual([0.3, 0.4]);
    expect(second.increments).toBe(2);
  });

  it('computes λ/2 · mean F(θ−θ*)² and its gradient λ/P · F(θ−θ*)', () => {
    const theta = tf.variable(tf.tensor1d([1, 2, 3, 4]));
    const fisher = new Map([['p', tf.tensor1d([1, 0, 2, 1])]]);
    const anchor = new Map([['p', tf.tensor1d([0, 0, 1, 4])]]);
    const penalty = ewcPenalty(new Map([['p', theta]]), fisher, anchor, 2);
    // Σ F·Δ² = 1·1 + 0 + 2·4 + 0 = 9; λ/2 · 9 / 4 = 2.25
    expect(penalty.dataSync()[0]).toBeCloseTo(2.25, 6);
    const { grads } = tf.variableGrads(() => ewcPenalty(new Map([['p', theta]]), fisher, anchor, 2), [theta]);
    expect(Array.from(grads[theta.name].dataSync())).toEqual([0.5, 0, 2, 0]);
    const l2 = l2AnchorPenalty(new Map([['p', theta]]), anchor, 2);
    // Σ Δ² = 1 + 4 + 4 + 0 = 9; α/2 · 9 / 4
    expect(l2.dataSync()[0]).toBeCloseTo(2.25, 6);
    theta.dispose();
  });

  it('round-trips through checkpoint extra tensors', () => {
    const state = updateEwcState(undefined, host({ a: [1, 3] }), host({ a: [5, 6] }), 0.9);
    const extra = ewcToExtraTensors(state);
    expect([...extra.keys()].sort()).toEqual(['ewc.anchor.a', 'ewc.fisher.a']);
    const back = ewcFromExtraTensors(new Map([...extra, ['other', { shape: [1], data: Float32Array.from([0]) }]]), 1)!;
    expect(arr(back.fisher, 'a')).toEqual(arr(state.fisher, 'a'));
    expect(arr(back.anchor, 'a')).toEqual([5, 6]);
    expect(ewcFromExtraTensors(new Map(), 0)).toBeUndefined();
  });
});

describe('distillation loss', () => {
  it('is zero for identical logits and T²·KL otherwise', () => {
    const a = tf.tensor2d([[1, 2, 3]]);
    expect(distillationLoss(a, a, 2).dataSync()[0]).toBeCloseTo(0, 6);
    const s = tf.tensor2d([[0, 0]]);
    const t = tf.tensor2d([[Math.log(3), 0]]); // p_teacher = (0.75, 0.25) at T = 1
    const kl = 0.75 * Math.log(0.75 / 0.5) + 0.25 * Math.log(0.25 / 0.5);
    expect(distillationLoss(s, t, 1).dataSync()[0]).toBeCloseTo(kl, 5);
  });
});
