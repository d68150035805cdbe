// The four services in one process on the embedded adapters, sharing one event log and object store.
import { INestApplication } from '@nestjs/common';
import { join } from 'node:path';
import { FileEventLog } from '@ratchet/eventlog';
import { LocalObjectStore } from '@ratchet/objectstore';
import { loadConfig, startService } from '@ratchet/service-kit';
import * as evaluator from '@ratchet/evaluator-service';
import * as ingest from '@ratchet/ingest-service';
import * as registry from '@ratchet/registry-service';
import * as trainer from '@ratchet/trainer-service';

export interface EmbeddedOptions {
  dataDir: string;
  /** Extra RATCHET_* settings applied to every service (e.g. RATCHET_TF_BACKEND, RATCHET_EVAL_MAX_TOKENS). */
  env?: Record<string, string>;
  /** HTTP port of the registry (0: any free port). Other services listen on free ports. */
  registryPort?: number;
}

export interface EmbeddedRuntime {
  eventLog: FileEventLog;
  objectStore: LocalObjectStore;
  ingest: INestApplication;
  trainer: INestApplication;
  evaluator: INestApplication;
  registry: INestApplication;
  registryUrl: string;
  close(): Promise<void>;
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedRuntime> {
  const eventLog = await FileEventLog.open({ dir: join(options.dataDir, 'log') });
  const objectStore = await LocalObjectStore.open(join(options.dataDir, 'objects'));
  const adapters = { eventLog, objectStore };
  // Built from scratch, not from process.env: a RATCHET_DATABASE_URL or Kafka setting left in the
  // shell must not pull one of the embedded services onto a shared server.
  const env = (port: number) => ({ RATCHET_RUNTIME: 'embedded', RATCHET_DATA_DIR: options.dataDir, RATCHET_HTTP_PORT: String(port), ...options.env });
  const started: INestApplication[] = [];
  const start = async <C extends Parameters<typeof startService>[1]['config']>(name: string, config: C, module: unknown) => {
    const app = await startService(module, { name, config, embedded: true });
    started.push(app);
    return app;
  };
  try {
    const registryConfig = loadConfig(registry.RegistryEnv, env(options.registryPort ?? 0));
    const registryApp = await start('registry', registryConfig, registry.AppModule.register(registryConfig, adapters));
    const ingestConfig = loadConfig(ingest.IngestEnv, env(0));
    const ingestApp = await start('ingest', ingestConfig, ingest.AppModule.register(ingestConfig, adapters));
    const trainerConfig = loadConfig(trainer.TrainerEnv, env(0));
    const trainerApp = await start('trainer', trainerConfig, trainer.AppModule.register(trainerConfig, adapters));
    const evaluatorConfig = loadConfig(evaluator.EvaluatorEnv, env(0));
    const evaluatorApp = await start('evaluator', evaluatorConfig, evaluator.AppModule.register(evaluatorConfig, adapters));
    return {
      eventLog,
      objectStore,
      ingest: ingestApp,
      trainer: trainerApp,
      evaluator: evaluatorApp,
      registry: registryApp,
      registryUrl: (await registryApp.getUrl()).replace('[::1]', '127.0.0.1'),
      close: async () => {
        // Reverse order: consumers stop before the log they read is closed.
        for (const app of started.reverse()) await app.close();
        await eventLog.close();
        await objectStore.close();
      },
    };
  } catch (error) {
    for (const app of started.reverse()) await app.close().catch(() => undefined);
    await eventLog.close();
    throw error;
  }
}
