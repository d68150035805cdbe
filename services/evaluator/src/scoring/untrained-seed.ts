// The init seed of a lineage's first model, which the untrained baseline must share (same config, same seed).
import type { LineageConfigured } from '@ratchet/contracts';

/**
 * The trainer builds a lineage's first model with `new GPT(config, { seed: initSeed ?? training.seed })`
 * (@ratchet/continual runFirstIncrement), taking both from the lineage's `training` settings;
 * continual's DEFAULT_TRAINING.seed (0) applies when neither is set.
 */
export function untrainedSeedOf(config: LineageConfigured | null): number {
  const training = config?.training ?? {};
  for (const key of ['initSeed', 'seed']) {
    const value = training[key];
    if (typeof value === 'number' && Number.isInteger(value)) return value;
  }
  return 0;
}
