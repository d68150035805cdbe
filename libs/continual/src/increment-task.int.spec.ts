// The increment as the trainer service runs it: in a worker thread through @ratchet/gpt's runInWorker.
import { join } from 'node:path';
import { configFromName, loadCheckpoint, runInWorker } from '@ratchet/gpt';
import type { IncrementProgress, IncrementResult } from './increment-trainer';
import type { IncrementTaskInput } from './increment-task';
import { continualExtraOf } from './increment-trainer';
import { DEFAULT_STRATEGY } from './strategy-config';

describe('incrementTask in a worker thread', () => {
  it('trains a first model, streams progress and returns a loadable checkpoint', async () => {
    const progress: IncrementProgress[] = [];
    const input: IncrementTaskInput = {
      config: configFromName('tiny'),
      batch: { id: 'w', tokens: new TextEncoder().encode('worker threads keep services responsive. '.repeat(10)) },
      strategy: DEFAULT_STRATEGY,
      training: { batchSize: 2, budget: { tokens: 2 * 16 * 2 }, progressEvery: 1 },
      backend: 'cpu',
    };
    const out = await runInWorker<IncrementTaskInput, IncrementResult, IncrementProgress>(join(__dirname, 'increment-task.ts'), 'incrementTask', input, {
      onProgress: (p) => progress.push(p),
    });
    expect(progress.filter((p) => p.phase === 'train').map((p) => p.step)).toEqual([1, 2]);
    const state = loadCheckpoint(out.checkpoint);
    expect(state.trainer?.step).toBe(2);
    expect(continualExtraOf(state)?.batches).toEqual(['w']);
  });
});
