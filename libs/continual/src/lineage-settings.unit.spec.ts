import { InvalidSettingsError } from './settings-error';
import { strategyFromSettings, trainingFromSettings } from './lineage-settings';
import { parseStrategy } from './strategy-config';

const problemsOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    if (e instanceof InvalidSettingsError) return e.problems;
    throw e;
  }
  throw new Error('expected an InvalidSettingsError');
};

describe('lineage settings', () => {
  it('resolves a strategy spec with weights over the given default spec', () => {
    expect(strategyFromSettings({}, 'replay+ewc')).toEqual(parseStrategy('replay+ewc'));
    const s = strategyFromSettings({ spec: 'replay', replay: { ratio: 0.25 } }, 'ewc');
    expect([s.replay.enabled, s.replay.ratio, s.ewc.enabled]).toEqual([true, 0.25, false]);
  });

  it('names every bad strategy field and why', () => {
    expect(() => parseStrategy('replay+ewx')).toThrow(InvalidSettingsError);
    expect(problemsOf(() => strategyFromSettings({ spec: 'replay+ewx', repaly: {}, ewc: { gamma: 2, lamda: 1 }, distill: { weight: '1' } }, 'naive'))).toEqual([
      { field: 'repaly', reason: expect.stringMatching(/unknown setting/) },
      { field: 'ewc.lamda', reason: expect.stringMatching(/unknown setting/) },
      { field: 'distill.weight', reason: 'must be a number, got "1"' },
      { field: 'spec', reason: expect.stringMatching(/unknown strategy "ewx"/) },
    ]);
    expect(problemsOf(() => strategyFromSettings({ spec: 3 }, 'naive'))).toEqual([{ field: 'spec', reason: expect.stringMatching(/must be a string/) }]);
    expect(problemsOf(() => strategyFromSettings({ ewc: { gamma: 2 } }, 'ewc'))).toEqual([{ field: 'ewc.gamma', reason: 'must be in [0, 1]' }]);
  });

  it('accepts training overrides in range and refuses the others', () => {
    const ok = { batchSize: 4, seqLen: 32, budget: { tokens: 1024 }, initialLr: 1e-3, warmupFraction: 0 };
    expect(trainingFromSettings(ok, { blockSize: 32 })).toEqual(ok);
    expect(trainingFromSettings({ budget: { epochs: 2 } })).toEqual({ budget: { epochs: 2 } });
    expect(problemsOf(() => trainingFromSettings({ batchSize: 0, initialLr: -1, seqLen: 64, budget: { steps: 3 }, lr: 1 }, { blockSize: 32 }))).toEqual([
      { field: 'lr', reason: expect.stringMatching(/unknown setting/) },
      { field: 'budget', reason: 'must be { tokens: n } or { epochs: n }' },
      { field: 'batchSize', reason: 'must be a positive integer, got 0' },
      { field: 'initialLr', reason: 'must be > 0, got -1' },
      { field: 'seqLen', reason: "must be at most the model's block_size 32, got 64" },
    ]);
    expect(() => trainingFromSettings({ budget: { tokens: 0 } })).toThrow('invalid training: budget.tokens: must be a number > 0');
  });
});
