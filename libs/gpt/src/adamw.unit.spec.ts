// AdamW's decoupled weight decay: which parameters it shrinks, and by how much.
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, configFromName, GPT, initBackend } from './index';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The matmul weights of a preset: every (in, out) linear weight and the LM head, not the token embedding. */
function matmulWeights(model: GPT): string[] {
  return [...model.namedVariables().keys()].filter((n) =>
    /\.(attn\.attn|attn\.proj|mlp\.fc|mlp\.fc_1|mlp\.fc_2|mlp\.proj)\.weight$|^lm_head\.weight$/.test(n),
  );
}

/** One AdamW step with all-zero gradients: the moments stay 0, so only the weight decay moves a parameter. */
function stepWithZeroGrads(opt: AdamW, model: GPT, lr: number): void {
  const grads = new Map([...model.namedVariables()].map(([n, v]) => [n, tf.zerosLike(v) as tf.Tensor]));
  opt.apply(grads, lr);
  tf.dispose([...grads.values()]);
}

describe.each(['tiny', 'tiny-llama'])('AdamW weight decay (%s)', (preset) => {
  it('shrinks matmul weights by exactly (1 − lr·wd) and leaves norms, biases and the embedding unchanged', () => {
    const model = new GPT(configFromName(preset), { seed: 1 });
    const before = model.exportWeights();
    const decayed = new Set(matmulWeights(model));
    expect(decayed.size).toBe(2 * (preset === 'tiny' ? 4 : 5) + 1); // per layer qkv, proj, mlp (1 or 2 in, 1 out), plus lm_head
    const lr = 0.05;
    const wd = 0.5;
    const opt = new AdamW(model.namedVariables(), { weightDecay: wd });
    stepWithZeroGrads(opt, model, lr);
    opt.dispose();
    const factor = 1 - lr * wd; // 0.975
    const wrong: string[] = [];
    for (const [name, w] of model.exportWeights()) {
      const f = decayed.has(name) ? factor : 1;
      const rel = (x: number, i: number): number =>
        Math.abs(w.data[i]! - x * f) / Math.max(Math.abs(x), 1e-12);
      const maxRel = before.get(name)!.data.reduce((m, x, i) => Math.max(m, rel(x, i)), 0);
      if (maxRel > 1e-6)
        wrong.push(`${name} (${f === 1 ? 'kept' : 'decayed'}): relative error ${maxRel.toExponential(2)}`);
    }
    expect(wrong).toEqual([]);
    // The step was not a no-op: the decayed weights moved (norm weights are ones, biases zeros).
    const head = model.variable('lm_head.weight').dataSync();
    expect(head[0]).not.toBe(before.get('lm_head.weight')!.data[0]);
    model.dispose();
  });
});

describe('AdamW decays option', () => {
  it('replaces the default choice of decayed parameters', () => {
    const model = new GPT(configFromName('tiny'), { seed: 2 });
    const opt = new AdamW(model.namedVariables(), { decays: (name) => name === 'transformer.wte.weight' });
    expect(opt.decaysParameter('transformer.wte.weight')).toBe(true);
    expect(opt.decaysParameter('lm_head.weight')).toBe(false);
    const wte = model.variable('transformer.wte.weight').dataSync()[3]!;
    const head = model.variable('lm_head.weight').dataSync()[3]!;
    stepWithZeroGrads(opt, model, 0.1); // default weight decay 0.1
    expect(model.variable('transformer.wte.weight').dataSync()[3]).toBeCloseTo(wte * 0.99, 9);
    expect(model.variable('lm_head.weight').dataSync()[3]).toBe(head);
    opt.dispose();
    model.dispose();
  });
});
