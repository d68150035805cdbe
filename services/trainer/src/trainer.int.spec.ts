import { INestApplication } from '@nestjs/common';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AnyEvent } from '@ratchet/contracts';
import { checkpointPrefix, getCheckpoint } from '@ratchet/artifacts';
import { FileEventLog } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { loadCheckpoint } from '@ratchet/gpt';
import { LocalObjectStore, ObjectStore } from '@ratchet/objectstore';
import { loadConfig, startService } from '@ratchet/service-kit';
import { AppModule, TrainerEnv } from '.';
import { LINEAGE, event, prose, storedBatch } from './__fixtures__/lineage-fixture';

describe('trainer service on the embedded runtime', () => {
  let dir: string;
  let log: FileEventLog;
  let store: LocalObjectStore;
  let app: INestApplication | null = null;

  /** A store whose reads of train splits fail while `failReads` > 0 (an S3 outage, say). */
  let failReads = 0;
  const flaky = (): ObjectStore =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (prop !== 'get' || typeof value !== 'function') return typeof value === 'function' ? value.bind(target) : value;
        return async (key: string) => {
          if (key.includes('train') && failReads > 0) {
            failReads -= 1;
            throw new Error(`connect ECONNREFUSED (reading ${key})`);
          }
          return (value as ObjectStore['get']).call(target, key);
        };
      },
    });

  const start = async (extra: Record<string, string> = {}) => {
    const config = loadConfig(TrainerEnv, {
      ...extra,
      RATCHET_DATA_DIR: dir,
      RATCHET_HTTP_PORT: '0',
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_DEFAULT_PRESET: 'tiny',
      RATCHET_DEFAULT_STRATEGY: 'replay+ewc',
      RATCHET_MAX_STEPS: '4',
      RATCHET_TF_BACKEND: 'cpu',
    });
    app = await startService(AppModule.register(config, { eventLog: log, objectStore: flaky() }), { name: 'trainer', config, embedded: true });
  };
  const stop = async () => {
    await app?.close();
    app = null;
  };
  const events = async (name?: string): Promise<AnyEvent[]> => (await log.read()).map((s) => s.event).filter((e) => !name || e.name === name);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-trainer-'));
    log = await FileEventLog.open({ dir: join(dir, 'log') });
    store = await LocalObjectStore.open(join(dir, 'objects'));
    failReads = 0;
  });
  afterEach(async () => {
    await stop();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('trains one increment per batch in order, each from the champion, and never twice for one (parent, batch)', async () => {
    await log.append([await storedBatch(store, 'b1', prose('alpha')), await storedBatch(store, 'b2', prose('beta'))]);
    await start();

    const [first] = await waitFor(async () => {
      const saved = await events('CheckpointSaved');
      return saved.length === 1 ? saved : null;
    }, 60_000, 'the first checkpoint');
    if (first?.name !== 'CheckpointSaved') throw new Error('expected CheckpointSaved');
    expect(first.data).toMatchObject({ batchId: 'b1', parentId: null, objectKey: checkpointPrefix(LINEAGE, first.data.checkpointId) });
    expect(first.data.steps).toBe(4);
    expect(Number.isFinite(first.data.trainLoss)).toBe(true);
    const started = await events('IncrementStarted');
    expect(started.map((e) => e.data)).toEqual([expect.objectContaining({ batchId: 'b1', checkpointId: first.data.checkpointId, parentId: null })]);
    // the stored checkpoint is complete and verified
    const state = loadCheckpoint(await getCheckpoint(store, first.data.objectKey, first.data.manifestSha256));
    expect(state.trainer?.step).toBe(4);

    // b2 waits for the decision on b1's candidate; a re-delivered arrival changes nothing
    await log.append([await storedBatch(store, 'b1', prose('alpha'))]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await events('IncrementStarted')).toHaveLength(1);

    await log.append([event('ModelPromoted', { checkpointId: first.data.checkpointId, previousId: null, policy: {}, rules: [] }, 'promoted-1')]);
    const second = await waitFor(async () => (await events('CheckpointSaved')).find((e) => e.name === 'CheckpointSaved' && e.data.batchId === 'b2'), 60_000, 'the second checkpoint');
    expect(second?.name === 'CheckpointSaved' && second.data.parentId).toBe(first.data.checkpointId);
    const resumed = loadCheckpoint(await getCheckpoint(store, second!.name === 'CheckpointSaved' ? second.data.objectKey : '', undefined));
    expect(resumed.trainer?.step).toBe(8); // the optimizer state and step continued from the champion
    expect(await events('CheckpointSaved')).toHaveLength(2);
  }, 120_000);

  it('after a restart between the checkpoint write and its event, emits the event without training again', async () => {
    await log.append([await storedBatch(store, 'b1', prose('gamma'))]);
    await start();
    const saved = await waitFor(async () => (await events('CheckpointSaved'))[0], 60_000, 'a checkpoint');
    await stop();

    // Simulate the crash: drop the CheckpointSaved event by rebuilding the log without it.
    const kept = (await events()).filter((e) => e.name !== 'CheckpointSaved');
    await log.close();
    await rm(join(dir, 'log'), { recursive: true, force: true });
    log = await FileEventLog.open({ dir: join(dir, 'log') });
    await log.append(kept);

    await start();
    const again = await waitFor(async () => (await events('CheckpointSaved'))[0], 60_000, 'the re-emitted checkpoint');
    expect(again?.id).toBe(saved?.id);
    expect(await events('CheckpointSaved')).toHaveLength(1);
    expect(again?.name === 'CheckpointSaved' && saved?.name === 'CheckpointSaved' && again.data.manifestSha256).toBe(saved?.name === 'CheckpointSaved' ? saved.data.manifestSha256 : '');
    expect(await events('IncrementStarted')).toHaveLength(1);
  }, 120_000);

  it('reports a batch too small to train on as TrainingFailed(invalid-data) and moves on to the next', async () => {
    await log.append([await storedBatch(store, 'tiny', ['a', 'b']), await storedBatch(store, 'b2', prose('delta'))]);
    await start();
    const failed = await waitFor(async () => (await events('TrainingFailed'))[0], 60_000, 'a failure');
    expect(failed?.name === 'TrainingFailed' && failed.data).toMatchObject({ batchId: 'tiny', reason: 'invalid-data', retryable: false });
    const saved = await waitFor(async () => (await events('CheckpointSaved'))[0], 60_000, 'the next batch trained');
    expect(saved?.name === 'CheckpointSaved' && saved.data.batchId).toBe('b2');
  }, 120_000);

  it('reports a run whose loss goes non-finite as TrainingFailed(diverged), without retrying, and the lineage trains on', async () => {
    const configured = (training: Record<string, number>, id: string) =>
      event('LineageConfigured', { lineage: LINEAGE, preset: 'tiny', modelOverrides: {}, strategy: {}, training, policy: {} }, id);
    // A learning rate of 1e8 blows the weights up within the first steps: the loss turns NaN.
    await log.append([configured({ initialLr: 1e8 }, 'configured-hot'), await storedBatch(store, 'b1', prose('eta'))]);
    await start({ RATCHET_TRAIN_MAX_ATTEMPTS: '3', RATCHET_TRAIN_RETRY_BACKOFF_MS: '10' });
    const failed = await waitFor(async () => (await events('TrainingFailed'))[0], 60_000, 'the divergence');
    expect(failed?.name === 'TrainingFailed' && failed.data).toMatchObject({ batchId: 'b1', parentId: null, reason: 'diverged', retryable: false });
    expect(failed?.name === 'TrainingFailed' && failed.data.message).toMatch(/diverged at step \d+ \(loss (NaN|-?Infinity)\)/);
    expect(await events('CheckpointSaved')).toEqual([]);

    // Settings fixed: the next batch trains the lineage's first model; b1 is not tried again.
    await log.append([configured({}, 'configured-sane'), await storedBatch(store, 'b2', prose('theta'))]);
    const saved = await waitFor(async () => (await events('CheckpointSaved'))[0], 60_000, 'the next batch trained');
    expect(saved?.name === 'CheckpointSaved' && saved.data).toMatchObject({ batchId: 'b2', parentId: null });
    expect(Number.isFinite(saved?.name === 'CheckpointSaved' ? saved.data.trainLoss : NaN)).toBe(true);
    expect((await events('IncrementStarted')).map((e) => e.name === 'IncrementStarted' && e.data.batchId)).toEqual(['b1', 'b2']);
    expect(await events('TrainingFailed')).toHaveLength(1);
  }, 120_000);

  it('tries an increment again after a retryable failure, and reports TrainingFailed only when the attempts are spent', async () => {
    failReads = 1; // one failed read: the second attempt trains
    await log.append([await storedBatch(store, 'b1', prose('epsilon'))]);
    await start({ RATCHET_TRAIN_MAX_ATTEMPTS: '2', RATCHET_TRAIN_RETRY_BACKOFF_MS: '10' });
    const saved = await waitFor(async () => (await events('CheckpointSaved'))[0], 60_000, 'the checkpoint of the second attempt');
    expect(saved?.name === 'CheckpointSaved' && saved.data.batchId).toBe('b1');
    expect(await events('TrainingFailed')).toEqual([]);
    expect(await events('IncrementStarted')).toHaveLength(1);
    expect(failReads).toBe(0);
    await stop();

    failReads = 1000; // an outage that outlasts the attempts
    await log.append([event('ModelPromoted', { checkpointId: saved!.name === 'CheckpointSaved' ? saved.data.checkpointId : '', previousId: null, policy: {}, rules: [] }, 'promoted-b1')]);
    await log.append([await storedBatch(store, 'b2', prose('zeta'))]);
    await start({ RATCHET_TRAIN_MAX_ATTEMPTS: '2', RATCHET_TRAIN_RETRY_BACKOFF_MS: '10' });
    const failed = await waitFor(async () => (await events('TrainingFailed'))[0], 60_000, 'a failure');
    expect(failed?.name === 'TrainingFailed' && failed.data).toMatchObject({ batchId: 'b2', reason: 'error', retryable: true });
    expect(failed?.name === 'TrainingFailed' && failed.data.message).toMatch(/ECONNREFUSED.*\(after 2 attempts\)$/);
    expect(await events('TrainingFailed')).toHaveLength(1);
  }, 120_000);
});
