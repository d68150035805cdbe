// One configured kafkajs client and the producers, consumers and admins the adapters (and the
// ingest service, for the raw records topic) make from it, with Ratchet's defaults.
import {
  Admin,
  Consumer,
  ConsumerConfig,
  Kafka,
  KafkaConfig,
  LogEntry,
  Partitioners,
  Producer,
  ProducerConfig,
  SASLOptions,
  logLevel,
} from 'kafkajs';
import { KafkaConnectionOptions, KafkaConsumerTuning, KafkaLogLevel } from './kafka-config';

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

// Log lines that describe situations handled elsewhere, so they are noise:
// - kafkajs warns whenever an idempotent producer has bounded retries. We keep them bounded on
//   purpose: a send fails instead of hanging while the cluster is away, and re-sending is safe
//   because appends are deduplicated on source+id.
// - right after a topic is created (and during a leader election) requests get "not the leader"
//   answers, logged at ERROR by the connection before they are retried; if the retries run out
//   the caller gets the error anyway.
const BOUNDED_RETRIES_WARNING = /Limiting retries for the idempotent producer/;
const LEADERSHIP_MOVING = /not the leader|does not host this topic-partition|no leader for this topic-partition|leader is not available/i;

/** One line per entry on stderr (kafkajs' default writes JSON through console.*, noisy under jest). */
function lineLogger() {
  return ({ namespace, label, log }: LogEntry) => {
    const { message, timestamp: _t, logger: _l, ...extra } = log as LogEntry['log'] & { logger?: string };
    const error = String((extra as { error?: unknown }).error ?? '');
    if (BOUNDED_RETRIES_WARNING.test(message)) return;
    if (namespace === 'Connection' && LEADERSHIP_MOVING.test(error)) return;
    const details = Object.keys(extra).length > 0 ? ` ${JSON.stringify(extra)}` : '';
    process.stderr.write(`kafkajs ${label} [${namespace}] ${message}${details}\n`);
  };
}

export const DEFAULT_CONSUMER_TUNING: Required<KafkaConsumerTuning> = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 10_000,
  maxWaitTimeMs: 250,
};

export class KafkaConnection {
  readonly kafka: Kafka;

  constructor(readonly options: KafkaConnectionOptions) {
    if (options.brokers.length === 0) throw new Error('Kafka needs at least one broker address');
    const config: KafkaConfig = {
      clientId: options.clientId ?? 'ratchet',
      brokers: options.brokers,
      logLevel: LEVELS[options.logLevel ?? 'warn'],
      logCreator: lineLogger,
      retry: {
        retries: options.retry?.retries ?? 5,
        initialRetryTime: options.retry?.initialRetryTimeMs ?? 100,
        maxRetryTime: options.retry?.maxRetryTimeMs ?? 5_000,
      },
    };
    if (options.ssl !== undefined) config.ssl = options.ssl;
    if (options.sasl) config.sasl = { ...options.sasl } as SASLOptions;
    if (options.connectionTimeoutMs) config.connectionTimeout = options.connectionTimeoutMs;
    if (options.requestTimeoutMs) config.requestTimeout = options.requestTimeoutMs;
    this.kafka = new Kafka(config);
  }

  /**
   * An idempotent producer: the broker drops retried duplicates and, with one request in flight,
   * keeps each partition's order. Send with `acks: -1` (kafkajs' default), as idempotence requires.
   */
  producer(config: ProducerConfig = {}): Producer {
    return this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      // Java-compatible murmur2 on the key: a lineage lands where a Java or Go client would put it too
      createPartitioner: Partitioners.DefaultPartitioner,
      ...config,
    });
  }

  consumer(groupId: string, tuning: KafkaConsumerTuning = {}, config: Partial<ConsumerConfig> = {}): Consumer {
    const t = { ...DEFAULT_CONSUMER_TUNING, ...tuning };
    return this.kafka.consumer({
      groupId,
      sessionTimeout: t.sessionTimeoutMs,
      heartbeatInterval: t.heartbeatIntervalMs,
      rebalanceTimeout: t.rebalanceTimeoutMs,
      maxWaitTimeInMs: t.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      ...config,
    });
  }

  admin(): Admin {
    return this.kafka.admin();
  }
}
