// Fused ops with hand-written gradients for the model's hot paths.
//
// Why: on the tfjs wasm backend a matmul with a transpose flag (what the stock MatMul gradient
// uses for dX = dY·Wᵀ and dW = Xᵀ·dY) takes a slow generic path, about 10× slower than an explicit
// transpose followed by a plain matmul. These ops keep every backward matmul plain, and the
// attention core does its softmax backward in a few batched ops instead of a chain of small ones.
import * as tf from '@tensorflow/tfjs-core';

type GradFn = Parameters<typeof tf.customGrad>[0];
const custom = (f: (...args: (tf.Tensor | tf.GradSaveFunc)[]) => unknown): ReturnType<typeof tf.customGrad> =>
  tf.customGrad(f as unknown as GradFn);

/** Σ over rows of x (N, D) → (D), as ones(1, N)·x: a plain matmul is faster on wasm than an axis-0 reduction. */
export function columnSum(x: tf.Tensor2D): tf.Tensor1D {
  return tf.matMul(tf.ones([1, x.shape[0]]), x).reshape([x.shape[1]]);
}

/** y = x·W (+ b) for x (N, in), W (in, out), b (out). */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (b) return linearBias(x, w, b) as tf.Tensor2D;
  return linearNoBias(x, w) as tf.Tensor2D;
}

const linearNoBias = custom((...args) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, w), // (N, out)
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy)]; // (N, in), (in, out)
    },
  };
});

const linearBias = custom((...args) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }), // (N, out), bias added in the matmul kernel
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(dy, tf.transpose(ws)), tf.matMul(tf.transpose(xs), dy), columnSum(dy)];
    },
  };
});

/** Token embedding as a one-hot matmul: onehot (N, V) · W (V, C); only W gets a gradient. */
export const embedding = custom((...args) => {
  const [onehot, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([onehot]);
  return {
    value: tf.matMul(onehot, w), // (N, C)
    gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
      const [oh] = saved as [tf.Tensor2D];
      return [tf.zerosLike(oh), tf.matMul(tf.transpose(oh), dy)]; // ids are not differentiable
    },
  };
}) as (onehot: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * Batched matmul a (N, M, K) · b (N, K, P) → (N, M, P). On wasm a batched matmul takes a slow
 * generic path (under 1 GFLOP/s) while a 2-D one uses XNNPACK, so there it runs N plain matmuls.
 */
export function bmm(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  if (tf.getBackend() !== 'wasm' || a.shape[0] === 1) return tf.matMul(a, b);
  const as = hostUnstack(a);
  const bs = hostUnstack(b);
  return tf.stack(as.map((ai, i) => tf.matMul(ai, bs[i]!))) as tf.Tensor3D;
}

/**
 * tf.unstack through host memory. The wasm Unpack and Slice kernels copy at about 50 MB/s; the
 * wasm heap is host memory, so reading it and uploading the pieces is ~50× faster. Only for
 * backends whose tensors live in host memory, and only inside custom-gradient ops (no tape).
 */
function hostUnstack(x: tf.Tensor3D): tf.Tensor2D[] {
  const [n, r, c] = x.shape;
  const data = x.dataSync() as Float32Array;
  return Array.from({ length: n }, (_, i) => tf.tensor2d(data.subarray(i * r * c, (i + 1) * r * c), [r, c]));
}

const swapLast = (x: tf.Tensor3D): tf.Tensor3D => tf.transpose(x, [0, 2, 1]);

/**
 * Causal scaled dot-product attention on the heads of a fused projection:
 * heads (B, 3·nh, T, hs) holding [q heads | k heads | v heads], additive mask (T, T);
 * returns y = softmax(q·kᵀ·scale + mask)·v, (B, nh, T, hs). The gradient comes back as one
 * (B, 3·nh, T, hs) tensor, so splitting q, k and v costs no zero-padded slice gradients.
 */
export function causalAttention(heads: tf.Tensor4D, nh: number, mask: tf.Tensor2D, scale: number): tf.Tensor4D {
  const [B, , T, hs] = heads.shape;
  const BH = B * nh;
  const hostMemory = tf.getBackend() !== 'tensorflow';
  const split = (t: tf.Tensor4D): tf.Tensor3D[] => {
    if (!hostMemory) return [0, 1, 2].map((i) => t.slice([0, i * nh, 0, 0], [B, nh, T, hs]).reshape([BH, T, hs]));
    // Same as the slices, through host memory (see hostUnstack): each batch row's block is contiguous.
    const data = t.dataSync() as Float32Array;
    return [0, 1, 2].map((i) => part(data, i));
  };
  const part = (data: Float32Array, i: number): tf.Tensor3D => {
    const block = nh * T * hs;
    const out = new Float32Array(BH * T * hs);
    for (let b = 0; b < B; b++) out.set(data.subarray((b * 3 + i) * block, (b * 3 + i + 1) * block), b * block);
    return tf.tensor3d(out, [BH, T, hs]);
  };
  const op = custom((...args) => {
    const [h, save] = args as [tf.Tensor4D, tf.GradSaveFunc];
    const [q, k, v] = split(h) as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D]; // (BH, T, hs) each
    const p = tf.softmax(tf.add(tf.mul(bmm(q, swapLast(k)), scale), mask)) as tf.Tensor3D; // (BH, T, T)
    save([q, k, v, p]);
    return {
      value: bmm(p, v).reshape([B, nh, T, hs]), // (B, nh, T, hs)
      gradFunc: (dy: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [qs, ks, vs, ps] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
        const dy3 = dy.reshape([BH, T, hs]) as tf.Tensor3D; // (BH, T, hs)
        const dv = bmm(swapLast(ps), dy3); // (BH, T, hs)
        const dp = bmm(dy3, swapLast(vs)); // (BH, T, T)
        // softmax backward: dS = P ⊙ (dP − Σ_j dP·P), times the scale
        const ds = tf.mul(tf.mul(ps, tf.sub(dp, tf.sum(tf.mul(dp, ps), -1, true))), scale) as tf.Tensor3D; // (BH, T, T)
        const dq = bmm(ds, ks); // (BH, T, hs)
        const dk = bmm(swapLast(ds), qs); // (BH, T, hs)
        const as4 = (t: tf.Tensor3D): tf.Tensor4D => t.reshape([B, nh, T, hs]);
        return [tf.concat([as4(dq), as4(dk), as4(dv)], 1)]; // (B, 3·nh, T, hs)
      },
    };
  });
  return op(heads) as tf.Tensor4D;
}

/**
 * LayerNorm over the last axis, x (N, C), weight and optional bias (C). Backward in closed form:
 * dx = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂·x̂)), with dx̂ = dy·w.
 */
export function layerNorm(x: tf.Tensor2D, w: tf.Tensor1D, b: tf.Tensor1D | undefined, eps: number): tf.Tensor2D {
  const op = custom((...args) => {
    const [xi, wi, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const mean = tf.mean(xi, -1, true); // (N, 1)
    const xc = tf.sub(xi, mean); // (N, C)
    const rstd = tf.rsqrt(tf.add(tf.mean(tf.square(xc), -1, true), eps)); // (N, 1)
    const xhat = tf.mul(xc, rstd); // (N, C)
    save([xhat, rstd, wi]);
    return {
      value: tf.mul(xhat, wi),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xh, rs, ws] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dxhat = tf.mul(dy, ws); // (N, C)
        const inner = tf.add(tf.mean(dxhat, -1, true), tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true)));
        return [tf.mul(tf.sub(dxhat, inner), rs), columnSum(tf.mul(dy, xh))];
      },
    };
  });
  const y = op(x, w) as tf.Tensor2D;
  return b ? biasAdd(y, b) : y;
}

/** RMSNorm over the last axis: x·rsqrt(mean(x²) + eps)·w; dx = r·(dx̂ − x̂·mean(dx̂·x̂)). */
export function rmsNorm(x: tf.Tensor2D, w: tf.Tensor1D, eps: number): tf.Tensor2D {
  const op = custom((...args) => {
    const [xi, wi, save] = args as [tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
    const r = tf.rsqrt(tf.add(tf.mean(tf.square(xi), -1, true), eps)); // (N, 1)
    const xhat = tf.mul(xi, r); // (N, C)
    save([xhat, r, wi]);
    return {
      value: tf.mul(xhat, wi),
      gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
        const [xh, rs, ws] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D];
        const dxhat = tf.mul(dy, ws);
        const dx = tf.mul(tf.sub(dxhat, tf.mul(xh, tf.mean(tf.mul(dxhat, xh), -1, true))), rs);
        return [dx, columnSum(tf.mul(dy, xh))];
      },
    };
  });
  return op(x, w) as tf.Tensor2D;
}

/** Exact GELU x·Φ(x) (GPT-NeoX); derivative Φ(x) + x·φ(x). */
export const gelu = custom((...args) => {
  const [x, save] = args as [tf.Tensor, tf.GradSaveFunc];
  const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1), 0.5); // Φ(x)
  save([x, cdf]);
  return {
    value: tf.mul(x, cdf),
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [xs, c] = saved as [tf.Tensor, tf.Tensor];
      const pdf = tf.mul(tf.exp(tf.mul(tf.square(xs), -0.5)), 1 / Math.sqrt(2 * Math.PI)); // φ(x)
      return [tf.mul(dy, tf.add(c, tf.mul(xs, pdf)))];
    },
  };
}) as (x: tf.Tensor2D) => tf.Tensor2D;

/** y + b with the bias gradient as a column sum (the stock broadcast gradient reduces over axis 0). */
const biasAdd = custom((...args) => {
  const [y] = args as [tf.Tensor2D, tf.Tensor1D];
  const b = args[1] as tf.Tensor1D;
  return {
    value: tf.add(y, b),
    gradFunc: (dy: tf.Tensor2D) => [dy, columnSum(dy)],
  };
}) as (y: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
