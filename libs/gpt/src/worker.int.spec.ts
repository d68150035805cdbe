// runInWorker against real worker threads.
import * as path from 'node:path';
import { threadId } from 'node:worker_threads';
import { CheckpointFiles, loadCheckpoint, runInWorker } from './index';

const fixtures = path.join(__dirname, '__fixtures__');

describe('runInWorker', () => {
  it('runs a compiled JS export off the main thread and streams progress', async () => {
    const progress: number[] = [];
    const out = await runInWorker<{ values: number[] }, { doubled: number[]; threadId: number }, number>(
      path.join(fixtures, 'worker-task.js'),
      'double',
      { values: [1, 2, 3] },
      { onProgress: (p) => progress.push(p) },
    );
    expect(out.doubled).toEqual([2, 4, 6]);
    expect(out.threadId).not.toBe(threadId);
    expect(progress).toEqual([0, 1, 2]);
  });

  it('trains a model from a TypeScript module in a worker, with a flat tensor count and a loadable checkpoint', async () => {
    const steps: number[] = [];
    const out = await runInWorker<
      { steps: number; text: string },
      { backend: string; tensorCounts: number[]; ckpt: CheckpointFiles; threadId: number },
      { step: number; loss: number }
    >(path.join(fixtures, 'worker-task.ts'), 'trainTiny', { steps: 4, text: 'to be or not to be '.repeat(10) }, {
      onProgress: (p) => steps.push(p.step),
    });
    expect(out.backend).toBe('wasm');
    expect(steps).toEqual([0, 1, 2, 3]);
    expect(new Set(out.tensorCounts.slice(1)).size).toBe(1);
    expect(loadCheckpoint(out.ckpt).trainer!.step).toBe(4);
  });

  it('keeps the main thread responsive while the worker trains', async () => {
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 20);
    let firstStepAt: number | undefined;
    let out: { steps: number; ms: number };
    try {
      out = await runInWorker(path.join(fixtures, 'worker-task.ts'), 'trainFor', { ms: 2500, text: 'tick tock '.repeat(20) }, {
        onProgress: () => (firstStepAt ??= performance.now()),
      });
    } finally {
      clearInterval(timer);
    }
    const doneAt = performance.now();
    expect(out.steps).toBeGreaterThan(10);
    expect(doneAt - firstStepAt!).toBeGreaterThan(2000); // the job really ran that long while we watched
    // Gaps between main-thread timer ticks from the first training step to the result: a blocked loop shows one of ~2.5 s.
    const marks = [firstStepAt!, ...ticks.filter((t) => t > firstStepAt! && t < doneAt), doneAt];
    const maxGap = Math.max(...marks.slice(1).map((t, i) => t - marks[i]!));
    expect(maxGap).toBeLessThan(500);
  });

  it('rejects with the remote error, and for a missing export', async () => {
    await expect(runInWorker(path.join(fixtures, 'worker-task.ts'), 'fails', {})).rejects.toThrow(/deliberate failure/);
    await expect(runInWorker(path.join(fixtures, 'worker-task.js'), 'nope', {})).rejects.toThrow(/does not export a function named nope/);
  });

  it('can be aborted', async () => {
    const ac = new AbortController();
    const p = runInWorker(path.join(fixtures, 'worker-task.ts'), 'trainTiny', { steps: 1000, text: 'abc '.repeat(20) }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 50);
    await expect(p).rejects.toThrow(/aborted/);
  });
});
