import * as tf from '@tensorflow/tfjs-core';
import { configFromName, GPT, initBackend } from './index';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('GPT forward', () => {
  it.each(['tiny', 'tiny-llama'])('%s: logits have shape (B, T, V) and initial loss ≈ ln V', (name) => {
    const model = new GPT(configFromName(name), { seed: 1 });
    const idx = tf.tensor2d([[1, 2, 3, 4], [5, 6, 7, 8]], [2, 4], 'int32');
    const logits = model.logits(idx);
    expect(logits.shape).toEqual([2, 4, 256]);
    const loss = model.loss(idx, idx);
    expect(Math.abs(loss.dataSync()[0]! - Math.log(256))).toBeLessThan(0.1);
    tf.dispose([idx, logits, loss]);
    model.dispose();
  });

  it('is causal: changing a later token leaves earlier logits unchanged', () => {
    const model = new GPT(configFromName('tiny'), { seed: 2 });
    const a = tf.tensor2d([[10, 20, 30, 40]], [1, 4], 'int32');
    const b = tf.tensor2d([[10, 20, 30, 99]], [1, 4], 'int32');
    const la = model.logits(a).arraySync()[0]!;
    const lb = model.logits(b).arraySync()[0]!;
    for (let t = 0; t < 3; t++) for (let v = 0; v < 256; v += 17) expect(la[t]![v]).toBeCloseTo(lb[t]![v]!, 5);
    expect(la[3]![0]).not.toBeCloseTo(lb[3]![0]!, 6);
    tf.dispose([a, b]);
    model.dispose();
  });
});
