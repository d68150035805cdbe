// Settings of the Kafka adapter; kafkaConnectionOptionsFromEnv reads them from RATCHET_KAFKA_* for tests, benchmarks
// and scripts (the services take them from their configuration, validated at start-up: services/kit).
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';

export type KafkaSaslMechanism = 'plain' | 'scram-sha-256' | 'scram-sha-512';

export interface KafkaSaslSettings {
  mechanism: KafkaSaslMechanism;
  username: string;
  password: string;
}

export interface KafkaRetrySettings {
  /** Attempts per request after the first. Default 5. */
  retries?: number;
  initialRetryTimeMs?: number;
  maxRetryTimeMs?: number;
}

export type KafkaLogLevel = 'nothing' | 'error' | 'warn' | 'info' | 'debug';

export interface KafkaConnectionOptions {
  brokers: string[];
  /** Default 'ratchet'. */
  clientId?: string;
  /** true for TLS with the system CAs, or Node TLS options (ca, cert, key, ...). */
  ssl?: boolean | ConnectionOptions;
  sasl?: KafkaSaslSettings;
  connectionTimeoutMs?: number;
  requestTimeoutMs?: number;
  retry?: KafkaRetrySettings;
  /** kafkajs log level. Default 'warn'. */
  logLevel?: KafkaLogLevel;
}

/**
 * Group membership timings. The defaults suit a small cluster: quick joins and quick detection
 * of a dead member (the broker's group.min.session.timeout.ms is 6 s by default).
 */
export interface KafkaConsumerTuning {
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  rebalanceTimeoutMs?: number;
  /** Longest a fetch waits at the end of the log; low values mean low delivery latency. */
  maxWaitTimeMs?: number;
}

export interface KafkaEventLogOptions extends KafkaConnectionOptions {
  /** Default TOPICS.events. */
  topic?: string;
  /** Default TOPICS.eventsDeadLetter. */
  deadLetterTopic?: string;
  /** Used when the adapter creates the topics; an existing topic keeps its own count. Default 3. */
  partitions?: number;
  /** Default 1 (a single local broker); use 3 on a real cluster. */
  replicationFactor?: number;
  /** Configs of topics the adapter creates, over eventTopicConfigs() (infinite retention, no compaction). */
  topicConfigs?: Record<string, string>;
  consumer?: KafkaConsumerTuning;
  /** Bound on one scan of a topic (read(), deadLetters(), the dedup index). Default 30 s. */
  readTimeoutMs?: number;
}

type Env = Record<string, string | undefined>;

const ENV_HINT =
  'start the local servers with deploy/local/up.sh and load their settings: set -a; . /tmp/ratchet-infra/env; set +a';

function required(env: Env, name: string): string {
  const value = env[name]?.trim();
  if (!value) throw new Error(`${name} is not set: ${ENV_HINT}`);
  return value;
}

function positiveInt(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

const MECHANISMS: readonly KafkaSaslMechanism[] = ['plain', 'scram-sha-256', 'scram-sha-512'];

/** RATCHET_KAFKA_BROKERS (required, comma-separated), _CLIENT_ID, _SSL, _SSL_CA_FILE, _SASL_MECHANISM/_USERNAME/_PASSWORD. */
export function kafkaConnectionOptionsFromEnv(env: Env = process.env): KafkaConnectionOptions {
  const brokers = required(env, 'RATCHET_KAFKA_BROKERS')
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const options: KafkaConnectionOptions = { brokers, clientId: env.RATCHET_KAFKA_CLIENT_ID?.trim() || 'ratchet' };
  const caFile = env.RATCHET_KAFKA_SSL_CA_FILE?.trim();
  if (caFile) options.ssl = { ca: [readFileSync(caFile, 'utf8')] };
  else if (/^(1|true|yes)$/i.test(env.RATCHET_KAFKA_SSL?.trim() ?? '')) options.ssl = true;
  const mechanism = env.RATCHET_KAFKA_SASL_MECHANISM?.trim().toLowerCase();
  if (mechanism) {
    if (!(MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new Error(`RATCHET_KAFKA_SASL_MECHANISM must be one of ${MECHANISMS.join(', ')}, got "${mechanism}"`);
    }
    options.sasl = {
      mechanism: mechanism as KafkaSaslMechanism,
      username: required(env, 'RATCHET_KAFKA_SASL_USERNAME'),
      password: required(env, 'RATCHET_KAFKA_SASL_PASSWORD'),
    };
  }
  return options;
}

/** The connection settings plus RATCHET_KAFKA_PARTITIONS and RATCHET_KAFKA_REPLICATION_FACTOR. */
export function kafkaEventLogOptionsFromEnv(env: Env = process.env): KafkaEventLogOptions {
  const options: KafkaEventLogOptions = { ...kafkaConnectionOptionsFromEnv(env) };
  const partitions = positiveInt(env, 'RATCHET_KAFKA_PARTITIONS');
  const replicationFactor = positiveInt(env, 'RATCHET_KAFKA_REPLICATION_FACTOR');
  if (partitions) options.partitions = partitions;
  if (replicationFactor) options.replicationFactor = replicationFactor;
  return options;
}
