// Kafka and S3 adapters from the validated shared settings.
import { readFileSync } from 'node:fs';
import { TOPICS } from '@ratchet/contracts';
import { EventLog, KafkaConnectionOptions, KafkaEventLog } from '@ratchet/eventlog';
import { ObjectStore, S3ObjectStore, S3ObjectStoreOptions, s3Endpoint } from '@ratchet/objectstore';
import { BaseConfig } from '../config/env';

export function kafkaConnection(config: BaseConfig): KafkaConnectionOptions {
  const options: KafkaConnectionOptions = { brokers: config.RATCHET_KAFKA_BROKERS, clientId: config.RATCHET_KAFKA_CLIENT_ID };
  if (config.RATCHET_KAFKA_SSL_CA_FILE) options.ssl = { ca: [readFileSync(config.RATCHET_KAFKA_SSL_CA_FILE, 'utf8')] };
  else if (config.RATCHET_KAFKA_SSL) options.ssl = true;
  if (config.RATCHET_KAFKA_SASL_MECHANISM) {
    if (!config.RATCHET_KAFKA_SASL_USERNAME || !config.RATCHET_KAFKA_SASL_PASSWORD) {
      throw new Error('RATCHET_KAFKA_SASL_MECHANISM needs RATCHET_KAFKA_SASL_USERNAME and RATCHET_KAFKA_SASL_PASSWORD');
    }
    options.sasl = { mechanism: config.RATCHET_KAFKA_SASL_MECHANISM, username: config.RATCHET_KAFKA_SASL_USERNAME, password: config.RATCHET_KAFKA_SASL_PASSWORD };
  }
  return options;
}

/** Topic names with the configured prefix (tests and multi-tenant clusters use one). */
export const topicName = (config: BaseConfig, topic: (typeof TOPICS)[keyof typeof TOPICS]): string => `${config.RATCHET_KAFKA_TOPIC_PREFIX}${topic}`;

export function s3Options(config: BaseConfig): S3ObjectStoreOptions {
  const options: S3ObjectStoreOptions = {
    ...s3Endpoint(config.RATCHET_S3_ENDPOINT),
    accessKey: config.RATCHET_S3_ACCESS_KEY,
    secretKey: config.RATCHET_S3_SECRET_KEY,
    region: config.RATCHET_S3_REGION,
    bucket: config.RATCHET_S3_BUCKET,
    pathStyle: config.RATCHET_S3_PATH_STYLE,
  };
  if (config.RATCHET_S3_PART_SIZE_MB !== undefined) options.partSizeBytes = config.RATCHET_S3_PART_SIZE_MB * 1024 * 1024;
  return options;
}

export async function createProductionAdapters(config: BaseConfig): Promise<{ eventLog: EventLog; objectStore: ObjectStore }> {
  const objectStore = await S3ObjectStore.open(s3Options(config));
  const eventLog = await KafkaEventLog.open({
    ...kafkaConnection(config),
    topic: topicName(config, TOPICS.events),
    deadLetterTopic: topicName(config, TOPICS.eventsDeadLetter),
    partitions: config.RATCHET_KAFKA_PARTITIONS,
    replicationFactor: config.RATCHET_KAFKA_REPLICATION_FACTOR,
  });
  return { eventLog, objectStore };
}
