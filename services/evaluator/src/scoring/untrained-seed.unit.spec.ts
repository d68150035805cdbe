import { DEFAULT_TRAINING } from '@ratchet/continual';
import { untrainedSeedOf } from './untrained-seed';

const configured = (training: Record<string, unknown>) => ({ lineage: 'lin', preset: 'tiny', modelOverrides: {}, strategy: {}, training, policy: {} });

describe('untrained model seed', () => {
  it("is the lineage's training seed, as the trainer's first increment uses it", () => {
    expect(untrainedSeedOf(configured({ seed: 42 }))).toBe(42);
  });

  it('falls back to the default training seed without a usable setting', () => {
    expect(untrainedSeedOf(null)).toBe(DEFAULT_TRAINING.seed);
    expect(untrainedSeedOf(configured({ seed: 'x' }))).toBe(DEFAULT_TRAINING.seed);
  });
});
