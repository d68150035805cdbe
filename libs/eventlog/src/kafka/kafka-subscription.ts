// A consumer group's delivery loop on Kafka: one kafkajs consumer, eachMessage in partition order,
// the group's offset committed (offset + 1) only after the handler resolved or the record was
// dead-lettered. At-least-once: a handler cut off by a rebalance or a crash sees its event again.
import { DecodeError, dedupKey, fromKafkaMessage } from '@ratchet/contracts';
import { Consumer, EachMessagePayload, KafkaMessage } from 'kafkajs';
import { EventHandler, StoredEvent, SubscribeOptions, Subscription } from '../port';
import { handleWithRetry } from '../retry';
import { DedupIndex } from './dedup-index';

export interface SubscriptionContext {
  topic: string;
  index: DedupIndex;
  heartbeatIntervalMs: number;
  deadLetter(partition: number, message: KafkaMessage, group: string, reason: string, error?: DecodeError): Promise<void>;
}

export class KafkaSubscription implements Subscription {
  private stopping = false;
  private stopped: Promise<void> | null = null;

  constructor(
    readonly group: string,
    private readonly consumer: Consumer,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly context: SubscriptionContext,
    private readonly onStopped: () => void,
  ) {}

  /**
   * Resolves once the consumer joined its group, so the caller knows it is receiving. `startAt`
   * (per partition) positions a group that has no committed offsets yet.
   */
  async start(partitions: number, startAt?: number[]): Promise<void> {
    const { CRASH } = this.consumer.events;
    this.consumer.on(CRASH, ({ payload }) => this.options.onError?.(payload.error, null, 0));
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.context.topic], fromBeginning: this.options.fromBeginning ?? true });
    // partitions are independent lineages: handle them side by side, each one in order
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: partitions,
      eachMessage: (payload) => this.onMessage(payload),
    });
    // applied before the next fetch; a record fetched before it is dropped by kafkajs as stale
    startAt?.forEach((offset, partition) => this.consumer.seek({ topic: this.context.topic, partition, offset: String(offset) }));
  }

  stop(): Promise<void> {
    this.stopping = true;
    // disconnect waits for the record in hand (and its commit), then leaves the group
    this.stopped ??= this.consumer.disconnect().finally(() => this.onStopped());
    return this.stopped;
  }

  private async onMessage({ partition, message, heartbeat }: EachMessagePayload): Promise<void> {
    if (this.stopping) return;
    const offset = Number(message.offset);
    const decoded = fromKafkaMessage(message);
    if (!decoded.ok) {
      await this.context.deadLetter(partition, message, this.group, decoded.error.message, decoded.error);
      return this.commit(partition, offset, null);
    }
    const stored: StoredEvent = { event: decoded.value, partition, offset };
    if (!(await this.context.index.isFirst(dedupKey(decoded.value), partition, offset))) {
      return this.commit(partition, offset, stored); // a later copy of an event already in the log
    }
    const outcome = await this.keepingAlive(heartbeat, () =>
      handleWithRetry(this.handler, stored, this.options, () => this.stopping),
    );
    if (outcome === 'stopped') return; // not handled: stays uncommitted for the next member
    if (!outcome.handled) await this.context.deadLetter(partition, message, this.group, outcome.reason);
    await this.commit(partition, offset, stored);
  }

  private async commit(partition: number, offset: number, stored: StoredEvent | null): Promise<void> {
    try {
      await this.consumer.commitOffsets([{ topic: this.context.topic, partition, offset: String(offset + 1) }]);
    } catch (error) {
      // typically a rebalance took the partition away: its new owner redelivers (at-least-once)
      this.options.onError?.(error, stored, 0);
    }
  }

  /** kafkajs heartbeats only between records; a long handler (a training increment) needs more. */
  private async keepingAlive<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => heartbeat().catch(() => undefined), this.context.heartbeatIntervalMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }
}
