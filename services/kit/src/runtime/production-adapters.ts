// Kafka and S3 adapters from the shared settings.
import { EventLog } from '@ratchet/eventlog';
import { ObjectStore } from '@ratchet/objectstore';
import { BaseConfig } from '../config/env';

export async function createProductionAdapters(_config: BaseConfig): Promise<{ eventLog: EventLog; objectStore: ObjectStore }> {
  throw new Error('the production runtime (Kafka, S3) is not wired yet');
}
