import { z } from 'zod';
import { strategyFromSettings } from '@ratchet/continual';
import { configFromName } from '@ratchet/gpt';
import { parsedBy, serviceEnv } from '@ratchet/service-kit';

export const TrainerEnv = serviceEnv(8082, {
  /** Model preset of a lineage that has no LineageConfigured event (see @ratchet/gpt PRESETS). */
  RATCHET_DEFAULT_PRESET: parsedBy((name) => configFromName(name)).default('micro'),
  /** Strategy combination of such a lineage, e.g. `replay+ewc` (see @ratchet/continual parseStrategy), with its default weights. */
  RATCHET_DEFAULT_STRATEGY: parsedBy((spec) => strategyFromSettings({}, spec)).default('replay+ewc'),
  /** Optional cap of optimiser steps per increment (demo and tests); 0 = the lineage's budget decides. */
  RATCHET_MAX_STEPS: z.coerce.number().int().min(0).default(0),
  /** Optimiser steps between in-increment checkpoints, from which a crashed trainer resumes (0: none). */
  RATCHET_CHECKPOINT_EVERY: z.coerce.number().int().min(0).default(25),
  /** Attempts of an increment whose failure is retryable (a store or worker error), before TrainingFailed. */
  RATCHET_TRAIN_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(3),
  /** Wait before the second attempt; doubles per attempt. */
  RATCHET_TRAIN_RETRY_BACKOFF_MS: z.coerce.number().int().min(0).default(1000),
  RATCHET_TF_BACKEND: z.enum(['wasm', 'cpu', 'tensorflow', 'auto']).default('wasm'),
  /** Train in a worker thread so the service stays responsive (off only for debugging). */
  RATCHET_TRAIN_IN_WORKER: z.enum(['true', 'false']).default('true').transform((v) => v === 'true'),
});

export type TrainerConfig = z.infer<typeof TrainerEnv>;
