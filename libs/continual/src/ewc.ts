/**
 * Online Elastic Weight Consolidation (Kirkpatrick et al. 2017; online form: Schwarz et al. 2018)
 * and the L2-SP anchor (Li et al. 2018), as penalties added to the LM loss.
 *
 * Fisher estimate: the diagonal EMPIRICAL Fisher from PER-SAMPLE gradients,
 *   F_i = 1/N Σ_n (∂ℓ_n/∂θ_i)²,  ℓ_n = mean next-token loss of sequence n (its observed text),
 * one backward pass per sequence. Squaring one gradient of a whole batch instead would give
 * (Σ_n g_n)²/N², which cancels the per-sample variance that makes a weight "important".
 *
 * Normalisation (why λ is portable): F_new is divided by its mean over all parameters, so an
 * average weight has importance 1 whatever the model size or loss scale; the accumulated
 * F ← γ·F + F̂_new keeps older increments with decaying weight. The penalty is AVERAGED over the
 * P parameters, λ/2 · (1/P) Σ_i F_i (θ_i − θ*_i)², i.e. λ/2 times an importance-weighted mean
 * squared drift, which does not grow with P. The anchor θ* is the weights of the model the Fisher
 * was computed for: the latest promoted champion.
 */
// Functional ops only (tf.add(a, b), not a.add(b)): chained ops exist only once the tfjs union
// package is loaded, which this library leaves to @ratchet/gpt.
import * as tf from '@tensorflow/tfjs-core';

/** Host copies of per-parameter arrays (same layout as the model's variables). */
export interface HostArray {
  shape: number[];
  data: Float32Array;
}
export type HostArrays = Map<string, HostArray>;

export interface EwcState {
  /** Accumulated, normalised diagonal Fisher per parameter. */
  readonly fisher: HostArrays;
  /** Weights of the champion the Fisher was last updated at. */
  readonly anchor: HostArrays;
  /** Promoted increments folded into the Fisher so far. */
  readonly increments: number;
}

/** Anything that exposes named variables and per-sample gradients (the GPT model does). */
export interface FisherModel {
  namedVariables(): Map<string, tf.Variable>;
  gradients(lossFn: () => tf.Scalar): { value: tf.Scalar; grads: Map<string, tf.Tensor> };
}

/**
 * Diagonal empirical Fisher from per-sample squared gradients of `lossOf(sample)`, averaged over
 * the samples (not normalised; see normalizeFisher).
 */
export function estimateFisher<S>(model: FisherModel, samples: readonly S[], lossOf: (sample: S) => tf.Scalar): HostArrays {
  if (samples.length === 0) throw new Error('the Fisher estimate needs at least one sample');
  const sums = new Map<string, tf.Tensor>();
  for (const [name, v] of model.namedVariables()) sums.set(name, tf.keep(tf.zerosLike(v)));
  for (const sample of samples) {
    const { value, grads } = model.gradients(() => lossOf(sample));
    for (const [name, g] of grads) {
      const prev = sums.get(name)!;
      sums.set(name, tf.keep(tf.tidy(() => tf.add(prev, tf.square(g)))));
      prev.dispose();
      g.dispose();
    }
    value.dispose();
  }
  const out: HostArrays = new Map();
  for (const [name, sum] of sums) {
    const data = sum.dataSync() as Float32Array;
    for (let i = 0; i < data.length; i++) data[i] /= samples.length;
    out.set(name, { shape: [...sum.shape], data: Float32Array.from(data) });
    sum.dispose();
  }
  return out;
}

function totalSizeAndSum(arrays: HostArrays): { size: number; sum: number } {
  let size = 0;
  let sum = 0;
  for (const a of arrays.values()) {
    size += a.data.length;
    for (let i = 0; i < a.data.length; i++) sum += a.data[i];
  }
  return { size, sum };
}

/** Divides every entry by the mean over all parameters (mean becomes 1); all-zero stays zero. */
export function normalizeFisher(fisher: HostArrays): HostArrays {
  const { size, sum } = totalSizeAndSum(fisher);
  const mean = size === 0 ? 0 : sum / size;
  const scale = mean > 0 && Number.isFinite(mean) ? 1 / mean : 0;
  const out: HostArrays = new Map();
  for (const [name, a] of fisher) out.set(name, { shape: [...a.shape], data: a.data.map((x) => x * scale) });
  return out;
}

/** F ← γ·F_prev + F_new (F_prev absent for the first promoted increment). */
export function accumulateFisher(prev: HostArrays | undefined, fresh: HostArrays, gamma: number): HostArrays {
  const out: HostArrays = new Map();
  for (const [name, a] of fresh) {
    const p = prev?.get(name);
    if (p !== undefined && p.data.length !== a.data.length) throw new Error(`Fisher for ${name} changed size`);
    out.set(name, { shape: [...a.shape], data: a.data.map((x, i) => x + (p === undefined ? 0 : gamma * p.data[i])) });
  }
  return out;
}

/** Folds a fresh (raw) Fisher into the state and moves the anchor to `weights`. */
export function updateEwcState(prev: EwcState | undefined, freshFisher: HostArrays, weights: HostArrays, gamma: number): EwcState {
  return {
    fisher: accumulateFisher(prev?.fisher, normalizeFisher(freshFisher), gamma),
    anchor: new Map([...weights].map(([k, v]) => [k, { shape: [...v.shape], data: Float32Array.from(v.data) }])),
    increments: (prev?.increments ?? 0) + 1,
  };
}

/** Device tensors of a host map, for use inside training steps; dispose with disposeTensors. */
export function toTensors(arrays: HostArrays): Map<string, tf.Tensor> {
  return new Map([...arrays].map(([k, a]) => [k, tf.tensor(a.data, a.shape)]));
}

export function disposeTensors(tensors: Map<string, tf.Tensor>): void {
  for (const t of tensors.values()) t.dispose();
}

/** λ/2 · (1/P) Σ F (θ − θ*)² over the parameters present in both maps (differentiable in θ). */
export function ewcPenalty(
  params: Map<string, tf.Tensor>,
  fisher: Map<string, tf.Tensor>,
  anchor: Map<string, tf.Tensor>,
  lambda: number,
): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    let count = 0;
    for (const [name, theta] of params) {
      const f = fisher.get(name);
      const a = anchor.get(name);
      if (f === undefined || a === undefined) continue;
      total = tf.add(total, tf.sum(tf.mul(f, tf.square(tf.sub(theta, a)))));
      count += theta.size;
    }
    return count === 0 ? tf.scalar(0) : tf.mul(total, lambda / 2 / count);
  });
}

/** L2-SP: α/2 · (1/P) Σ (θ − θ_champion)². */
export function l2AnchorPenalty(params: Map<string, tf.Tensor>, anchor: Map<string, tf.Tensor>, alpha: number): tf.Scalar {
  return tf.tidy(() => {
    let total: tf.Scalar = tf.scalar(0);
    let count = 0;
    for (const [name, theta] of params) {
      const a = anchor.get(name);
      if (a === undefined) continue;
      total = tf.add(total, tf.sum(tf.square(tf.sub(theta, a))));
      count += theta.size;
    }
    return count === 0 ? tf.scalar(0) : tf.mul(total, alpha / 2 / count);
  });
}

const FISHER_PREFIX = 'ewc.fisher.';
const ANCHOR_PREFIX = 'ewc.anchor.';

/** The extra tensors an EWC state is saved as in a checkpoint (`ewc.fisher.<param>`, `ewc.anchor.<param>`). */
export function ewcToExtraTensors(state: EwcState): HostArrays {
  const out: HostArrays = new Map();
  for (const [k, v] of state.fisher) out.set(FISHER_PREFIX + k, v);
  for (const [k, v] of state.anchor) out.set(ANCHOR_PREFIX + k, v);
  return out;
}

/** Reads an EWC state back from checkpoint extra tensors; undefined when it holds none. */
export function ewcFromExtraTensors(extra: HostArrays, increments: number): EwcState | undefined {
  const fisher: HostArrays = new Map();
  const anchor: HostArrays = new Map();
  for (const [k, v] of extra) {
    if (k.startsWith(FISHER_PREFIX)) fisher.set(k.slice(FISHER_PREFIX.length), v);
    else if (k.startsWith(ANCHOR_PREFIX)) anchor.set(k.slice(ANCHOR_PREFIX.length), v);
  }
  if (fisher.size === 0) return undefined;
  for (const k of fisher.keys()) if (!anchor.has(k)) throw new Error(`EWC state has a Fisher but no anchor for ${k}`);
  return { fisher, anchor, increments };
}
