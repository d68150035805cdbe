// Kafka connection and topic names of the records consumer: the kit's shared Kafka settings.
import { TOPICS } from '@ratchet/contracts';
import { KafkaConnectionOptions } from '@ratchet/eventlog';
import { kafkaConnection, topicName } from '@ratchet/service-kit';
import { IngestConfig } from '../config';

export const RECORDS_GROUP = 'ingest';

export const kafkaConnectionOptions = (config: IngestConfig): KafkaConnectionOptions => ({
  ...kafkaConnection(config),
  clientId: `${config.RATCHET_KAFKA_CLIENT_ID}-ingest`,
});

/** RATCHET_KAFKA_TOPIC_PREFIX lets tests (and shared clusters) use their own topics and group. */
export const recordsTopics = (config: IngestConfig) => ({
  records: topicName(config, TOPICS.records),
  deadLetter: topicName(config, TOPICS.recordsDeadLetter),
  group: `${config.RATCHET_KAFKA_TOPIC_PREFIX}${RECORDS_GROUP}`,
});
