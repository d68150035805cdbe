import { CheckpointFiles, initBackend, loadCheckpoint } from '@ratchet/gpt';
import { runFirstIncrement, runIncrement } from './increment-trainer';
import { parseStrategy, withStrategy } from './strategy-config';
import { batchA, batchB, config } from './__fixtures__/two-batches';

beforeAll(async () => {
  await initBackend('cpu');
});

const training = { batchSize: 4, budget: { tokens: 4 * 16 * 6 }, seed: 1 };
const strategy = withStrategy(parseStrategy('replay+ewc'), { replay: { ratio: 0.25 }, ewc: { fisherSamples: 2 } });

const weightsOf = (files: CheckpointFiles) => loadCheckpoint(files).weights;

describe('an increment interrupted after an in-increment checkpoint', () => {
  it('resumes from it and ends with exactly the model of an uninterrupted run', async () => {
    const champion = (await runFirstIncrement({ config, batch: batchA, strategy, training })).checkpoint;
    const common = { champion, batch: batchB, strategy, training, replayTokens: new Map([['a', batchA.tokens]]) };

    const partials: [number, CheckpointFiles][] = [];
    const whole = await runIncrement({ ...common, checkpointEvery: 2, onCheckpoint: (files, step) => partials.push([step, files]) });
    expect(partials.map(([step]) => step)).toEqual([2, 4]); // none at the last step: the result is the checkpoint

    const [, atFour] = partials[1]!;
    const resumed = await runIncrement({ ...common, resumeFrom: atFour });
    expect(resumed.stats.steps).toBe(whole.stats.steps);
    expect([whole.stats.resumedAtStep, resumed.stats.resumedAtStep]).toEqual([0, 4]);
    expect(resumed.stats.startStep).toBe(whole.stats.startStep);
    expect(resumed.stats.finalLoss).toBeCloseTo(whole.stats.finalLoss, 6);
    const a = weightsOf(whole.checkpoint);
    const b = weightsOf(resumed.checkpoint);
    for (const [name, tensor] of a) {
      const other = b.get(name)!.data;
      let maxDiff = 0;
      tensor.data.forEach((v, i) => (maxDiff = Math.max(maxDiff, Math.abs(v - other[i]!))));
      expect(maxDiff).toBeLessThan(1e-6);
    }
    expect(loadCheckpoint(resumed.checkpoint).trainer?.step).toBe(loadCheckpoint(whole.checkpoint).trainer?.step);
  });

  it('refuses an in-increment checkpoint of another batch', async () => {
    const partials: CheckpointFiles[] = [];
    await runFirstIncrement({ config, batch: batchA, strategy, training, checkpointEvery: 3, onCheckpoint: (files) => partials.push(files) });
    await expect(runFirstIncrement({ config, batch: batchB, strategy, training, resumeFrom: partials[0]! })).rejects.toThrow(/belongs to batch a/);
  });
});
