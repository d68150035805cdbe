// Production EventLog on Apache Kafka (kafkajs): CloudEvents in binary mode, keyed by lineage,
// an idempotent producer, app-level dedup on source+id (see dedup-index.ts), one consumer per
// subscription with manual commits, and a dead-letter topic.
import { AnyEvent, DecodeError, MAX_EVENT_BYTES, TOPICS, dedupKey, fromKafkaMessage, toKafkaMessage } from '@ratchet/contracts';
import { Admin, KafkaMessage, Message, PartitionMetadata, Partitioners, Producer } from 'kafkajs';
import { AppendResult, DeadLetter, EventHandler, EventLog, ReadOptions, StoredEvent, SubscribeOptions, Subscription } from '../port';
import { deadLetterMessage, toDeadLetter } from './dead-letters';
import { DedupIndex, IndexedRecord } from './dedup-index';
import { KafkaEventLogOptions } from './kafka-config';
import { DEFAULT_CONSUMER_TUNING, KafkaConnection } from './kafka-connection';
import { KafkaSubscription } from './kafka-subscription';
import { OffsetRange, RawRecord, readRanges } from './topic-reader';
import { ensureTopics, highWatermarks, partitionsOf, retryRetriable } from './topics';

/**
 * The log is the system of record (read models are rebuilt by replaying it from offset 0), so its
 * topics keep everything and are never compacted (compaction by lineage key would drop events).
 */
export function eventTopicConfigs(replicationFactor: number): Record<string, string> {
  const configs: Record<string, string> = { 'cleanup.policy': 'delete', 'retention.ms': '-1', 'retention.bytes': '-1' };
  // with replicas, an acknowledged append survives the loss of one broker
  if (replicationFactor > 1) configs['min.insync.replicas'] = '2';
  return configs;
}

export class KafkaEventLog implements EventLog {
  private readonly index: DedupIndex;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly partitioner = Partitioners.DefaultPartitioner();
  private appendQueue: Promise<unknown> = Promise.resolve();
  private closed = false;

  private constructor(
    readonly connection: KafkaConnection,
    readonly topic: string,
    readonly deadLetterTopic: string,
    private readonly partitionMetadata: PartitionMetadata[],
    private readonly admin: Admin,
    private readonly producer: Producer,
    private readonly options: KafkaEventLogOptions,
  ) {
    this.index = new DedupIndex(partitionMetadata.length, (from, to) => this.scanKeys(from, to), () => highWatermarks(admin, topic));
  }

  /** Creates the topics if needed, connects, and indexes the dedup keys already in the topic. */
  static async open(options: KafkaEventLogOptions): Promise<KafkaEventLog> {
    const connection = new KafkaConnection(options);
    const topic = options.topic ?? TOPICS.events;
    const deadLetterTopic = options.deadLetterTopic ?? TOPICS.eventsDeadLetter;
    const partitions = options.partitions ?? 3;
    const replicationFactor = options.replicationFactor ?? 1;
    const admin = connection.admin();
    const producer = connection.producer();
    try {
      await admin.connect();
      const configs = { ...eventTopicConfigs(replicationFactor), ...options.topicConfigs };
      await ensureTopics(admin, [
        { topic, partitions, replicationFactor, configs },
        { topic: deadLetterTopic, partitions, replicationFactor, configs },
      ]);
      const metadata = await partitionsOf(admin, topic);
      await producer.connect();
      const log = new KafkaEventLog(connection, topic, deadLetterTopic, metadata, admin, producer, options);
      await log.index.catchUp();
      return log;
    } catch (error) {
      await Promise.allSettled([producer.disconnect(), admin.disconnect()]);
      throw error;
    }
  }

  get partitions(): number {
    return this.partitionMetadata.length;
  }

  append(events: AnyEvent[]): Promise<AppendResult> {
    // one append at a time, so the dedup check and the write it guards do not interleave
    const run = this.appendQueue.then(() => this.appendNow(events));
    this.appendQueue = run.catch(() => undefined);
    return run;
  }

  async read(options: ReadOptions = {}): Promise<StoredEvent[]> {
    this.assertOpen();
    const hw = await this.index.catchUp();
    const limit = options.limit ?? Infinity;
    const perPartition: StoredEvent[][] = hw.map(() => []);
    const ranges = new Map<number, OffsetRange>();
    hw.forEach((to, p) => ranges.set(p, { from: options.from?.[p] ?? 0, to }));
    await readRanges(this.connection, this.topic, ranges, {
      timeoutMs: this.readTimeoutMs,
      tuning: this.options.consumer,
      onRecord: ({ partition, offset, message }) => {
        const decoded = fromKafkaMessage(message);
        if (decoded.ok && this.index.isFirstIndexed(dedupKey(decoded.value), partition, offset)) {
          perPartition[partition]!.push({ event: decoded.value, partition, offset });
        }
        // output is partition by partition, so no partition contributes more than `limit`
        return perPartition[partition]!.length < limit;
      },
    });
    return perPartition.flat().slice(0, limit);
  }

  async subscribe(group: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    this.assertOpen();
    const tuning = { ...DEFAULT_CONSUMER_TUNING, ...this.options.consumer };
    const startAt = options.fromBeginning === false ? await this.endIfNewGroup(group) : undefined;
    const subscription = new KafkaSubscription(
      group,
      this.connection.consumer(group, tuning),
      handler,
      options,
      {
        topic: this.topic,
        index: this.index,
        heartbeatIntervalMs: tuning.heartbeatIntervalMs,
        deadLetter: (partition, message, g, reason, error) => this.sendDeadLetter(partition, message, g, reason, error),
      },
      () => this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start(this.partitions, startAt);
    } catch (error) {
      await subscription.stop().catch(() => undefined);
      throw error;
    }
    return subscription;
  }

  async deadLetters(): Promise<DeadLetter[]> {
    this.assertOpen();
    const hw = await highWatermarks(this.admin, this.deadLetterTopic);
    const letters: DeadLetter[][] = hw.map(() => []);
    const ranges = new Map<number, OffsetRange>(hw.map((to, p) => [p, { from: 0, to }]));
    await readRanges(this.connection, this.deadLetterTopic, ranges, {
      timeoutMs: this.readTimeoutMs,
      tuning: this.options.consumer,
      onRecord: ({ partition, message }) => letters[partition]!.push(toDeadLetter(message)) > 0,
    });
    return letters.flat();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.appendQueue;
    await Promise.allSettled([this.producer.disconnect(), this.admin.disconnect()]);
  }

  private get readTimeoutMs(): number {
    return this.options.readTimeoutMs ?? 30_000;
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event log is closed');
  }

  private async appendNow(events: AnyEvent[]): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) return { appended: 0, duplicates: 0 };
    await this.index.catchUp();
    const fresh = new Map<string, AnyEvent>();
    for (const event of events) {
      const key = dedupKey(event);
      if (!this.index.has(key) && !fresh.has(key)) fresh.set(key, event);
    }
    if (fresh.size === 0) return { appended: 0, duplicates: events.length };

    const keysByPartition = new Map<number, string[]>();
    const messages: Message[] = [];
    for (const [key, event] of fresh) {
      const message: Message = toKafkaMessage(event);
      const bytes = Buffer.byteLength(message.value as string);
      if (bytes > MAX_EVENT_BYTES) throw new Error(`event ${event.id} is ${bytes} bytes, over the ${MAX_EVENT_BYTES} limit`);
      // the partition is chosen here (same murmur2 as the producer) so we know where each key lands
      const partition = this.partitioner({ topic: this.topic, partitionMetadata: this.partitionMetadata, message });
      message.partition = partition;
      messages.push(message);
      keysByPartition.set(partition, [...(keysByPartition.get(partition) ?? []), key]);
    }
    const written = await this.producer.send({ topic: this.topic, messages, acks: -1 });
    for (const meta of written) {
      const keys = keysByPartition.get(meta.partition);
      if (keys && meta.baseOffset !== undefined) await this.index.recordAppend(meta.partition, Number(meta.baseOffset), keys);
    }
    return { appended: fresh.size, duplicates: events.length - fresh.size };
  }

  private async scanKeys(from: number[], to: number[]): Promise<IndexedRecord[]> {
    const out: IndexedRecord[] = [];
    const ranges = new Map<number, OffsetRange>(to.map((t, p) => [p, { from: from[p] ?? 0, to: t }]));
    await readRanges(this.connection, this.topic, ranges, {
      timeoutMs: this.readTimeoutMs,
      tuning: this.options.consumer,
      onRecord: ({ partition, offset, message }: RawRecord) => {
        const decoded = fromKafkaMessage(message);
        out.push({ partition, offset, key: decoded.ok ? dedupKey(decoded.value) : null });
        return true;
      },
    });
    // partition by partition, each in offset order: the lowest offset of a key is its first copy
    return out.sort((a, b) => a.partition - b.partition || a.offset - b.offset);
  }

  private async sendDeadLetter(partition: number, message: KafkaMessage, group: string, reason: string, error?: DecodeError): Promise<void> {
    await this.producer.send({
      topic: this.deadLetterTopic,
      messages: [deadLetterMessage({ topic: this.topic, partition, message }, group, reason, error)],
      acks: -1,
    });
  }

  /**
   * For a group with no committed offset, the end of the log as of subscribe() (not of its first
   * fetch, which would skip what is appended in between). kafkajs' admin.setOffsets would do it
   * too, but waits a whole fetch (maxWaitTime) for nothing.
   */
  private async endIfNewGroup(group: string): Promise<number[] | undefined> {
    const [committed] = await retryRetriable(() => this.admin.fetchOffsets({ groupId: group, topics: [this.topic] }));
    if (committed?.partitions.some((p) => Number(p.offset) >= 0)) return undefined;
    return highWatermarks(this.admin, this.topic);
  }
}
