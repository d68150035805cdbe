import { DynamicModule, Module, OnApplicationShutdown } from '@nestjs/common';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { ServiceKitModule } from '@ratchet/service-kit';
import { TrainerConfig } from './config';
import { IncrementExecutor } from './increment-executor';
import { TrainerReactor } from './trainer.reactor';
import { TrainerService } from './trainer.service';

@Module({})
export class AppModule implements OnApplicationShutdown {
  constructor(private readonly trainer: TrainerService) {}

  static register(config: TrainerConfig, adapters?: { eventLog: EventLog; objectStore: ObjectStore }): DynamicModule {
    return {
      module: AppModule,
      // Global, so the kit's reactor (provided in ServiceKitModule) can inject TrainerService.
      global: true,
      imports: [ServiceKitModule.forService({ name: 'trainer', config, reactor: TrainerReactor, ...(adapters ? { adapters } : {}) })],
      providers: [TrainerService, IncrementExecutor],
      exports: [TrainerService],
    };
  }

  /** Lets the increment in hand finish (its checkpoint is the unit of progress). */
  async onApplicationShutdown(): Promise<void> {
    await this.trainer.idle();
  }
}
