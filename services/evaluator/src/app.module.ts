import { DynamicModule, Module } from '@nestjs/common';
import type { EventLog } from '@ratchet/eventlog';
import type { ObjectStore } from '@ratchet/objectstore';
import { ServiceKitModule } from '@ratchet/service-kit';
import type { EvaluatorConfig } from './config';
import { EvaluatorMetrics } from './evaluator-metrics';
import { EvaluatorHttpController } from './evaluator.http.controller';
import { EvaluatorReactor } from './evaluator.reactor';
import { EvaluatorService } from './evaluator.service';

export const SERVICE = 'evaluator';

@Module({})
export class AppModule {
  /** `adapters`: the event log and object store shared with other services in one process (embedded demo). */
  static register(config: EvaluatorConfig, adapters?: { eventLog: EventLog; objectStore: ObjectStore }): DynamicModule {
    return {
      module: AppModule,
      // Global, so the kit's reactor (provided in ServiceKitModule) can inject EvaluatorService.
      global: true,
      imports: [ServiceKitModule.forService({ name: SERVICE, config, reactor: EvaluatorReactor, ...(adapters ? { adapters } : {}) })],
      controllers: [EvaluatorHttpController],
      providers: [EvaluatorService, EvaluatorMetrics],
      exports: [EvaluatorService, EvaluatorMetrics],
    };
  }
}
