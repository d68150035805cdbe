import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BaseEnv, ConfigError, loadConfig } from '../config/env';
import { kafkaConnection, s3Options, topicName } from './production-adapters';

const config = (env: Record<string, string>) => loadConfig(BaseEnv, env);

describe('production adapter settings from the validated configuration', () => {
  it('connects to Kafka in plain text by default, over TLS with RATCHET_KAFKA_SSL, with a CA file when given', () => {
    expect(kafkaConnection(config({ RATCHET_KAFKA_BROKERS: 'k1:9092, k2:9092' }))).toEqual({ brokers: ['k1:9092', 'k2:9092'], clientId: 'ratchet' });
    expect(kafkaConnection(config({ RATCHET_KAFKA_SSL: 'true' })).ssl).toBe(true);
    const ca = join(mkdtempSync(join(tmpdir(), 'ratchet-ca-')), 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n');
    expect(kafkaConnection(config({ RATCHET_KAFKA_SSL_CA_FILE: ca })).ssl).toEqual({ ca: ['-----BEGIN CERTIFICATE-----\nabc\n-----END CERTIFICATE-----\n'] });
  });

  it('authenticates with SASL when a mechanism is set, and refuses one without its credentials', () => {
    const sasl = { RATCHET_KAFKA_SASL_MECHANISM: 'scram-sha-512', RATCHET_KAFKA_SASL_USERNAME: 'ratchet', RATCHET_KAFKA_SASL_PASSWORD: 's3cret' };
    expect(kafkaConnection(config(sasl)).sasl).toEqual({ mechanism: 'scram-sha-512', username: 'ratchet', password: 's3cret' });
    expect(() => kafkaConnection(config({ RATCHET_KAFKA_SASL_MECHANISM: 'plain' }))).toThrow(/needs RATCHET_KAFKA_SASL_USERNAME and RATCHET_KAFKA_SASL_PASSWORD/);
    expect(() => config({ RATCHET_KAFKA_SASL_MECHANISM: 'kerberos' })).toThrow(ConfigError);
  });

  it('prefixes topic names', () => {
    expect(topicName(config({ RATCHET_KAFKA_TOPIC_PREFIX: 'team-a.' }), 'ratchet.events')).toBe('team-a.ratchet.events');
  });

  it('maps the S3 endpoint URL, path style and part size', () => {
    expect(s3Options(config({}))).toEqual({
      endPoint: '127.0.0.1',
      port: 19000,
      useSSL: false,
      accessKey: 'ratchet',
      secretKey: 'ratchet-secret',
      region: 'us-east-1',
      bucket: 'ratchet',
      pathStyle: true,
    });
    const aws = s3Options(config({ RATCHET_S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com', RATCHET_S3_PATH_STYLE: 'false', RATCHET_S3_PART_SIZE_MB: '16' }));
    expect(aws).toMatchObject({ endPoint: 's3.eu-west-1.amazonaws.com', port: 443, useSSL: true, pathStyle: false, partSizeBytes: 16 * 1024 * 1024 });
    expect(() => config({ RATCHET_S3_PART_SIZE_MB: '4' })).toThrow(/RATCHET_S3_PART_SIZE_MB/);
  });
});
