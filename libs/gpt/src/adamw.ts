// AdamW (Loshchilov & Hutter 2019): Adam with weight decay decoupled from the gradient.
import * as tf from '@tensorflow/tfjs-core';
import type { NamedArrays } from './model';

export interface AdamWOptions {
  beta1?: number;
  beta2?: number;
  eps?: number;
  weightDecay?: number;
  /** Which parameters get weight decay; by default matmul weights only (not norms, biases, embeddings). */
  decays?: (name: string, v: tf.Variable) => boolean;
}

export interface AdamWState {
  step: number;
  m: NamedArrays;
  v: NamedArrays;
}

export function defaultDecays(name: string, v: tf.Variable): boolean {
  return v.rank === 2 && name.endsWith('.weight') && !name.includes('.wte.');
}

export class AdamW {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of updates applied so far (bias correction uses it). */
  step = 0;
  private readonly m = new Map<string, tf.Variable>();
  private readonly v = new Map<string, tf.Variable>();
  private readonly decayed = new Set<string>();

  constructor(
    private readonly params: Map<string, tf.Variable>,
    opts: AdamWOptions = {},
  ) {
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.95;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.1;
    const decays = opts.decays ?? defaultDecays;
    for (const [name, p] of params) {
      this.m.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      this.v.set(name, tf.tidy(() => tf.variable(tf.zerosLike(p), false)));
      if (decays(name, p)) this.decayed.add(name);
    }
  }

  decaysParameter(name: string): boolean {
    return this.decayed.has(name);
  }

  /** One update with the given gradients (by parameter name; missing ones are skipped). */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    this.step += 1;
    const { beta1: b1, beta2: b2 } = this;
    // Bias corrections folded into the step size and epsilon (the same update, fewer ops).
    const c2 = Math.sqrt(1 - Math.pow(b2, this.step));
    const stepSize = (lr * c2) / (1 - Math.pow(b1, this.step));
    const epsHat = this.eps * c2;
    tf.tidy(() => {
      for (const [name, p] of this.params) {
        const g = grads.get(name);
        if (!g) continue;
        const m = this.m.get(name)!;
        const v = this.v.get(name)!;
        const mNew = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
        const vNew = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
        m.assign(mNew);
        v.assign(vNew);
        const update = tf.div(mNew, tf.add(tf.sqrt(vNew), epsHat)).mul(stepSize);
        const decayed = this.decayed.has(name) ? tf.mul(p, 1 - lr * this.weightDecay) : p;
        p.assign(tf.sub(decayed, update));
      }
    });
  }

  exportState(): AdamWState {
    const dump = (src: Map<string, tf.Variable>): NamedArrays =>
      new Map([...src].map(([k, t]) => [k, { shape: [...t.shape], data: t.dataSync() as Float32Array }]));
    return { step: this.step, m: dump(this.m), v: dump(this.v) };
  }

  importState(state: AdamWState): void {
    const load = (dst: Map<string, tf.Variable>, src: NamedArrays, what: string): void => {
      for (const [name, t] of dst) {
        const h = src.get(name);
        if (!h || h.shape.join(',') !== t.shape.join(',')) throw new Error(`optimizer state ${what} for ${name} missing or misshapen`);
        tf.tidy(() => t.assign(tf.tensor(h.data, t.shape)));
      }
    };
    load(this.m, state.m, 'm');
    load(this.v, state.v, 'v');
    this.step = state.step;
  }

  dispose(): void {
    for (const t of [...this.m.values(), ...this.v.values()]) t.dispose();
  }
}
