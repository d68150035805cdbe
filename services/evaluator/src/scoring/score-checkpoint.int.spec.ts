// scoreCheckpoint against a local-folder object store: scores, cache reuse and flat tensor count.
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@ratchet/gpt';
import { LocalObjectStore } from '@ratchet/objectstore';
import { LINEAGE, storeBatch, storeCheckpoint, trainTiny } from '../__fixtures__/lineage-fixture';
import { workerScorer } from './model-scorer';
import { ScoreCache } from './score-cache';
import { type ScoringJob, type ScoringProgress, scoreCheckpoint } from './score-checkpoint';

jest.setTimeout(60_000);

describe('scoreCheckpoint', () => {
  let dir: string;
  let store: LocalObjectStore;
  let job: ScoringJob;

  beforeAll(async () => {
    await initBackend('wasm');
    dir = await mkdtemp(join(tmpdir(), 'ratchet-eval-score-'));
    store = await LocalObjectStore.open(join(dir, 'objects'));
    const b1 = await storeBatch(store, 'b1');
    const b2 = await storeBatch(store, 'b2');
    const s1 = trainTiny('the quick brown fox jumps over the lazy dog. ', 20);
    const c1 = await storeCheckpoint(store, 'c1', s1, 'b1', null);
    const c2 = await storeCheckpoint(store, 'c2', trainTiny('pack my box with five dozen liquor jugs! ', 20, s1), 'b2', 'c1');
    const ref = (e: typeof c1) => ({ checkpointId: e.data.checkpointId, objectKey: e.data.objectKey, manifestSha256: e.data.manifestSha256 });
    job = {
      lineage: LINEAGE,
      batchId: 'b2',
      candidate: ref(c2),
      baseline: ref(c1),
      untrainedSeed: 0,
      sets: [b1, b2].map((b) => ({ batchId: b.data.batchId, key: b.data.heldOut.key, sha256: b.data.heldOut.sha256, isNew: b.data.batchId === 'b2' })),
      line: [],
    };
  }, 60_000);
  afterAll(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('scores candidate, champion and untrained model on every set, reporting progress up to the total', async () => {
    const progress: ScoringProgress[] = [];
    const scores = await scoreCheckpoint(job, { store, cache: new ScoreCache(100), maxTokens: 200, batchSize: 4, onProgress: (p) => progress.push(p) });
    expect(scores).toMatchObject({ checkpointId: 'c2', baselineId: 'c1', batchId: 'b2' });
    expect(scores.sets.map((s) => [s.batchId, s.isNew, s.tokens])).toEqual([['b1', false, 200], ['b2', true, 200]]);
    for (const s of scores.sets) {
      for (const score of [s.candidate, s.baseline!, s.untrained!]) expect(Number.isFinite(score.bpb) && Number.isFinite(score.loss)).toBe(true);
      // Trained models beat the untrained one (≈ 8 bits per byte) on text they saw.
      expect(s.untrained!.bpb!).toBeGreaterThan(s.candidate.bpb! + 1);
      expect(s.candidate.bpb).toBeCloseTo(s.candidate.loss! / Math.LN2, 10);
    }
    // c2 trained on b2 after c1: better than c1 there.
    expect(scores.plasticity).toBeGreaterThan(0);
    expect(scores.plasticity).toBeCloseTo(scores.sets[1]!.baseline!.bpb! - scores.sets[1]!.candidate.bpb!, 10);
    expect(scores.retention).toBeCloseTo(scores.sets[0]!.baseline!.bpb! - scores.sets[0]!.candidate.bpb!, 10);
    expect(progress.length).toBeGreaterThan(0);
    expect(progress.every((p, i) => p.done <= p.total && (i === 0 || p.done >= progress[i - 1]!.done))).toBe(true);
    expect(progress.at(-1)!.done).toBe(progress.at(-1)!.total);
    expect(new Set(progress.map((p) => p.model))).toEqual(new Set(['candidate', 'baseline', 'untrained']));
  });

  it('serves the champion and untrained scores from the cache and keeps the tensor count flat', async () => {
    const cache = new ScoreCache(100);
    const before = tf.memory().numTensors;
    const first = await scoreCheckpoint(job, { store, cache, maxTokens: 200 });
    const progress: ScoringProgress[] = [];
    const second = await scoreCheckpoint(job, { store, cache, maxTokens: 200, onProgress: (p) => progress.push(p) });
    expect(tf.memory().numTensors).toBe(before);
    expect(second).toEqual(first);
    expect(progress).toEqual([]); // every score came from the cache
    expect(cache.hits).toBe(6);
    // The cache is keyed by max tokens too: a different bound recomputes.
    const third = await scoreCheckpoint(job, { store, cache: cache, maxTokens: 100 });
    expect(third.sets[0]!.tokens).toBe(100);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the same scores in a worker thread, with progress streamed back', async () => {
    const inThread = await scoreCheckpoint(job, { store, cache: new ScoreCache(100), maxTokens: 120 });
    const progress: ScoringProgress[] = [];
    const inWorker = await scoreCheckpoint(job, { store, cache: new ScoreCache(100), maxTokens: 120, scorer: workerScorer('wasm'), onProgress: (p) => progress.push(p) });
    expect(inWorker.sets.map((s) => s.tokens)).toEqual(inThread.sets.map((s) => s.tokens));
    inWorker.sets.forEach((s, i) => {
      expect(s.candidate.loss).toBeCloseTo(inThread.sets[i]!.candidate.loss!, 5);
      expect(s.baseline!.loss).toBeCloseTo(inThread.sets[i]!.baseline!.loss!, 5);
      expect(s.untrained!.loss).toBeCloseTo(inThread.sets[i]!.untrained!.loss!, 5);
    });
    expect(progress.at(-1)).toMatchObject({ done: progress.at(-1)!.total, checkpointId: 'c2' });
  });

  it('stops at the next chunk when aborted, disposing the model in hand', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const progress: ScoringProgress[] = [];
    const scoring = scoreCheckpoint(job, {
      store,
      cache: new ScoreCache(10),
      maxTokens: 200,
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        controller.abort();
      },
    });
    await expect(scoring).rejects.toThrow(/abort/i);
    expect(progress).toHaveLength(1);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a checkpoint whose manifest differs from the announced one, leaking no tensors', async () => {
    const before = tf.memory().numTensors;
    const bad = { ...job, baseline: { ...job.baseline!, manifestSha256: 'f'.repeat(64) } };
    await expect(scoreCheckpoint(bad, { store, cache: new ScoreCache(10), maxTokens: 50 })).rejects.toThrow(/sha256/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
