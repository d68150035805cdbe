// Golden logits from an independent NumPy implementation (reference/gpt_reference.py) with the same weights.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { decodeSafetensors, GPT, GPTConfig, initBackend } from './index';

const fixtures = path.join(__dirname, '__fixtures__');

beforeAll(async () => {
  await initBackend('wasm');
});

describe.each(['tiny', 'tiny-llama'])('golden logits (%s)', (preset) => {
  it('match the NumPy reference within float32 tolerance', () => {
    const { tensors, metadata } = decodeSafetensors(readFileSync(path.join(fixtures, `${preset}.safetensors`)));
    const expected = JSON.parse(readFileSync(path.join(fixtures, `${preset}.logits.json`), 'utf8')) as {
      ids: number[][];
      logits: number[][][];
    };
    const config = JSON.parse(metadata.config!) as GPTConfig;
    const model = new GPT(config);
    model.importWeights(tensors);
    const idx = tf.tensor2d(expected.ids, undefined, 'int32');
    const logits = model.logits(idx as tf.Tensor2D);
    const actual = logits.arraySync();
    let maxDiff = 0;
    expected.logits.forEach((row, b) =>
      row.forEach((vec, t) => vec.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - actual[b]![t]![i]!))))),
    );
    expect(maxDiff).toBeLessThan(2e-4);
    tf.dispose([idx, logits]);
    model.dispose();
  });
});
