// The hand-written gradients (kernels.ts) and autograd, checked against central finite differences.
import * as tf from '@tensorflow/tfjs-core';
import { configFromName, GPT, initBackend, Rng } from './index';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Larger weights than the init so that every parameter visibly moves the loss in float32. */
function sensitiveModel(name: string): GPT {
  const model = new GPT(configFromName(name), { seed: 11 });
  const rng = new Rng(3);
  const w = model.exportWeights();
  for (const t of w.values()) for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i]! * 3 + 0.02 * rng.normal();
  model.importWeights(w);
  return model;
}

describe.each(['tiny', 'tiny-llama'])('gradient check (%s)', (name) => {
  it('each parameter gradient matches finite differences along its direction', () => {
    const model = sensitiveModel(name);
    const rng = new Rng(4);
    const ids = Array.from({ length: 2 * 12 }, () => rng.int(256));
    const x = tf.tensor2d(ids.slice(0, 24), [2, 12], 'int32');
    const y = tf.tensor2d(ids.map((t) => (t * 7 + 3) % 256), [2, 12], 'int32');
    const lossAt = (): number => tf.tidy(() => model.loss(x, y).dataSync()[0]!);
    const { value, grads } = model.gradients(() => model.loss(x, y));
    value.dispose();
    const eps = 1e-3;
    const report: string[] = [];
    for (const [pname, v] of model.namedVariables()) {
      const g = grads.get(pname)!;
      const gData = g.dataSync() as Float32Array;
      const norm = Math.sqrt(gData.reduce((a, b) => a + b * b, 0));
      const dir = tf.tidy(() => tf.div(g, norm)); // unit vector along the analytic gradient
      const orig = v.clone();
      v.assign(tf.tidy(() => tf.add(orig, tf.mul(dir, eps))));
      const plus = lossAt();
      v.assign(tf.tidy(() => tf.sub(orig, tf.mul(dir, eps))));
      const minus = lossAt();
      v.assign(orig);
      tf.dispose([orig, dir]);
      const numeric = (plus - minus) / (2 * eps); // directional derivative, = |g| if g is right
      const rel = Math.abs(numeric - norm) / Math.max(norm, 1e-3);
      // Written so that a zero, NaN or Inf gradient (rel NaN) is reported too, not passed over.
      const ok = Number.isFinite(norm) && norm > 0 && rel <= 0.05;
      if (process.env.GRADCHECK_VERBOSE || !ok) report.push(`${pname}: analytic ${norm.toExponential(3)} numeric ${numeric.toExponential(3)}`);
    }
    expect(report).toEqual([]);

    // And along one random direction over all parameters at once: ⟨g, d⟩ against the difference quotient.
    const dirs = new Map([...model.namedVariables()].map(([n, v]) => [n, tf.randomNormal(v.shape, 0, 1, 'float32', 5)]));
    const total = Math.sqrt([...dirs.values()].reduce((a, d) => a + tf.tidy(() => tf.sum(tf.square(d)).dataSync()[0]!), 0));
    const analytic = [...dirs].reduce((a, [n, d]) => a + tf.tidy(() => tf.sum(tf.mul(grads.get(n)!, d)).dataSync()[0]!), 0) / total;
    const originals = new Map([...model.namedVariables()].map(([n, v]) => [n, v.clone()]));
    const shift = (sign: number): void => {
      for (const [n, v] of model.namedVariables()) v.assign(tf.tidy(() => tf.add(originals.get(n)!, tf.mul(dirs.get(n)!, (sign * eps) / total))));
    };
    shift(1);
    const plus = lossAt();
    shift(-1);
    const minus = lossAt();
    for (const [n, v] of model.namedVariables()) v.assign(originals.get(n)!);
    const numeric = (plus - minus) / (2 * eps);
    expect(Math.abs(numeric - analytic)).toBeLessThan(0.03 * Math.max(Math.abs(analytic), 0.05));
    tf.dispose([...dirs.values(), ...originals.values()]);
    tf.dispose([x, y, ...grads.values()]);
    model.dispose();
  });
});
