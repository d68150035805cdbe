// The init seed of a lineage's first model, which the untrained baseline must share (same config, same seed).
import type { LineageConfigured } from '@ratchet/contracts';
import { DEFAULT_TRAINING } from '@ratchet/continual';

/**
 * The trainer builds a lineage's first model with @ratchet/continual's runFirstIncrement, whose
 * init seed is the lineage's `training.seed` (LineageConfigured), else DEFAULT_TRAINING.seed.
 */
export function untrainedSeedOf(config: LineageConfigured | null): number {
  const seed = config?.training?.['seed'];
  return typeof seed === 'number' && Number.isInteger(seed) ? seed : DEFAULT_TRAINING.seed;
}
