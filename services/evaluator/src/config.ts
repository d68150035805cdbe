// The evaluator's settings: the kit's shared ones plus how much it scores and on which backend.
import { loadConfig, serviceEnv } from '@ratchet/service-kit';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

export const EvaluatorEnv = serviceEnv(8083, {
  /** Tokens scored per held-out set and model (the first ones of the set; bounded so evaluation cost stays flat). */
  RATCHET_EVAL_MAX_TOKENS: positiveInt.default(8192),
  /** Windows of block_size tokens per forward pass. */
  RATCHET_EVAL_BATCH_SIZE: positiveInt.default(8),
  /** Scores kept in memory per (model, eval set, max tokens), so a champion is not re-scored for every candidate. */
  RATCHET_EVAL_CACHE_ENTRIES: positiveInt.default(4096),
  /** Score the untrained model (same config and init seed) on every set, or only for a lineage's first model. */
  RATCHET_EVAL_UNTRAINED: z.enum(['always', 'first']).default('always'),
  /** Attempts per checkpoint before the evaluator gives up on it and publishes ScoringFailed (the registry then rejects it). */
  RATCHET_EVAL_MAX_ATTEMPTS: positiveInt.default(3),
  /** Wait before the second attempt; it doubles for every further one. */
  RATCHET_EVAL_RETRY_BACKOFF_MS: z.coerce.number().int().nonnegative().default(1000),
  /** Score in a worker thread so the service stays responsive (off: in the service's thread, fine for tiny models). */
  RATCHET_EVAL_IN_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
  RATCHET_TF_BACKEND: z.enum(['wasm', 'cpu', 'tensorflow', 'auto']).default('wasm'),
});

export type EvaluatorConfig = z.infer<typeof EvaluatorEnv>;

export function loadEvaluatorConfig(env: NodeJS.ProcessEnv = process.env): EvaluatorConfig {
  return loadConfig(EvaluatorEnv, env);
}
