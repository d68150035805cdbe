import { kafkaConnectionOptionsFromEnv, kafkaEventLogOptionsFromEnv } from './kafka-config';

describe('Kafka settings from the environment', () => {
  it('fails with a message that says what to do when the brokers are not set', () => {
    expect(() => kafkaConnectionOptionsFromEnv({})).toThrow(/RATCHET_KAFKA_BROKERS is not set: start the local servers with deploy\/local\/up\.sh/);
  });

  it('reads brokers, client id, TLS and SASL', () => {
    const options = kafkaConnectionOptionsFromEnv({
      RATCHET_KAFKA_BROKERS: 'k1:9092, k2:9092',
      RATCHET_KAFKA_CLIENT_ID: 'trainer',
      RATCHET_KAFKA_SSL: 'true',
      RATCHET_KAFKA_SASL_MECHANISM: 'SCRAM-SHA-512',
      RATCHET_KAFKA_SASL_USERNAME: 'u',
      RATCHET_KAFKA_SASL_PASSWORD: 'p',
    });
    expect(options).toEqual({
      brokers: ['k1:9092', 'k2:9092'],
      clientId: 'trainer',
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'u', password: 'p' },
    });
  });

  it('refuses an unknown SASL mechanism and SASL without credentials', () => {
    expect(() => kafkaConnectionOptionsFromEnv({ RATCHET_KAFKA_BROKERS: 'k:1', RATCHET_KAFKA_SASL_MECHANISM: 'gssapi' })).toThrow(/one of plain/);
    expect(() => kafkaConnectionOptionsFromEnv({ RATCHET_KAFKA_BROKERS: 'k:1', RATCHET_KAFKA_SASL_MECHANISM: 'plain' })).toThrow(/RATCHET_KAFKA_SASL_USERNAME/);
  });

  it('reads partitions and replication factor, refusing nonsense', () => {
    expect(kafkaEventLogOptionsFromEnv({ RATCHET_KAFKA_BROKERS: 'k:1', RATCHET_KAFKA_PARTITIONS: '6', RATCHET_KAFKA_REPLICATION_FACTOR: '3' })).toMatchObject({
      partitions: 6,
      replicationFactor: 3,
    });
    expect(() => kafkaEventLogOptionsFromEnv({ RATCHET_KAFKA_BROKERS: 'k:1', RATCHET_KAFKA_PARTITIONS: '0' })).toThrow(/positive integer/);
  });
});
