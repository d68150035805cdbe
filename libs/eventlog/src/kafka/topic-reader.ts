// Bounded reads of offset ranges. kafkajs has no group-less consumer (no assign()), so a
// throw-away consumer with a random group id seeks to each range's start and is disconnected as
// soon as every range reached its end (a high watermark fetched beforehand). It never commits,
// so the group leaves nothing behind. A deadline turns a range that cannot be completed (a
// deleted topic, a broker gone) into an error instead of a hang.
import { randomUUID } from 'node:crypto';
import { KafkaMessage } from 'kafkajs';
import { KafkaConsumerTuning } from './kafka-config';
import { KafkaConnection } from './kafka-connection';

export interface RawRecord {
  partition: number;
  offset: number;
  message: KafkaMessage;
}

/** Offsets [from, to) of one partition. */
export interface OffsetRange {
  from: number;
  to: number;
}

export interface ReadRangesOptions {
  timeoutMs: number;
  tuning?: KafkaConsumerTuning;
  /** Called in offset order per partition; return false to stop reading that partition. */
  onRecord(record: RawRecord): boolean;
}

export async function readRanges(
  connection: KafkaConnection,
  topic: string,
  ranges: Map<number, OffsetRange>,
  options: ReadRangesOptions,
): Promise<void> {
  const cursor = new Map<number, number>();
  for (const [p, r] of ranges) if (r.to > r.from) cursor.set(p, r.from);
  if (cursor.size === 0) return;

  const consumer = connection.consumer(`ratchet-reader-${randomUUID()}`, { ...options.tuning, maxWaitTimeMs: 100 });
  let finish: () => void = () => undefined;
  const done = new Promise<void>((resolve) => (finish = resolve));
  const complete = (p: number) => {
    cursor.delete(p);
    consumer.pause([{ topic, partitions: [p] }]);
    if (cursor.size === 0) finish();
  };

  let timer: NodeJS.Timeout | undefined;
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const p = batch.partition;
        for (const message of batch.messages) {
          const next = cursor.get(p);
          if (next === undefined) return;
          const offset = Number(message.offset);
          // records before the seek took effect, or a batch fetched twice
          if (offset < next) continue;
          const range = ranges.get(p)!;
          if (offset >= range.to) return complete(p);
          cursor.set(p, offset + 1);
          if (!options.onRecord({ partition: p, offset, message }) || offset + 1 >= range.to) return complete(p);
        }
      },
    });
    for (const [p] of cursor) consumer.seek({ topic, partition: p, offset: String(ranges.get(p)!.from) });
    // the group is assigned every partition; do not pull the ones with nothing to read
    const idle = [...ranges.keys()].filter((p) => !cursor.has(p));
    if (idle.length > 0) consumer.pause([{ topic, partitions: idle }]);
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const left = [...cursor].map(([p, o]) => `partition ${p} at ${o} of ${ranges.get(p)!.to}`).join(', ');
        reject(new Error(`reading ${topic} timed out after ${options.timeoutMs} ms (${left})`));
      }, options.timeoutMs);
    });
    await Promise.race([done, deadline]);
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
}
