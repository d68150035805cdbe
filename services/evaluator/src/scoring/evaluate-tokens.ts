/**
 * Held-out loss of a model on a token stream. libs/gpt has no evaluation helper yet, so this is a
 * minimal one on the model's loss API; it is a plain async function (no NestJS) so it can move
 * into libs/gpt or a worker thread unchanged.
 *
 * The first `maxTokens + 1` tokens are cut into consecutive, non-overlapping windows of the
 * model's block_size (the last one may be shorter); every token after the first is predicted
 * exactly once, so the mean loss is over min(maxTokens, n − 1) predictions. Deterministic windows
 * (not random ones as in nanoGPT's estimate_loss) make two models' scores on a set comparable and
 * let a score be cached.
 */
import * as tf from '@tensorflow/tfjs-core';
import { GPT, natsToBpb } from '@ratchet/gpt';

export interface SetScore {
  /** Mean next-token cross-entropy in nats; NaN when nothing could be scored. */
  loss: number;
  /** Bits per byte (the byte tokenizer has one token per byte). */
  bpb: number;
  /** Tokens predicted. */
  tokens: number;
}

export interface EvaluateOptions {
  maxTokens: number;
  /** Windows per forward pass. */
  batchSize?: number;
  /** Called after each forward pass with the tokens predicted so far. */
  onProgress?: (done: number, total: number) => void;
  /** Stops between forward passes (service shutdown). */
  signal?: AbortSignal;
}

/** How many tokens `evaluateTokens` predicts for a stream of `length` tokens. */
export const scoredTokenCount = (length: number, maxTokens: number): number => Math.max(0, Math.min(maxTokens, length - 1));

export async function evaluateTokens(model: GPT, tokens: Uint8Array, options: EvaluateOptions): Promise<SetScore> {
  const total = scoredTokenCount(tokens.length, options.maxTokens);
  if (total === 0) return { loss: Number.NaN, bpb: Number.NaN, tokens: 0 };
  const T = model.config.block_size;
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const fullWindows = Math.floor(total / T);
  const tail = total - fullWindows * T;
  let nats = 0;
  let done = 0;

  const run = async (start: number, rows: number, length: number): Promise<void> => {
    options.signal?.throwIfAborted();
    const inputs = new Int32Array(rows * length);
    const targets = new Int32Array(rows * length);
    for (let r = 0; r < rows; r++) {
      const offset = start + r * length;
      for (let t = 0; t < length; t++) {
        inputs[r * length + t] = tokens[offset + t]!;
        targets[r * length + t] = tokens[offset + t + 1]!;
      }
    }
    const loss = tf.tidy(() => model.loss(tf.tensor2d(inputs, [rows, length], 'int32'), tf.tensor2d(targets, [rows, length], 'int32')));
    try {
      nats += (await loss.data())[0]! * rows * length;
    } finally {
      loss.dispose();
    }
    done += rows * length;
    options.onProgress?.(done, total);
    // Let HTTP requests (health, metrics, progress) through between forward passes.
    await new Promise((resolve) => setImmediate(resolve));
  };

  for (let w = 0; w < fullWindows; w += batchSize) {
    const rows = Math.min(batchSize, fullWindows - w);
    await run(w * T, rows, T);
  }
  if (tail > 0) await run(fullWindows * T, 1, tail);
  const loss = nats / total;
  return { loss, bpb: natsToBpb(loss), tokens: total };
}
