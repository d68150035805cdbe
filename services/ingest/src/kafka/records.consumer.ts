/**
 * The producers' path: consumes the raw records topic as consumer group `ingest`, dead-letters bad
 * records with the reason in headers, buffers good ones per lineage until BatchSealer seals a
 * batch, hands it to IngestService, and only then commits offsets (at-least-once; the content-
 * derived batch id makes a replay after a crash harmless). Runs in the production runtime by default.
 */
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Consumer, EachMessagePayload, Producer } from 'kafkajs';
import { KafkaConnection, ensureTopics } from '@ratchet/eventlog';
import { RawRecord } from '@ratchet/contracts';
import { Readiness, SERVICE_CONFIG } from '@ratchet/service-kit';
import { IngestConfig, recordLimits } from '../config';
import { IngestMetrics } from '../ingest-metrics';
import { IngestService } from '../ingest.service';
import { canonicalRecord } from '../batch/batch-content';
import { BATCH_TOO_SMALL } from '../batch/rejection';
import { MIN_BATCH_RECORDS } from '../batch/split-batch';
import { BatchSealer, SealedBatch } from './batch-sealer';
import { kafkaConnectionOptions, recordsTopics } from './kafka-settings';
import { OffsetTracker } from './offset-tracker';
import { RecordClock } from './record-clock';
import { RecordMessage, classifyMessage, deadLetterOf } from './record-message';

interface Buffered {
  record: RawRecord;
  message: RecordMessage;
  partition: number;
  offset: string;
}

const RESTART_DELAY_MS = 1_000;

@Injectable()
export class RecordsConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('records');
  private readonly topics: ReturnType<typeof recordsTopics>;
  private readonly connection: KafkaConnection;
  private readonly sealer: BatchSealer<Buffered>;
  private readonly offsets = new OffsetTracker();
  /** The timer's clock: the records' timestamps, so that a replay re-forms the same batches. */
  private readonly clock = new RecordClock();
  private consumer: Consumer | null = null;
  private producer: Producer | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Serialises messages, timer seals and resets. */
  private queue: Promise<unknown> = Promise.resolve();
  private running = false;
  /** Set after a batch could not be stored or announced: ignore messages until the consumer restarts. */
  private failed = false;
  private stopping = false;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: IngestConfig,
    private readonly ingest: IngestService,
    private readonly metrics: IngestMetrics,
    readiness: Readiness,
  ) {
    this.topics = recordsTopics(config);
    this.connection = new KafkaConnection(kafkaConnectionOptions(config));
    this.sealer = new BatchSealer({
      maxRecords: config.RATCHET_SEAL_RECORDS,
      maxBytes: config.RATCHET_SEAL_BYTES,
      windowMs: config.RATCHET_SEAL_WINDOW_MS,
      minRecords: MIN_BATCH_RECORDS,
    });
    readiness.register('records-consumer', () => this.running);
  }

  async onApplicationBootstrap(): Promise<void> {
    const admin = this.connection.admin();
    await admin.connect();
    try {
      const spec = { partitions: this.config.RATCHET_KAFKA_PARTITIONS, replicationFactor: this.config.RATCHET_KAFKA_REPLICATION_FACTOR };
      await ensureTopics(admin, [{ topic: this.topics.records, ...spec }, { topic: this.topics.deadLetter, ...spec }]);
    } finally {
      await admin.disconnect();
    }
    this.producer = this.connection.producer();
    await this.producer.connect();
    await this.startConsumer();
    const tick = Math.max(50, Math.min(1_000, Math.floor(this.config.RATCHET_SEAL_WINDOW_MS / 2)));
    this.timer = setInterval(() => void this.enqueue(() => this.sealDue()), tick);
    this.logger.log({ msg: 'consuming', topic: this.topics.records, group: this.topics.group, deadLetter: this.topics.deadLetter });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    await this.queue.catch(() => undefined);
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.running = false;
  }

  private async startConsumer(): Promise<void> {
    // a generous session: writing a large batch to S3 between two heartbeats must not cost the membership
    const consumer = this.connection.consumer(this.topics.group, { sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 60_000, heartbeatIntervalMs: 3_000 });
    // after a (re)join kafkajs reads on from the committed offsets: drop what was buffered, it comes again
    consumer.on(consumer.events.GROUP_JOIN, () => void this.enqueue(async () => this.reset()));
    consumer.on(consumer.events.CRASH, ({ payload }) => this.logger.error({ msg: 'consumer crashed', error: String(payload.error) }));
    await consumer.connect();
    await consumer.subscribe({ topics: [this.topics.records], fromBeginning: true });
    await consumer.run({ autoCommit: false, eachMessage: (payload) => this.enqueue(() => this.handle(payload)) });
    this.consumer = consumer;
    this.failed = false;
    this.running = true;
  }

  private enqueue(task: () => Promise<void>): Promise<void> {
    const next = this.queue.then(task, task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private reset(): void {
    this.sealer.clear();
    this.offsets.clear();
    this.clock.clear();
    this.showBuffered();
  }

  private showBuffered(): void {
    this.metrics.buffered.reset();
    for (const [lineage, records] of Object.entries(this.sealer.buffered())) this.metrics.buffered.set({ lineage }, records);
  }

  private async handle({ topic, partition, message }: EachMessagePayload): Promise<void> {
    if (this.failed || this.stopping) return;
    const offset = Number(message.offset);
    const classified = classifyMessage(message, recordLimits(this.config));
    try {
      switch (classified.kind) {
        case 'invalid':
          await this.deadLetter(message, classified.error, { topic, partition, offset: message.offset });
          this.offsets.seen(partition, offset, false);
          break;
        case 'seal': {
          this.offsets.seen(partition, offset, false);
          // a bad label does not hold the batch back: it is sealed unlabelled, and the seal message
          // goes to the dead letters with the reason, so that the producer learns of it
          if (classified.labelError) await this.sendDeadLetter(message, classified.labelError, { topic, partition, offset: message.offset });
          const batch = this.sealer.seal(classified.lineage, classified.label);
          if (batch) await this.process(batch);
          break;
        }
        case 'record': {
          const item: Buffered = { record: classified.record, message, partition, offset: message.offset };
          this.clock.observe(Number(message.timestamp), Date.now());
          const sealed = this.sealer.add(classified.record.lineage, item, classified.bytes, Number(message.timestamp));
          this.offsets.seen(partition, offset, true);
          for (const batch of sealed) await this.process(batch);
          break;
        }
        default: {
          const never: never = classified;
          throw new Error(`unknown message kind ${JSON.stringify(never)}`);
        }
      }
      await this.commit();
      this.showBuffered();
    } catch (error) {
      this.fail(error);
    }
  }

  private async sealDue(): Promise<void> {
    if (this.failed || this.stopping || !this.running) return;
    try {
      for (const batch of this.sealer.due(this.clock.now(Date.now()))) await this.process(batch);
      await this.commit();
      this.showBuffered();
    } catch (error) {
      this.fail(error);
    }
  }

  private async process(batch: SealedBatch<Buffered>): Promise<void> {
    this.metrics.batchesSealed.inc({ reason: batch.reason });
    const { lineage } = batch;
    if (batch.items.length < MIN_BATCH_RECORDS) {
      const error = { code: BATCH_TOO_SMALL, field: '', reason: `the batch was sealed with ${batch.items.length} record(s); a batch needs at least ${MIN_BATCH_RECORDS}` };
      for (const item of batch.items) await this.deadLetter(item.message, error, { topic: this.topics.records, partition: item.partition, offset: item.offset });
    }
    const records = batch.items.map((item, i) => ({ position: i + 1, record: item.record }));
    const sent = batch.items.map((item) => canonicalRecord(item.record)).join('\n');
    const label = batch.label !== undefined ? { label: batch.label } : {};
    const outcome = await this.ingest.ingest({ lineage, records, rejected: [], source: 'kafka', sent, rejectedTo: this.topics.deadLetter, ...label });
    this.offsets.release(batch.items.map((item) => ({ partition: item.partition, offset: Number(item.offset) })));
    this.logger.log({ msg: 'sealed', lineage, reason: batch.reason, records: batch.items.length, status: outcome.status, ...label });
  }

  private async deadLetter(message: RecordMessage, error: { code: string; field: string; reason: string }, from: { topic: string; partition: number; offset: string }): Promise<void> {
    await this.sendDeadLetter(message, error, from);
    this.metrics.recordsRejected.inc({ source: 'kafka', code: error.code });
  }

  /** Copies a message to the dead letters with the reason; a record's copy is counted as a rejected record too (deadLetter), a seal message's is not. */
  private async sendDeadLetter(message: RecordMessage, error: { code: string; field: string; reason: string }, from: { topic: string; partition: number; offset: string }): Promise<void> {
    await this.producer!.send({ topic: this.topics.deadLetter, messages: [deadLetterOf(message, error, from)] });
    this.metrics.deadLettered.inc({ code: error.code });
  }

  private async commit(): Promise<void> {
    const offsets = this.offsets.committable();
    if (offsets.size === 0 || !this.consumer) return;
    await this.consumer.commitOffsets([...offsets].map(([partition, offset]) => ({ topic: this.topics.records, partition, offset: String(offset) })));
    this.offsets.committedTo(offsets);
  }

  /** A batch could not be stored or announced: forget the buffers and re-read from the committed offsets. */
  private fail(error: unknown): void {
    this.logger.error({ msg: 'records batch failed; restarting the consumer from the committed offsets', error: String(error) });
    this.failed = true;
    this.running = false;
    this.reset();
    setTimeout(() => void this.restart(), RESTART_DELAY_MS);
  }

  private async restart(): Promise<void> {
    if (this.stopping) return;
    try {
      await this.consumer?.disconnect();
      await this.startConsumer();
    } catch (error) {
      this.logger.error({ msg: 'consumer restart failed', error: String(error) });
      setTimeout(() => void this.restart(), RESTART_DELAY_MS);
    }
  }
}
