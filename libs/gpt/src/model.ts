/**
 * GPT: a decoder-only transformer in TensorFlow.js, configured the way LitGPT configures models.
 *
 * References (read, not copied):
 *  - nanoGPT model.py (A. Karpathy): the overall structure and init (N(0, 0.02), residual projections / sqrt(2·n_layer)).
 *  - LitGPT litgpt/model.py + config.py (Lightning AI): config names, parallel residual, partial rotary (rope_n_elem),
 *    GptNeoxMLP and LLaMAMLP, RMSNorm.
 *  - GPT-NeoX / Pythia (Black et al. 2022; Biderman et al. 2023): parallel attention + MLP, rotary on 25% of dims.
 *  - RoFormer (Su et al. 2021): rotary position embeddings, in the "rotate half" layout HF/LitGPT use.
 *  - LLaMA (Touvron et al. 2023): RMSNorm (Zhang & Sennrich 2019) and SwiGLU (Shazeer 2020).
 *
 * Weight layout: every Linear stores its weight as (in, out) so that y = x @ W + b with no transposes;
 * the fused attention weight's columns are [q heads | k heads | v heads], each head hs wide.
 * The embedding is a one-hot matmul, which keeps the backward pass in matmuls (the wasm backend
 * has no UnsortedSegmentSum kernel for the gather gradient, and matmuls are its fastest kernel).
 */
import * as tf from '@tensorflow/tfjs-core';
import { GPTConfig, headSize, ropeDims, validateConfig } from './config';
import { causalAttention, embedding, gelu, layerNorm, linear, rmsNorm } from './kernels';
import { Rng } from './rng';

/** A tensor's data on the host, as stored in checkpoints. */
export interface HostTensor {
  shape: number[];
  data: Float32Array;
}
export type NamedArrays = Map<string, HostTensor>;

export interface GPTOptions {
  /** Seed for the initial weights. */
  seed?: number;
  /** False for a frozen model (e.g. a distillation teacher); its variables are not trainable. */
  trainable?: boolean;
}

/**
 * tf variable names are global to the tfjs engine, which is shared by every copy of this module
 * loaded in a process (dist and src side by side in tests), so the counter lives on globalThis.
 */
const COUNTER = Symbol.for('@ratchet/gpt.instanceCounter');
function nextInstanceId(): number {
  const g = globalThis as unknown as Record<symbol, number | undefined>;
  g[COUNTER] = (g[COUNTER] ?? 0) + 1;
  return g[COUNTER];
}

export class GPT {
  readonly config: GPTConfig;
  private readonly vars = new Map<string, tf.Variable>();
  private readonly ropeCache = new Map<number, { cos: Float32Array; sin: Float32Array }>();
  private readonly maskCache = new Map<number, Float32Array>();
  private readonly ropeRotate: Float32Array; // (hs, hs) signed permutation: x @ P = rotate_half(x) on rotary dims
  private disposed = false;

  constructor(config: GPTConfig, options: GPTOptions = {}) {
    this.config = validateConfig({ ...config });
    const rng = new Rng(options.seed ?? 0);
    const trainable = options.trainable ?? true;
    const prefix = `gpt${nextInstanceId()}`;
    for (const [name, spec] of parameterSpecs(this.config)) {
      const size = spec.shape.reduce((a, b) => a * b, 1);
      const data = new Float32Array(size);
      if (spec.init === 'ones') data.fill(1);
      else if (spec.init !== 'zeros') for (let i = 0; i < size; i++) data[i] = rng.normal() * spec.init;
      // tidy frees the initial value once the variable holds its own copy (variables survive tidy).
      this.vars.set(name, tf.tidy(() => tf.variable(tf.tensor(data, spec.shape), trainable, `${prefix}/${name}`)));
    }
    this.ropeRotate = rotateHalfMatrix(headSize(this.config), ropeDims(this.config));
  }

  /** The trainable parameters by LitGPT-style name (`transformer.h.0.attn.attn.weight`, ...). */
  namedVariables(): Map<string, tf.Variable> {
    return this.vars;
  }

  variable(name: string): tf.Variable {
    const v = this.vars.get(name);
    if (!v) throw new Error(`no parameter named ${name}`);
    return v;
  }

  paramCount(): number {
    let n = 0;
    for (const v of this.vars.values()) n += v.size;
    return n;
  }

  /** Logits (B, T, V) for token ids (B, T). */
  logits(idx: tf.Tensor2D): tf.Tensor3D {
    const [B, T] = idx.shape;
    return tf.tidy(() => this.forward(idx).reshape([B, T, this.config.vocab_size]));
  }

  /** Mean next-token cross-entropy in nats (a scalar), inputs and targets (B, T) int32. */
  loss(inputs: tf.Tensor2D, targets: tf.Tensor2D): tf.Scalar {
    return tf.tidy(() => crossEntropy(this.forward(inputs), targets.flatten(), this.config.vocab_size));
  }

  /** Loss and logits (B·T, V) from one forward pass, for callers that add terms on the logits (distillation). */
  lossAndLogits(inputs: tf.Tensor2D, targets: tf.Tensor2D): { loss: tf.Scalar; logits: tf.Tensor2D } {
    const logits = this.forward(inputs);
    return { loss: crossEntropy(logits, targets.flatten(), this.config.vocab_size), logits };
  }

  /** Gradients of any scalar function of the model's variables, by parameter name. The caller disposes them. */
  gradients(lossFn: () => tf.Scalar): { value: tf.Scalar; grads: Map<string, tf.Tensor> } {
    const varList = [...this.vars.values()];
    const { value, grads } = tf.variableGrads(lossFn, varList);
    const byName = new Map<string, tf.Tensor>();
    for (const [name, v] of this.vars) {
      const g = grads[v.name];
      if (g) byName.set(name, g);
    }
    return { value, grads: byName };
  }

  /** Copies the weights to the host. */
  exportWeights(): NamedArrays {
    const out: NamedArrays = new Map();
    for (const [name, v] of this.vars) out.set(name, { shape: [...v.shape], data: v.dataSync() as Float32Array });
    return out;
  }

  /** Overwrites the weights; every parameter must be present with its exact shape. */
  importWeights(weights: NamedArrays): void {
    for (const [name, v] of this.vars) {
      const w = weights.get(name);
      if (!w) throw new Error(`weights lack parameter ${name}`);
      if (w.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`parameter ${name} has shape [${w.shape}] in the weights but [${v.shape}] in the model`);
      }
      tf.tidy(() => v.assign(tf.tensor(w.data, v.shape)));
    }
    for (const name of weights.keys()) if (!this.vars.has(name)) throw new Error(`unexpected parameter ${name}`);
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.vars.values()) v.dispose();
    this.disposed = true;
  }

  /** The transformer: token ids (B, T) to logits (B·T, V). Kept 2-D between blocks to avoid reshapes. */
  private forward(idx: tf.Tensor2D): tf.Tensor2D {
    const cfg = this.config;
    const [B, T] = idx.shape;
    if (T > cfg.block_size) throw new Error(`sequence length ${T} exceeds block_size ${cfg.block_size}`);
    const p = (name: string): tf.Variable => this.variable(name);
    const oneHot = tf.oneHot(idx.flatten(), cfg.vocab_size).toFloat(); // (B·T, V)
    let x: tf.Tensor2D = embedding(oneHot as tf.Tensor2D, p('transformer.wte.weight') as tf.Tensor2D); // (B·T, C)
    const rope = this.ropeTables(T);
    const mask = tf.tensor2d(this.causalMask(T), [T, T]); // (T, T), 0 or -1e9
    for (let l = 0; l < cfg.n_layer; l++) {
      const h = `transformer.h.${l}`;
      const n1 = this.norm(x, `${h}.norm_1`) as tf.Tensor2D; // (B·T, C)
      const attn = this.attention(n1, B, T, h, rope, mask); // (B·T, C)
      if (cfg.parallel_residual) {
        const n2 = this.norm(x, `${h}.norm_2`) as tf.Tensor2D;
        x = tf.addN([x, attn, this.mlp(n2, h)]);
      } else {
        x = tf.add(x, attn);
        x = tf.add(x, this.mlp(this.norm(x, `${h}.norm_2`) as tf.Tensor2D, h));
      }
    }
    x = this.norm(x, 'transformer.ln_f') as tf.Tensor2D;
    return linear(x, p('lm_head.weight') as tf.Tensor2D); // (B·T, V)
  }

  private attention(
    x: tf.Tensor2D,
    B: number,
    T: number,
    h: string,
    rope: { cos: tf.Tensor; sin: tf.Tensor; rotate: tf.Tensor2D } | null,
    mask: tf.Tensor2D,
  ): tf.Tensor2D {
    const { n_head: nh, n_embd: C } = this.config;
    const hs = C / nh;
    let qkv: tf.Tensor = this.linear(x, `${h}.attn.attn`); // (B·T, 3C)
    if (rope) {
      // rotate_half within every head as one matmul; the tables leave v heads and non-rotary dims alone
      const rotated = linear(qkv.reshape([-1, hs]) as tf.Tensor2D, rope.rotate).reshape([B, T, 3 * C]); // (B, T, 3C)
      qkv = tf.add(tf.mul(qkv.reshape([B, T, 3 * C]), rope.cos), tf.mul(rotated, rope.sin)); // (B, T, 3C)
    }
    const heads = qkv.reshape([B, T, 3 * nh, hs]).transpose([0, 2, 1, 3]) as tf.Tensor4D; // (B, 3·nh, T, hs)
    const y = causalAttention(heads, nh, mask, 1 / Math.sqrt(hs)); // (B, nh, T, hs)
    const merged = y.transpose([0, 2, 1, 3]).reshape([B * T, C]); // (B·T, C)
    return this.linear(merged as tf.Tensor2D, `${h}.attn.proj`); // (B·T, C)
  }

  private mlp(x: tf.Tensor2D, h: string): tf.Tensor2D {
    if (this.config.mlp_class_name === 'LLaMAMLP') {
      const a = this.linear(x, `${h}.mlp.fc_1`); // (B·T, I)
      const b = this.linear(x, `${h}.mlp.fc_2`); // (B·T, I)
      return this.linear(tf.mul(tf.mul(a, tf.sigmoid(a)), b) as tf.Tensor2D, `${h}.mlp.proj`); // SwiGLU: silu(a)·b, (B·T, C)
    }
    const u = this.linear(x, `${h}.mlp.fc`); // (B·T, I)
    return this.linear(gelu(u), `${h}.mlp.proj`); // (B·T, C)
  }

  private linear(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const w = this.variable(`${name}.weight`) as tf.Tensor2D;
    return linear(x, w, this.config.bias ? (this.variable(`${name}.bias`) as tf.Tensor1D) : undefined);
  }

  private norm(x: tf.Tensor2D, name: string): tf.Tensor2D {
    const eps = this.config.norm_eps;
    const w = this.variable(`${name}.weight`) as tf.Tensor1D;
    if (this.config.norm_class_name === 'RMSNorm') return rmsNorm(x, w, eps); // (B·T, C)
    const b = this.config.bias ? (this.variable(`${name}.bias`) as tf.Tensor1D) : undefined;
    return layerNorm(x, w, b, eps); // (B·T, C)
  }

  private ropeTables(T: number): { cos: tf.Tensor; sin: tf.Tensor; rotate: tf.Tensor2D } | null {
    const hs = headSize(this.config);
    const n = ropeDims(this.config);
    if (n === 0) return null;
    let host = this.ropeCache.get(T);
    if (!host) {
      host = ropeHostTables(T, hs, n, this.config.n_head, this.config.rope_base);
      this.ropeCache.set(T, host);
    }
    const C3 = 3 * this.config.n_embd;
    return {
      cos: tf.tensor2d(host.cos, [T, C3]),
      sin: tf.tensor2d(host.sin, [T, C3]),
      rotate: tf.tensor2d(this.ropeRotate, [hs, hs]),
    };
  }

  private causalMask(T: number): Float32Array {
    let m = this.maskCache.get(T);
    if (!m) {
      m = new Float32Array(T * T);
      for (let i = 0; i < T; i++) for (let j = i + 1; j < T; j++) m[i * T + j] = -1e9;
      this.maskCache.set(T, m);
    }
    return m;
  }
}

interface ParamSpec {
  shape: number[];
  /** Standard deviation of a normal init, or a constant fill. */
  init: number | 'zeros' | 'ones';
}

/** Every parameter of a config, in a fixed order (which fixes the init stream for a seed). */
export function parameterSpecs(cfg: GPTConfig): [string, ParamSpec][] {
  const { n_embd: C, vocab_size: V, intermediate_size: I } = cfg;
  const std = 0.02;
  const residualStd = 0.02 / Math.sqrt(2 * cfg.n_layer);
  const specs: [string, ParamSpec][] = [];
  const linear = (name: string, inDim: number, outDim: number, init: number): void => {
    specs.push([`${name}.weight`, { shape: [inDim, outDim], init }]);
    if (cfg.bias) specs.push([`${name}.bias`, { shape: [outDim], init: 'zeros' }]);
  };
  const norm = (name: string): void => {
    specs.push([`${name}.weight`, { shape: [C], init: 'ones' }]);
    if (cfg.norm_class_name === 'LayerNorm' && cfg.bias) specs.push([`${name}.bias`, { shape: [C], init: 'zeros' }]);
  };
  specs.push(['transformer.wte.weight', { shape: [V, C], init: std }]);
  for (let l = 0; l < cfg.n_layer; l++) {
    const h = `transformer.h.${l}`;
    norm(`${h}.norm_1`);
    linear(`${h}.attn.attn`, C, 3 * C, std);
    linear(`${h}.attn.proj`, C, C, residualStd);
    norm(`${h}.norm_2`);
    if (cfg.mlp_class_name === 'LLaMAMLP') {
      linear(`${h}.mlp.fc_1`, C, I, std);
      linear(`${h}.mlp.fc_2`, C, I, std);
    } else {
      linear(`${h}.mlp.fc`, C, I, std);
    }
    linear(`${h}.mlp.proj`, I, C, residualStd);
  }
  norm('transformer.ln_f');
  specs.push(['lm_head.weight', { shape: [C, V], init: std }]);
  return specs;
}

/**
 * Mean cross-entropy of logits (N, V) against integer targets (N,), with the closed-form
 * gradient softmax − onehot, which saves the backward pass a chain of small ops.
 */
function crossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D, V: number): tf.Scalar {
  const onehot = tf.oneHot(targets, V).toFloat(); // (N, V)
  const N = logits.shape[0];
  const f = tf.customGrad(((l: tf.Tensor, oh: tf.Tensor, save: tf.GradSaveFunc) => {
    save([l, oh]);
    const lse = tf.logSumExp(l, 1); // (N)
    const picked = tf.sum(tf.mul(l, oh), 1); // (N)
    return {
      value: tf.mean(tf.sub(lse, picked)),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [ls, ohs] = saved as [tf.Tensor, tf.Tensor];
        return [tf.mul(tf.sub(tf.softmax(ls), ohs), tf.div(dy, N)), tf.zerosLike(ohs)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return f(logits, onehot) as tf.Scalar;
}

/**
 * cos/sin tables (T, 3C) over a fused qkv row: rotary angles on the first n dims of every q and k
 * head (θ repeated twice, the "rotate half" layout), cos 1 and sin 0 elsewhere (v heads, other dims).
 */
function ropeHostTables(T: number, hs: number, n: number, nh: number, base: number): { cos: Float32Array; sin: Float32Array } {
  const width = 3 * nh * hs;
  const cos = new Float32Array(T * width).fill(1);
  const sin = new Float32Array(T * width);
  for (let t = 0; t < T; t++) {
    for (let head = 0; head < 2 * nh; head++) {
      for (let j = 0; j < n; j++) {
        const theta = 1 / Math.pow(base, (2 * (j % (n / 2))) / n);
        const at = t * width + head * hs + j;
        cos[at] = Math.cos(t * theta);
        sin[at] = Math.sin(t * theta);
      }
    }
  }
  return { cos, sin };
}

/** P (hs, hs) with (x @ P) = [−x[n/2:n], x[0:n/2], 0...]: rotate_half on the rotary dims as one matmul. */
function rotateHalfMatrix(hs: number, n: number): Float32Array {
  const P = new Float32Array(hs * hs);
  const half = n / 2;
  for (let j = 0; j < half; j++) {
    P[(j + half) * hs + j] = -1;
    P[j * hs + (j + half)] = 1;
  }
  return P;
}
