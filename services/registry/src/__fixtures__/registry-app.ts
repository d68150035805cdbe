// Starts the registry app for int tests and helps feed it events through its own event log.
import { INestApplication } from '@nestjs/common';
import { putCheckpoint } from '@ratchet/artifacts';
import { AnyEvent, dedupKey } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { ByteTokenizer, GPT, captureState, configFromName, initBackend, saveCheckpoint } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';
import { EVENT_LOG, OBJECT_STORE, startService } from '@ratchet/service-kit';
import { AppModule } from '../app.module';
import { REGISTRY_SERVICE, loadRegistryConfig } from '../config';
import { ProcessedEventRow } from '../db/entities';
import { ReadModels } from '../projection/read-models';

export interface RunningRegistry {
  app: INestApplication;
  server: unknown;
  log: EventLog;
  store: ObjectStore;
  readModels: ReadModels;
}

export async function startRegistry(env: Record<string, string>): Promise<RunningRegistry> {
  const config = loadRegistryConfig({ RATCHET_LOG_LEVEL: 'warn', RATCHET_HTTP_PORT: '0', RATCHET_TF_BACKEND: 'cpu', ...env });
  const app = await startService(AppModule.register(config), { name: REGISTRY_SERVICE, config, embedded: true });
  return { app, server: app.getHttpServer(), log: app.get(EVENT_LOG), store: app.get(OBJECT_STORE), readModels: app.get(ReadModels) };
}

/** Resolves once every event in the log is in the read models. */
export async function projected(registry: RunningRegistry, timeoutMs = 20_000): Promise<void> {
  await waitFor(
    async () => {
      const keys = (await registry.log.read()).map((s) => dedupKey(s.event));
      const rows = await registry.readModels.db.getRepository(ProcessedEventRow).find();
      const done = new Set(rows.map((r) => dedupKey({ source: r.source, id: r.eventId })));
      return keys.every((k) => done.has(k));
    },
    timeoutMs,
    'every logged event to be projected',
  );
}

export async function appendAll(registry: RunningRegistry, events: AnyEvent[]): Promise<void> {
  await registry.log.append(events);
}

/** A tiny untrained GPT checkpoint stored the way the trainer stores one; returns its manifest sha256. */
export async function storeTinyCheckpoint(store: ObjectStore, objectKey: string, seed = 1): Promise<string> {
  await initBackend('cpu');
  const model = new GPT(configFromName('tiny'), { seed });
  try {
    return (await putCheckpoint(store, objectKey, saveCheckpoint(captureState({ model, tokenizer: new ByteTokenizer().spec() })))).manifestSha256;
  } finally {
    model.dispose();
  }
}
