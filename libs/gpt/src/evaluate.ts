// Evaluation (loss and bits per byte over a bounded number of tokens) and seeded sampling.
import * as tf from '@tensorflow/tfjs-core';
import type { GPT } from './model';
import { Rng } from './rng';
import { ByteTokenizer, natsToBpb } from './tokenizer';

export interface EvaluateOptions {
  /** Score at most this many predicted tokens (default: all). */
  maxTokens?: number;
  /** Window length (default: the model's block size). */
  seqLen?: number;
  /** Windows per forward pass (default 8). */
  batchSize?: number;
}

export interface EvalResult {
  /** Mean next-token cross-entropy, nats per token. */
  loss: number;
  /** Bits per byte (byte-level tokens: loss / ln 2). */
  bpb: number;
  /** Number of predicted tokens scored. */
  tokens: number;
}

/** Scores the text in consecutive, non-overlapping windows; each window predicts its own next tokens. */
export function evaluate(model: GPT, tokens: ArrayLike<number>, opts: EvaluateOptions = {}): EvalResult {
  const T = Math.min(opts.seqLen ?? model.config.block_size, model.config.block_size);
  const B = opts.batchSize ?? 8;
  const limit = Math.min(tokens.length - 1, opts.maxTokens ?? Infinity);
  if (limit < 1) throw new Error('evaluate needs at least two tokens');
  // Window starts: stride T, the last window may be shorter.
  const windows: [number, number][] = [];
  for (let start = 0; start < limit; start += T) windows.push([start, Math.min(T, limit - start)]);
  let nats = 0;
  let count = 0;
  for (let i = 0; i < windows.length; ) {
    // Group windows of equal length into one batch.
    const len = windows[i]![1];
    const group: number[] = [];
    while (i < windows.length && windows[i]![1] === len && group.length < B) group.push(windows[i++]![0]);
    const x = new Int32Array(group.length * len);
    const y = new Int32Array(group.length * len);
    group.forEach((start, b) => {
      for (let t = 0; t < len; t++) {
        x[b * len + t] = tokens[start + t]!;
        y[b * len + t] = tokens[start + t + 1]!;
      }
    });
    const mean = tf.tidy(() => {
      const xs = tf.tensor2d(x, [group.length, len], 'int32');
      const ys = tf.tensor2d(y, [group.length, len], 'int32');
      return model.loss(xs, ys).dataSync()[0]!;
    });
    nats += mean * group.length * len;
    count += group.length * len;
  }
  const loss = nats / count;
  return { loss, bpb: natsToBpb(loss), tokens: count };
}

export interface GenerateOptions {
  maxTokens: number;
  /** 0 picks the most likely token; default 1. */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  seed?: number;
  tokenizer?: ByteTokenizer;
}

/** Continues token ids; returns only the new ids. */
export function generateIds(model: GPT, prompt: ArrayLike<number>, opts: GenerateOptions): number[] {
  const rng = new Rng(opts.seed ?? 0);
  const temperature = opts.temperature ?? 1;
  const ids = Array.from(prompt);
  if (ids.length === 0) throw new Error('generate needs a non-empty prompt');
  const out: number[] = [];
  for (let n = 0; n < opts.maxTokens; n++) {
    const ctx = ids.slice(-model.config.block_size);
    const last = tf.tidy(() => {
      const logits = model.logits(tf.tensor2d(ctx, [1, ctx.length], 'int32')); // (1, T, V)
      return logits.slice([0, ctx.length - 1, 0], [1, 1, -1]).dataSync() as Float32Array; // (V)
    });
    const next = sample(last, temperature, opts.topK, rng);
    ids.push(next);
    out.push(next);
  }
  return out;
}

/** Continues a text prompt; returns only the generated text. */
export function generate(model: GPT, prompt: string, opts: GenerateOptions): string {
  const tok = opts.tokenizer ?? new ByteTokenizer();
  return tok.decode(generateIds(model, tok.encode(prompt), opts));
}

function sample(logits: Float32Array, temperature: number, topK: number | undefined, rng: Rng): number {
  const V = logits.length;
  let order = Array.from({ length: V }, (_, i) => i);
  if (temperature <= 0) return order.reduce((best, i) => (logits[i]! > logits[best]! ? i : best), 0);
  if (topK !== undefined && topK > 0 && topK < V) {
    order.sort((a, b) => logits[b]! - logits[a]! || a - b);
    order = order.slice(0, topK);
  }
  let max = -Infinity;
  for (const i of order) max = Math.max(max, logits[i]! / temperature);
  const weights = order.map((i) => Math.exp(logits[i]! / temperature - max));
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rng.next() * total;
  for (let j = 0; j < order.length; j++) {
    r -= weights[j]!;
    if (r <= 0) return order[j]!;
  }
  return order[order.length - 1]!;
}
