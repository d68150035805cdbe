import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { BaseConfig } from '../config/env';
import { Adapters, createAdapters } from './adapters';
import { EVENT_LOG, OBJECT_STORE, SERVICE_CONFIG, SERVICE_NAME } from './tokens';

const ADAPTERS = Symbol('Adapters');

/** Provides the ports, the validated config and the service name to every module of a service. */
@Global()
@Module({})
export class RuntimeModule implements OnApplicationShutdown {
  constructor(@Inject(ADAPTERS) private readonly adapters: Adapters) {}

  /** `adapters` given: use them (shared, e.g. by the four services of the embedded demo). */
  static forService(name: string, config: BaseConfig, adapters?: Omit<Adapters, 'shared'>): DynamicModule {
    const providers = [
      { provide: SERVICE_NAME, useValue: name },
      { provide: SERVICE_CONFIG, useValue: config },
      { provide: ADAPTERS, useFactory: async () => (adapters ? { ...adapters, shared: true } : createAdapters(config)) },
      { provide: EVENT_LOG, useFactory: (a: Adapters): EventLog => a.eventLog, inject: [ADAPTERS] },
      { provide: OBJECT_STORE, useFactory: (a: Adapters): ObjectStore => a.objectStore, inject: [ADAPTERS] },
    ];
    return { module: RuntimeModule, providers, exports: providers.map((p) => p.provide) };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.adapters.shared) return;
    await this.adapters.eventLog.close();
    await this.adapters.objectStore.close();
  }
}
