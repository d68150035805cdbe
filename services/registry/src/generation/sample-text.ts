// Autoregressive sampling from a GPT: temperature, top-k, a seeded RNG (same seed, same text).
// libs/gpt has no generate() yet; this is the small loop the registry needs, over GPT.logits.
import * as tf from '@tensorflow/tfjs-core';
import { ByteTokenizer, GPT, Rng } from '@ratchet/gpt';

export interface SamplingOptions {
  maxTokens: number;
  /** 0: always the most likely token. */
  temperature: number;
  /** Sample among the k most likely tokens; 0: among all. */
  topK: number;
  seed: number;
}

/** The next-token logits after `context` (the last block_size tokens are used). */
function nextLogits(model: GPT, context: number[]): Float32Array {
  const window = context.slice(-model.config.block_size);
  const T = window.length;
  const V = model.config.vocab_size;
  return tf.tidy(() => {
    const idx = tf.tensor2d([window], [1, T], 'int32'); // (1, T)
    const logits = model.logits(idx); // (1, T, V)
    return logits.slice([0, T - 1, 0], [1, 1, V]).dataSync() as Float32Array; // (V)
  });
}

/** Picks a token from logits: argmax at temperature 0, else softmax(logits / t) over the top k. */
export function pickToken(logits: ArrayLike<number>, temperature: number, topK: number, rng: Rng): number {
  const order = Array.from({ length: logits.length }, (_, i) => i).sort((a, b) => logits[b]! - logits[a]! || a - b);
  if (temperature <= 0) return order[0]!;
  const kept = topK > 0 ? order.slice(0, topK) : order;
  const max = logits[kept[0]!]!;
  const weights = kept.map((i) => Math.exp((logits[i]! - max) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = rng.next() * total;
  for (let i = 0; i < kept.length; i++) {
    u -= weights[i]!;
    if (u < 0) return kept[i]!;
  }
  return kept[kept.length - 1]!;
}

/** Generates up to `maxTokens` tokens after `prompt` (an empty prompt starts after a newline). */
export function sampleText(model: GPT, tokenizer: ByteTokenizer, prompt: string, options: SamplingOptions): { text: string; tokens: number } {
  const rng = new Rng(options.seed);
  const context = Array.from(tokenizer.encode(prompt));
  if (context.length === 0) context.push(10);
  const generated: number[] = [];
  for (let i = 0; i < options.maxTokens; i++) {
    const token = pickToken(nextLogits(model, context), options.temperature, options.topK, rng);
    generated.push(token);
    context.push(token);
  }
  return { text: tokenizer.decode(generated), tokens: generated.length };
}
