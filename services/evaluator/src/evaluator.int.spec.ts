// The evaluator app on the embedded runtime (file event log + local folder store in a temp dir).
import type { INestApplication } from '@nestjs/common';
import * as tf from '@tensorflow/tfjs-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AnyEvent, EventOf, createEvent } from '@ratchet/contracts';
import { EventLog, FileEventLog } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { CheckpointState, initBackend } from '@ratchet/gpt';
import { LocalObjectStore, ObjectStore } from '@ratchet/objectstore';
import { LineageProjection, startService } from '@ratchet/service-kit';
import { heldOutSplitKey } from '@ratchet/artifacts';
import { LINEAGE, TEXTS, promoted, storeBatch, storeCheckpoint, trainTiny } from './__fixtures__/lineage-fixture';
import { AppModule, EvaluatorService, ScoringProgress, loadEvaluatorConfig, retentionScoredId, scoringFailedId } from '.';

jest.setTimeout(120_000);

const MAX_TOKENS = 200;

describe('evaluator service', () => {
  let dir: string;
  let log: EventLog;
  let store: ObjectStore;
  let s1: CheckpointState;
  let s2: CheckpointState;

  beforeAll(async () => {
    // The app initialises its backend too; the fixtures train before it starts.
    await initBackend('wasm');
    s1 = trainTiny(TEXTS.b1, 20);
    s2 = trainTiny(TEXTS.b2, 20, s1);
  }, 60_000);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-evaluator-'));
    log = await FileEventLog.open({ dir: join(dir, 'log') });
    store = await LocalObjectStore.open(join(dir, 'objects'));
  });
  afterEach(async () => {
    await log.close();
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  const start = (inWorker: boolean, env: Record<string, string> = {}): Promise<INestApplication> => {
    const config = loadEvaluatorConfig({
      RATCHET_DATA_DIR: dir,
      RATCHET_HTTP_PORT: '0',
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_EVAL_MAX_TOKENS: String(MAX_TOKENS),
      RATCHET_EVAL_IN_WORKER: String(inWorker),
      ...env,
    });
    return startService(AppModule.register(config, { eventLog: log, objectStore: store }), { name: 'evaluator', config, embedded: true });
  };
  const scored = async (): Promise<EventOf<'RetentionScored'>[]> =>
    (await log.read()).map((s) => s.event).filter((e): e is EventOf<'RetentionScored'> => e.name === 'RetentionScored');
  const failures = async (): Promise<EventOf<'ScoringFailed'>[]> =>
    (await log.read()).map((s) => s.event).filter((e): e is EventOf<'ScoringFailed'> => e.name === 'ScoringFailed');
  const scoredFor = (checkpointId: string) => waitFor(async () => (await scored()).find((e) => e.data.checkpointId === checkpointId), 60_000, `RetentionScored of ${checkpointId}`);

  it('scores a first model against the untrained one, then an increment against the champion, once per checkpoint', async () => {
    const b1 = await storeBatch(store, 'b1');
    const c1 = await storeCheckpoint(store, 'c1', s1, 'b1', null);
    await log.append([b1, c1]);
    // In this thread, so that the tensor count of this process tells whether every model was disposed.
    const app = await start(false);
    try {
      const evaluator = app.get(EvaluatorService);
      const progress: ScoringProgress[] = [];
      evaluator.onProgress((p) => progress.push(p));

      const first = await scoredFor('c1');
      expect(first.id).toBe(retentionScoredId('c1'));
      expect(first.causationid).toBe(c1.id);
      expect(first.correlationid).toBe(c1.correlationid);
      expect(first.source).toBe('ratchet/evaluator');
      expect(first.data).toMatchObject({ checkpointId: 'c1', baselineId: null, batchId: 'b1', retention: null, bwt: null, forgetting: null });
      expect(first.data.sets).toHaveLength(1);
      const [only] = first.data.sets;
      expect(only).toMatchObject({ batchId: 'b1', isNew: true, tokens: MAX_TOKENS, baseline: null });
      expect(only!.untrained!.bpb!).toBeGreaterThan(only!.candidate.bpb!);
      expect(first.data.plasticity).toBeCloseTo(only!.untrained!.bpb! - only!.candidate.bpb!, 10);
      await evaluator.idle();
      const tensorsBetweenJobs = tf.memory().numTensors;

      // Promotion of c1, then the next increment c2 from it.
      const b2 = await storeBatch(store, 'b2');
      const c2 = await storeCheckpoint(store, 'c2', s2, 'b2', 'c1');
      await log.append([promoted('c1', null), b2, c2]);
      const second = await scoredFor('c2');
      expect(second.id).toBe(retentionScoredId('c2'));
      expect(second.data).toMatchObject({ checkpointId: 'c2', baselineId: 'c1', batchId: 'b2' });
      expect(second.data.sets.map((s) => [s.batchId, s.isNew, s.tokens])).toEqual([['b1', false, MAX_TOKENS], ['b2', true, MAX_TOKENS]]);
      // The champion's score on b1 is the one it got as a candidate (deterministic windows; served from the cache).
      expect(second.data.sets[0]!.baseline).toEqual(only!.candidate);
      expect(evaluator.status().cache.hits).toBeGreaterThan(0);
      for (const key of ['retention', 'plasticity', 'bwt', 'forgetting'] as const) expect(Number.isFinite(second.data[key])).toBe(true);
      expect(second.data.plasticity).toBeGreaterThan(0);
      // The line has one row (c1 after b1): BWT and forgetting compare with c1's own score on b1.
      expect(second.data.bwt).toBeCloseTo(only!.candidate.bpb! - second.data.sets[0]!.candidate.bpb!, 10);
      expect(second.data.forgetting).toBeCloseTo(-second.data.bwt!, 10);
      await evaluator.idle();
      expect(tf.memory().numTensors).toBe(tensorsBetweenJobs);

      expect(progress.some((p) => p.checkpointId === 'c2' && p.model === 'candidate' && p.set === 'b2')).toBe(true);
      expect(progress.every((p) => p.done <= p.total)).toBe(true);

      // A re-delivered CheckpointSaved (same data, another event id) yields no second event.
      const again = createEvent('CheckpointSaved', c1.data, { source: 'test', subject: LINEAGE, correlationid: 'b1', id: 'checkpoint-saved:c1:again' }) as AnyEvent;
      const marker = createEvent('LineageConfigured', { lineage: LINEAGE, preset: 'tiny', modelOverrides: {}, strategy: {}, training: {}, policy: {} }, { source: 'test', subject: LINEAGE, correlationid: 'm', id: 'marker' }) as AnyEvent;
      await log.append([again, marker]);
      const projection = app.get(LineageProjection);
      await waitFor(() => projection.get(LINEAGE).config !== null, 10_000, 'the marker to be consumed');
      await evaluator.idle();
      expect((await scored()).map((e) => e.data.checkpointId)).toEqual(['c1', 'c2']);
      expect(evaluator.enqueue(c2)).toBe(false);

      const server = app.getHttpServer();
      const metrics = await request(server).get('/metrics').expect(200);
      const bpb = (role: string, set: string) => new RegExp(`ratchet_eval_bpb\\{[^}]*lineage="lin",eval_set="${set}",role="${role}"[^}]*\\} (\\S+)`).exec(metrics.text)?.[1];
      expect(Number(bpb('candidate', 'b2'))).toBeCloseTo(second.data.sets[1]!.candidate.bpb!, 10);
      expect(Number(bpb('champion', 'b1'))).toBeCloseTo(second.data.sets[0]!.baseline!.bpb!, 10);
      expect(metrics.text).toMatch(/ratchet_eval_scoring_seconds_count\{[^}]*lineage="lin"[^}]*\} 2/);
      expect(metrics.text).toMatch(/ratchet_eval_jobs_total\{[^}]*outcome="scored"[^}]*\} 2/);
      const status = await request(server).get('/evaluator/status').expect(200);
      expect(status.body).toMatchObject({ backend: 'wasm', queued: 0, current: null });
    } finally {
      await app.close();
    }
  });

  it('resumes, after a restart, a checkpoint whose CheckpointSaved was consumed but never scored', async () => {
    const b1 = await storeBatch(store, 'b1');
    const c1 = await storeCheckpoint(store, 'c1', s1, 'b1', null);
    await log.append([b1, c1]);
    // A crashed evaluator: its group consumed (and committed) the event, but no scores were published.
    const seen: string[] = [];
    const crashed = await log.subscribe('evaluator', async ({ event }) => {
      seen.push(event.id);
    });
    await waitFor(() => seen.includes(c1.id), 10_000, 'the crashed consumer to take c1');
    await crashed.stop();

    // Scoring in a worker thread (the default).
    const app = await start(true);
    try {
      const resumed = await scoredFor('c1');
      expect(resumed.id).toBe(retentionScoredId('c1'));
      expect(resumed.causationid).toBe(c1.id);
      expect(resumed.data.sets[0]!.candidate.bpb).toBeLessThan(resumed.data.sets[0]!.untrained!.bpb!);
      await app.get(EvaluatorService).idle();
    } finally {
      await app.close();
    }
    // Another restart finds nothing to do.
    const again = await start(true);
    try {
      await again.get(EvaluatorService).idle();
      expect(await again.get(EvaluatorService).resumeAwaiting()).toBe(0);
    } finally {
      await again.close();
    }
    expect((await scored()).map((e) => e.id)).toEqual([retentionScoredId('c1')]);
  });

  it('gives up on a checkpoint that cannot be scored with one ScoringFailed, and does not retry it after a restart', async () => {
    // c1 is champion; b2's held-out object was overwritten after its DataBatchArrived, so its sha256 no longer matches.
    const b1 = await storeBatch(store, 'b1');
    const c1 = await storeCheckpoint(store, 'c1', s1, 'b1', null);
    const b2 = await storeBatch(store, 'b2');
    await store.put(heldOutSplitKey(LINEAGE, 'b2'), Buffer.from('{"text":"not the held-out split"}\n'));
    const c2 = await storeCheckpoint(store, 'c2', s2, 'b2', 'c1');
    await log.append([b1, c1, promoted('c1', null), b2, c2]);

    const env = { RATCHET_EVAL_MAX_ATTEMPTS: '2', RATCHET_EVAL_RETRY_BACKOFF_MS: '10' };
    const app = await start(false, env);
    try {
      const evaluator = app.get(EvaluatorService);
      const failed = await waitFor(async () => (await failures()).find((e) => e.data.checkpointId === 'c2'), 60_000, 'ScoringFailed of c2');
      expect(failed.id).toBe(scoringFailedId('c2'));
      expect(failed.source).toBe('ratchet/evaluator');
      expect(failed.causationid).toBe(c2.id);
      expect(failed.correlationid).toBe(c2.correlationid);
      expect(failed.data).toMatchObject({ checkpointId: 'c2', batchId: 'b2', baselineId: 'c1', attempts: 2 });
      expect(failed.data.message).toContain(heldOutSplitKey(LINEAGE, 'b2'));
      await evaluator.idle();

      // Given up on: a re-delivered CheckpointSaved queues nothing.
      const again = createEvent('CheckpointSaved', c2.data, { source: 'test', subject: LINEAGE, correlationid: 'b2', id: 'checkpoint-saved:c2:again' }) as AnyEvent;
      await log.append([again]);
      const projection = app.get(LineageProjection);
      await waitFor(() => projection.get(LINEAGE).checkpoints['c2']?.scoringFailure !== null, 10_000, 'the failure to be projected');
      expect(evaluator.enqueue(c2)).toBe(false);
      const metrics = await request(app.getHttpServer()).get('/metrics').expect(200);
      expect(metrics.text).toMatch(/ratchet_eval_jobs_total\{[^}]*outcome="failed"[^}]*\} 1/);
    } finally {
      await app.close();
    }

    // A restart does not take it up again.
    const restarted = await start(false, env);
    try {
      const evaluator = restarted.get(EvaluatorService);
      await evaluator.idle();
      expect(await evaluator.resumeAwaiting()).toBe(0);
      expect(evaluator.status().queued).toBe(0);
    } finally {
      await restarted.close();
    }
    expect((await failures()).map((e) => e.id)).toEqual([scoringFailedId('c2')]);
    expect(await scored()).toEqual([]);
  });
});
