import { DynamicModule, Module, Provider } from '@nestjs/common';
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { ServiceKitModule } from '@ratchet/service-kit';
import { IngestConfig, kafkaConsumerEnabled } from './config';
import { BatchesHttpController } from './http/batches.http.controller';
import { IngestMetrics } from './ingest-metrics';
import { IngestReactor } from './ingest.reactor';
import { IngestService } from './ingest.service';
import { RecordsConsumer } from './kafka/records.consumer';

export const SERVICE = 'ingest';

@Module({})
export class AppModule {
  /** `adapters`: the event log and object store shared with other services in one process (embedded demo). */
  static register(config: IngestConfig, adapters?: { eventLog: EventLog; objectStore: ObjectStore }): DynamicModule {
    const providers: Provider[] = [IngestService, IngestMetrics];
    if (kafkaConsumerEnabled(config)) providers.push(RecordsConsumer);
    return {
      module: AppModule,
      imports: [ServiceKitModule.forService({ name: SERVICE, config, reactor: IngestReactor, ...(adapters ? { adapters } : {}) })],
      controllers: [BatchesHttpController],
      providers,
      exports: [IngestService],
    };
  }
}
