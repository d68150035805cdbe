/**
 * Held-out loss of a model on one token stream with @ratchet/gpt's `evaluate` (consecutive,
 * non-overlapping windows of block_size over the first maxTokens + 1 tokens, every token after the
 * first predicted once), called chunk by chunk so that progress is reported and the event loop is
 * not blocked for a whole set. Chunks are whole multiples of the window, so the windows, and the
 * result, are the same as one `evaluate` call over the set.
 */
import { type GPT, evaluate, natsToBpb } from '@ratchet/gpt';

export interface SetScore {
  /** Mean next-token cross-entropy in nats; NaN when the set has fewer than two tokens. */
  loss: number;
  /** Bits per byte (the byte tokenizer has one token per byte). */
  bpb: number;
  /** Tokens predicted. */
  tokens: number;
}

export interface EvaluateSetOptions {
  maxTokens: number;
  /** Windows per forward pass. */
  batchSize?: number;
  /** Called after each chunk with the tokens predicted so far. */
  onProgress?: (done: number) => void;
  /** Stops between chunks. */
  signal?: AbortSignal;
}

/** How many tokens a set of `length` tokens contributes: min(maxTokens, length − 1). */
export const scoredTokenCount = (length: number, maxTokens: number): number => Math.max(0, Math.min(maxTokens, length - 1));

export async function evaluateSet(model: GPT, tokens: Uint8Array, options: EvaluateSetOptions): Promise<SetScore> {
  const total = scoredTokenCount(tokens.length, options.maxTokens);
  if (total === 0) return { loss: Number.NaN, bpb: Number.NaN, tokens: 0 };
  const batchSize = Math.max(1, options.batchSize ?? 8);
  const chunk = batchSize * model.config.block_size;
  let nats = 0;
  for (let start = 0; start < total; start += chunk) {
    options.signal?.throwIfAborted();
    const count = Math.min(chunk, total - start);
    const part = evaluate(model, tokens.subarray(start, start + count + 1), { maxTokens: count, batchSize });
    nats += part.loss * part.tokens;
    options.onProgress?.(start + part.tokens);
    // Let HTTP requests (health, metrics, status) through between chunks.
    await new Promise((resolve) => setImmediate(resolve));
  }
  const loss = nats / total;
  return { loss, bpb: natsToBpb(loss), tokens: total };
}
