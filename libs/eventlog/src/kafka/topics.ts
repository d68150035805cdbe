// Topic administration: idempotent creation, partition metadata and high watermarks.
import { Admin, PartitionMetadata } from 'kafkajs';

export interface TopicSpec {
  topic: string;
  partitions: number;
  replicationFactor: number;
  /** Topic-level configs, e.g. { 'min.insync.replicas': '2' }. */
  configs?: Record<string, string>;
}

/**
 * Creates the topics that do not exist yet and waits for their leaders. Safe to run from many
 * processes at once: a topic created by someone else in between is not an error.
 */
export async function ensureTopics(admin: Admin, specs: TopicSpec[]): Promise<void> {
  const existing = new Set(await admin.listTopics());
  const missing = specs.filter((s) => !existing.has(s.topic));
  if (missing.length === 0) return;
  try {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor,
        configEntries: Object.entries(s.configs ?? {}).map(([name, value]) => ({ name, value })),
      })),
    });
  } catch (error) {
    // another process won the race; anything else is a real failure
    const now = new Set(await admin.listTopics());
    if (!missing.every((s) => now.has(s.topic))) throw error;
  }
}

export async function partitionsOf(admin: Admin, topic: string): Promise<PartitionMetadata[]> {
  const { topics } = await retryRetriable(() => admin.fetchTopicMetadata({ topics: [topic] }));
  const partitions = topics[0]?.partitions ?? [];
  if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions`);
  return [...partitions].sort((a, b) => a.partitionId - b.partitionId);
}

/**
 * Retries an admin call on errors Kafka marks retriable. A topic created a moment ago can answer
 * NOT_LEADER_OR_FOLLOWER to ListOffsets until its leadership reached every broker, and kafkajs'
 * admin does not retry that itself.
 */
export async function retryRetriable<T>(call: () => Promise<T>, attempts = 8, firstDelayMs = 50): Promise<T> {
  let delay = firstDelayMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= attempts || !(error as { retriable?: boolean }).retriable) throw error;
      await new Promise((resolve) => setTimeout(resolve, delay));
      delay = Math.min(delay * 2, 2_000);
    }
  }
}

/** The next offset to be written, per partition (index = partition id). */
export async function highWatermarks(admin: Admin, topic: string): Promise<number[]> {
  const offsets = await retryRetriable(() => admin.fetchTopicOffsets(topic));
  const out: number[] = [];
  for (const o of offsets) out[o.partition] = Number(o.high);
  return out;
}
