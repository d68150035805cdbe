import { ConfigError, loadConfig } from '@ratchet/service-kit';
import { TrainerEnv } from './config';

const problemsFor = (env: Record<string, string>): string[] => {
  try {
    loadConfig(TrainerEnv, env);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  return [];
};

describe('trainer configuration', () => {
  it('takes the default strategy and preset from the environment, or its defaults', () => {
    expect(loadConfig(TrainerEnv, {})).toMatchObject({ RATCHET_DEFAULT_PRESET: 'micro', RATCHET_DEFAULT_STRATEGY: 'replay+ewc' });
    expect(loadConfig(TrainerEnv, { RATCHET_DEFAULT_PRESET: 'tiny', RATCHET_DEFAULT_STRATEGY: 'l2 + ewc' })).toMatchObject({ RATCHET_DEFAULT_PRESET: 'tiny', RATCHET_DEFAULT_STRATEGY: 'l2 + ewc' });
  });

  it('refuses an unknown strategy or preset at start-up, naming the variable and why', () => {
    expect(problemsFor({ RATCHET_DEFAULT_STRATEGY: 'replay+ewx', RATCHET_DEFAULT_PRESET: 'mikro' })).toEqual([
      expect.stringMatching(/^RATCHET_DEFAULT_PRESET: unknown GPT preset "mikro"; known presets: tiny, /),
      expect.stringMatching(/^RATCHET_DEFAULT_STRATEGY: invalid strategy: spec: unknown strategy "ewx" in "replay\+ewx"/),
    ]);
    expect(problemsFor({ RATCHET_DEFAULT_STRATEGY: '' })).toEqual([expect.stringMatching(/^RATCHET_DEFAULT_STRATEGY: .*unknown strategy ""/)]);
  });
});
