import { initBackend, loadCheckpoint, lrAt } from '@ratchet/gpt';
import { continualExtraOf, runFirstIncrement, runIncrement, type IncrementProgress } from './increment-trainer';
import { DEFAULT_STRATEGY, parseStrategy, withStrategy } from './strategy-config';
import { batchA, batchB, config, bytes } from './__fixtures__/two-batches';

beforeAll(async () => {
  await initBackend('cpu');
});

const training = { batchSize: 4, budget: { tokens: 4 * 16 * 4 }, seed: 1, progressEvery: 2 };
// Kept tiny (4 steps of 4×16 tokens): these tests check wiring and state, not learning.

describe('runIncrement', () => {
  it('trains a first model from a config, with progress, and records the batch in the replay index', async () => {
    const progress: IncrementProgress[] = [];
    const { checkpoint, stats } = await runFirstIncrement({ config, batch: batchA, strategy: DEFAULT_STRATEGY, training, onProgress: (p) => progress.push(p) });
    expect(stats).toMatchObject({ steps: 4, tokens: 4 * 4 * 16, replayTokens: 0, startStep: 0 });
    expect(stats.schedule.kind).toBe('cosine');
    expect(progress.filter((p) => p.phase === 'train').map((p) => p.step)).toEqual([2, 4]);
    const state = loadCheckpoint(checkpoint);
    expect(state.trainer?.step).toBe(4);
    expect(continualExtraOf(state)).toMatchObject({ batches: ['a'], ewcIncrements: 0 });
    expect(continualExtraOf(state)!.reservoir.batches.map((b) => b.id)).toEqual(['a']);
  });

  it('resumes the champion, re-warms the LR to the smaller increment peak, and runs every strategy together', async () => {
    const first = await runFirstIncrement({ config, batch: batchA, strategy: withStrategy(parseStrategy('ewc'), { ewc: { fisherSamples: 2 } }), training });
    const firstState = loadCheckpoint(first.checkpoint);
    // EWC on: the first model already carries a Fisher and an anchor for the next increment.
    expect([...(firstState.extraTensors ?? new Map()).keys()].some((k) => k.startsWith('ewc.fisher.'))).toBe(true);

    const strategy = withStrategy(parseStrategy('replay+ewc+l2+distill'), { replay: { ratio: 0.25 }, ewc: { fisherSamples: 2 } });
    const { checkpoint, stats } = await runIncrement({
      champion: first.checkpoint,
      batch: batchB,
      strategy,
      training,
      replayTokens: new Map([['a', batchA.tokens]]),
    });
    expect(stats.startStep).toBe(4);
    expect(stats.replayTokens).toBe(4 * 4 * 0.25 * 16);
    expect(stats.schedule).toMatchObject({ kind: 'rewarm', startStep: 4, peakLr: 1.5e-3 });
    // the LR climbs back from the previous end to the new peak, then decays again
    expect(lrAt(3, stats.schedule)).toBeCloseTo(1.5e-4, 12);
    expect(lrAt(4, stats.schedule)).toBeCloseTo(1.5e-3, 12);
    expect(lrAt(7, stats.schedule)).toBeLessThan(1.5e-3);
    expect(Number.isFinite(stats.finalLoss)).toBe(true);
    const state = loadCheckpoint(checkpoint);
    expect(state.trainer?.step).toBe(8);
    const extra = continualExtraOf(state)!;
    expect(extra.batches).toEqual(['a', 'b']);
    expect(extra.ewcIncrements).toBe(2);
    expect(Object.keys(extra.reservoir.items)).toEqual(['a', 'b']);
  });

  it('is deterministic given the seed', async () => {
    const run = async () => (await runFirstIncrement({ config, batch: batchA, strategy: DEFAULT_STRATEGY, training })).checkpoint.manifest.files;
    const [x, y] = [await run(), await run()];
    expect(x['model.safetensors']).toEqual(y['model.safetensors']);
  });

  it('refuses replay without the earlier batches text, and a batch shorter than one window', async () => {
    const first = await runFirstIncrement({ config, batch: batchA, strategy: DEFAULT_STRATEGY, training });
    await expect(runIncrement({ champion: first.checkpoint, batch: batchB, strategy: parseStrategy('replay'), training })).rejects.toThrow(
      /train tokens of batches a/,
    );
    await expect(runFirstIncrement({ config, batch: { id: 'x', tokens: bytes('ab', 2) }, strategy: DEFAULT_STRATEGY, training })).rejects.toThrow(
      /fewer than one window/,
    );
  });
});
