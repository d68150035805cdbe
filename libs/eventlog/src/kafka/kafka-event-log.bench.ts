// Prints latency figures of KafkaEventLog against the configured broker (RATCHET_KAFKA_*).
// Run: cd libs/eventlog && node -r ../../tools/swc-register.js src/kafka/kafka-event-log.bench.ts
import { randomUUID } from 'node:crypto';
import { sampleEvent, waitFor } from '../testing';
import { kafkaEventLogOptionsFromEnv } from './kafka-config';
import { KafkaConnection } from './kafka-connection';
import { KafkaEventLog } from './kafka-event-log';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(work: () => Promise<T>): Promise<[T, number]> {
  const start = performance.now();
  const value = await work();
  return [value, performance.now() - start];
}

async function main(): Promise<void> {
  const topic = `ratchet-bench-${randomUUID().slice(0, 8)}`;
  const settings = { ...kafkaEventLogOptionsFromEnv(), topic, deadLetterTopic: `${topic}.dlq`, partitions: 3 };
  const [log, openMs] = await timed(() => KafkaEventLog.open(settings));
  const single: number[] = [];
  for (let n = 1; n <= 30; n++) single.push((await timed(() => log.append([sampleEvent(`lin-${n % 3}`, n)])))[1]);
  const [, batchMs] = await timed(() => log.append(Array.from({ length: 500 }, (_, i) => sampleEvent(`lin-${i % 5}`, 1000 + i))));
  const [stored, readMs] = await timed(() => log.read());
  const reads: number[] = [];
  for (let i = 0; i < 5; i++) reads.push((await timed(() => log.read({ limit: 10 })))[1]);
  const [, reopenMs] = await timed(async () => (await KafkaEventLog.open(settings)).close());

  const arrived = new Map<string, number>();
  const [sub, subscribeMs] = await timed(() => log.subscribe(`bench-${randomUUID()}`, async ({ event }) => void arrived.set(event.id, performance.now())));
  await waitFor(() => arrived.size === stored.length, 30_000, 'the backlog');
  const endToEnd: number[] = [];
  for (let n = 5000; n < 5020; n++) {
    const sent = performance.now();
    await log.append([sampleEvent('lin-e2e', n)]);
    await waitFor(() => arrived.has(`lin-e2e-${n}`), 10_000, `lin-e2e-${n}`);
    endToEnd.push(arrived.get(`lin-e2e-${n}`)! - sent);
  }
  const [, stopMs] = await timed(() => sub.stop());
  await log.close();
  const admin = new KafkaConnection(settings).admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, `${topic}.dlq`] });
  await admin.disconnect();

  const f = (ms: number) => `${ms.toFixed(0)} ms`;
  console.log(`open (create 2 topics, empty index)    ${f(openMs)}`);
  console.log(`append 1 event, median of 30          ${f(median(single))}`);
  console.log(`append 500 events in one call         ${f(batchMs)}`);
  console.log(`read all ${stored.length} events                  ${f(readMs)}`);
  console.log(`read limit 10, median of 5            ${f(median(reads))}`);
  console.log(`reopen (index ${stored.length} events) + close    ${f(reopenMs)}`);
  console.log(`subscribe (join group)                ${f(subscribeMs)}`);
  console.log(`append -> handler, median of 20       ${f(median(endToEnd))}`);
  console.log(`stop subscription                     ${f(stopMs)}`);
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
