import { InvalidSettingsError, parseStrategy } from '@ratchet/continual';
import { LineageConfigured } from '@ratchet/contracts';
import { WorkerTaskError, configFromName } from '@ratchet/gpt';
import { checkpointIdOf, resolveSettings } from './lineage-settings';
import { classifyFailure } from './failure';

const defaults = { preset: 'tiny', strategy: 'replay+ewc', maxSteps: 0 };
const configured = (over: Partial<LineageConfigured>): LineageConfigured => ({ lineage: 'lin', preset: 'tiny', modelOverrides: {}, strategy: {}, training: {}, policy: {}, ...over });

describe('lineage settings', () => {
  it('uses the service defaults for a lineage that was never configured', () => {
    const s = resolveSettings(null, defaults);
    expect(s.model.n_layer).toBeGreaterThan(0);
    expect(s.strategy.replay.enabled).toBe(true);
    expect(s.strategy.ewc.enabled).toBe(true);
    expect(s.strategy.distill.enabled).toBe(false);
    expect(s.training).toEqual({});
  });

  it('applies the configured strategy spec, weights and model overrides', () => {
    const s = resolveSettings(configured({ strategy: { spec: 'replay', replay: { ratio: 0.25 } }, modelOverrides: { n_layer: 1 } }), defaults);
    expect(s.strategy.ewc.enabled).toBe(false);
    expect(s.strategy.replay).toMatchObject({ enabled: true, ratio: 0.25 });
    expect(s.model.n_layer).toBe(1);
  });

  it('turns a step cap into a token budget', () => {
    const s = resolveSettings(configured({ training: { batchSize: 4, seqLen: 8 } }), { ...defaults, maxSteps: 5 });
    expect(s.training.budget).toEqual({ tokens: 5 * 4 * 8 });
  });

  it('refuses an invalid setting with a message naming it', () => {
    expect(() => resolveSettings(configured({ strategy: { replay: { ratio: 2 } } }), defaults)).toThrow(/replay.ratio/);
    expect(() => resolveSettings(configured({ preset: 'no-such-preset' }), defaults)).toThrow(/no-such-preset/);
    expect(() => resolveSettings(configured({ strategy: { spec: 'replay+ewx' } }), defaults)).toThrow(InvalidSettingsError);
    expect(() => resolveSettings(configured({ training: { seqLen: 64 } }), defaults)).toThrow(/seqLen: must be at most the model's block_size 16/);
  });

  it('derives the checkpoint id from parent, batch and settings only', () => {
    const s = resolveSettings(null, defaults);
    const id = checkpointIdOf('lin', 'ck-parent', 'b1', s);
    expect(id).toMatch(/^ck-[0-9a-f]{20}$/);
    expect(checkpointIdOf('lin', 'ck-parent', 'b1', resolveSettings(null, defaults))).toBe(id);
    expect(checkpointIdOf('lin', null, 'b1', s)).not.toBe(id);
    expect(checkpointIdOf('lin', 'ck-parent', 'b2', s)).not.toBe(id);
    expect(checkpointIdOf('lin', 'ck-parent', 'b1', resolveSettings(null, { ...defaults, strategy: 'naive' }))).not.toBe(id);
  });
});

describe('failure classification', () => {
  it.each([
    ['training diverged at step 3 (loss NaN)', 'diverged', false],
    ['batch b1 has 10 tokens, fewer than one window of 65', 'invalid-data', false],
    ['ECONNRESET', 'error', true],
  ])('%s → %s', (message, reason, retryable) => {
    expect(classifyFailure(new Error(message))).toEqual({ reason, message, retryable });
  });

  const caught = (f: () => unknown): Error => {
    try {
      f();
    } catch (e) {
      return e as Error;
    }
    throw new Error('expected a throw');
  };

  it('sorts a bad strategy, training setting or model config into invalid-data, thrown here or in the worker', () => {
    const unknownStrategy = caught(() => parseStrategy('replay+ewx'));
    const badSeqLen = caught(() => resolveSettings(configured({ training: { seqLen: 64 } }), defaults));
    const badModel = caught(() => configFromName('tiny', { n_head: 3 }));
    for (const error of [unknownStrategy, badSeqLen, badModel]) {
      const remote = new WorkerTaskError(`runIncrementJob failed: ${error.message}`, error.name, error.stack);
      for (const e of [error, remote]) expect(classifyFailure(e)).toEqual({ reason: 'invalid-data', message: e.message, retryable: false });
    }
    expect(classifyFailure(new WorkerTaskError('worker for runIncrementJob crashed: out of memory', 'RangeError'))).toMatchObject({ reason: 'error', retryable: true });
  });
});
