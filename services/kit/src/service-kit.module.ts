import { DynamicModule, Global, Module, Provider, Type } from '@nestjs/common';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { BaseConfig } from './config/env';
import { EventConsumer } from './events/event-consumer';
import { EventPublisher } from './events/event-publisher';
import { EVENT_REACTOR, EventReactor } from './events/event-reactor';
import { LineageProjection } from './events/lineage-projection';
import { HealthHttpController } from './health/health.http.controller';
import { Readiness } from './health/readiness';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { Metrics } from './metrics/metrics';
import { RuntimeModule } from './runtime/runtime.module';

export interface ServiceKitOptions {
  name: string;
  config: BaseConfig;
  /** The class that reacts to consumed events; omit for a service that consumes none. */
  reactor?: Type<EventReactor>;
  /** Adapters shared with other services in one process (the embedded demo). */
  adapters?: { eventLog: EventLog; objectStore: ObjectStore };
}

/** Everything a Ratchet service has in common: ports, config, health, metrics, publishing, consuming. */
@Global()
@Module({})
export class ServiceKitModule {
  static forService(options: ServiceKitOptions): DynamicModule {
    const providers: Provider[] = [Readiness, Metrics, EventPublisher, LineageProjection];
    if (options.reactor) providers.push(options.reactor, { provide: EVENT_REACTOR, useExisting: options.reactor }, EventConsumer);
    return {
      module: ServiceKitModule,
      imports: [RuntimeModule.forService(options.name, options.config, options.adapters)],
      controllers: [HealthHttpController, MetricsHttpController],
      providers,
      exports: [Readiness, Metrics, EventPublisher, LineageProjection, RuntimeModule, ...(options.reactor ? [options.reactor] : [])],
    };
  }
}
