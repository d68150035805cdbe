import { join } from 'node:path';
import { DynamicModule, Global, Module } from '@nestjs/common';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { ServiceKitModule } from '@ratchet/service-kit';
import { REGISTRY_SERVICE, RegistryConfig } from './config';
import { DatabaseSettings } from './db/data-source';
import { ChampionModels, TF_BACKEND } from './generation/champion-models';
import { AdminHttpController } from './http/admin.http.controller';
import { CheckpointsHttpController } from './http/checkpoints.http.controller';
import { DashboardHttpController } from './http/dashboard.http.controller';
import { GenerationHttpController } from './http/generation.http.controller';
import { LineagesHttpController } from './http/lineages.http.controller';
import { DATABASE_SETTINGS, ReadModels } from './projection/read-models';
import { RegistryCommands } from './registry-commands';
import { RegistryMetrics } from './registry-metrics';
import { RegistryReactor } from './registry.reactor';

/** PostgreSQL when a URL is configured, else SQLite (sql.js) in a file under the data dir. */
export function databaseSettings(config: RegistryConfig): DatabaseSettings {
  if (config.RATCHET_DATABASE_URL) return { kind: 'postgres', url: config.RATCHET_DATABASE_URL, schema: config.RATCHET_DATABASE_SCHEMA };
  return { kind: 'sqlite', file: join(config.RATCHET_DATA_DIR, 'registry', 'registry.sqlite') };
}

/**
 * The registry's own providers, global because the kit instantiates the reactor inside its module
 * and the reactor needs them.
 */
@Global()
@Module({})
export class RegistryCoreModule {
  static register(config: RegistryConfig): DynamicModule {
    const providers = [
      { provide: DATABASE_SETTINGS, useValue: databaseSettings(config) },
      { provide: TF_BACKEND, useValue: config.RATCHET_TF_BACKEND },
      ReadModels,
      RegistryMetrics,
      ChampionModels,
      RegistryCommands,
    ];
    return { module: RegistryCoreModule, providers, exports: providers };
  }
}

@Module({})
export class AppModule {
  /** `adapters`: the event log and object store shared with other services in one process (the embedded demo). */
  static register(config: RegistryConfig, adapters?: { eventLog: EventLog; objectStore: ObjectStore }): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ServiceKitModule.forService({ name: REGISTRY_SERVICE, config, reactor: RegistryReactor, ...(adapters ? { adapters } : {}) }),
        RegistryCoreModule.register(config),
      ],
      controllers: [LineagesHttpController, CheckpointsHttpController, GenerationHttpController, DashboardHttpController, AdminHttpController],
    };
  }
}
