// A trainer process killed in the middle of an increment resumes from its last in-increment
// checkpoint when it comes back, instead of starting over, and still announces one checkpoint.
import { fork } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplication } from '@nestjs/common';
import { partialCheckpointPrefix } from '@ratchet/artifacts';
import { FileEventLog } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { LocalObjectStore } from '@ratchet/objectstore';
import { loadConfig, startService } from '@ratchet/service-kit';
import { AppModule, TrainerEnv } from '.';
import { LINEAGE, prose, storedBatch } from './__fixtures__/lineage-fixture';

const ROOT = join(__dirname, '../../..');

describe('trainer killed mid-increment', () => {
  let dir: string;
  let app: INestApplication | null = null;
  const env = (dataDir: string) => ({
    RATCHET_DATA_DIR: dataDir,
    RATCHET_HTTP_PORT: '0',
    RATCHET_LOG_LEVEL: 'warn',
    RATCHET_DEFAULT_PRESET: 'tiny',
    RATCHET_DEFAULT_STRATEGY: 'naive',
    RATCHET_MAX_STEPS: '60',
    RATCHET_CHECKPOINT_EVERY: '5',
    RATCHET_TF_BACKEND: 'cpu',
  });

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-trainer-crash-'))));
  afterEach(async () => {
    await app?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('resumes from the last in-increment checkpoint', async () => {
    const log = await FileEventLog.open({ dir: join(dir, 'log') });
    const store = await LocalObjectStore.open(join(dir, 'objects'));
    await log.append([await storedBatch(store, 'b1', prose('epsilon', 80))]);
    await log.close();

    // A real process, killed with SIGKILL once it has stored an in-increment checkpoint.
    const child = fork(join(ROOT, 'services/trainer/src/main.ts'), [], {
      execArgv: ['-r', join(ROOT, 'tools/swc-register.js')],
      env: { ...process.env, ...env(dir) },
      stdio: 'ignore',
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const reader = await LocalObjectStore.open(join(dir, 'objects'));
    const started = await waitFor(async () => {
      const partials = await reader.list('checkpoints/');
      return partials.find((o) => o.key.includes('.partial/') && o.key.endsWith('manifest.json'));
    }, 90_000, 'an in-increment checkpoint').catch((error) => {
      child.kill('SIGKILL');
      throw error;
    });
    child.kill('SIGKILL');
    await exited;
    const checkpointId = started.key.split('/')[2]!.replace('.partial', '');
    expect(started.key.startsWith(`${partialCheckpointPrefix(LINEAGE, checkpointId)}/`)).toBe(true);

    // Back up in this process: the increment continues and is announced once.
    const config = loadConfig(TrainerEnv, env(dir));
    app = await startService(AppModule.register(config), { name: 'trainer', config, embedded: true });
    const events = await FileEventLog.open({ dir: join(dir, 'log') });
    try {
      const saved = await waitFor(async () => (await events.read()).find((s) => s.event.name === 'CheckpointSaved'), 90_000, 'the checkpoint');
      expect(saved.event.name === 'CheckpointSaved' && saved.event.data.checkpointId).toBe(checkpointId);
      const record = JSON.parse((await reader.get(`checkpoints/${LINEAGE}/${checkpointId}.training.json`)).toString()) as { resumedAtStep: number; steps: number };
      expect(record.resumedAtStep).toBeGreaterThanOrEqual(5);
      expect(record.resumedAtStep % 5).toBe(0);
      expect(record.steps).toBe(60);
      expect((await reader.list(`${partialCheckpointPrefix(LINEAGE, checkpointId)}/`)).length).toBe(0);
      expect((await events.read()).filter((s) => s.event.name === 'IncrementStarted')).toHaveLength(1);
      expect((await events.read()).filter((s) => s.event.name === 'CheckpointSaved')).toHaveLength(1);
    } finally {
      await events.close();
    }
  }, 240_000);
});
