// Kafka connection and topic names of the records consumer, from the kit's validated settings.
import { TOPICS } from '@ratchet/contracts';
import { KafkaConnectionOptions } from '@ratchet/eventlog';
import { IngestConfig } from '../config';

export const RECORDS_GROUP = 'ingest';

export function kafkaConnectionOptions(config: IngestConfig): KafkaConnectionOptions {
  const options: KafkaConnectionOptions = { brokers: config.RATCHET_KAFKA_BROKERS, clientId: `${config.RATCHET_KAFKA_CLIENT_ID}-ingest` };
  if (config.RATCHET_KAFKA_SSL) options.ssl = true;
  if (config.RATCHET_KAFKA_SASL_MECHANISM) {
    options.sasl = {
      mechanism: config.RATCHET_KAFKA_SASL_MECHANISM,
      username: config.RATCHET_KAFKA_SASL_USERNAME ?? '',
      password: config.RATCHET_KAFKA_SASL_PASSWORD ?? '',
    };
  }
  return options;
}

/** RATCHET_KAFKA_TOPIC_PREFIX lets tests (and shared clusters) use their own topics and group. */
export function recordsTopics(config: IngestConfig) {
  const prefix = config.RATCHET_KAFKA_TOPIC_PREFIX;
  return { records: `${prefix}${TOPICS.records}`, deadLetter: `${prefix}${TOPICS.recordsDeadLetter}`, group: `${prefix}${RECORDS_GROUP}` };
}
