// Prints throughput figures of the ingest paths (embedded runtime; Kafka when RATCHET_KAFKA_BROKERS is set).
// Run: cd services/ingest && node -r ../../tools/swc-register.js src/ingest.bench.ts
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TOPICS } from '@ratchet/contracts';
import { EventLog, KafkaConnection } from '@ratchet/eventlog';
import { EVENT_LOG, startService } from '@ratchet/service-kit';
import { AppModule } from './app.module';
import { loadIngestConfig } from './config';

const RECORDS = 10_000;
const text = (i: number, tag: string) => `${tag} record ${i}: the quick brown fox jumps over the lazy dog, again and again, number ${i}.`;

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'ratchet-ingest-bench-'));
  const prefix = `bench${randomUUID().slice(0, 6)}.`;
  const kafka = Boolean(process.env.RATCHET_KAFKA_BROKERS);
  const config = loadIngestConfig({
    ...(kafka ? { RATCHET_KAFKA_BROKERS: process.env.RATCHET_KAFKA_BROKERS } : {}),
    RATCHET_DATA_DIR: dir,
    RATCHET_HTTP_PORT: '0',
    RATCHET_LOG_LEVEL: 'warn',
    RATCHET_INGEST_KAFKA_CONSUMER: kafka ? 'true' : 'false',
    RATCHET_KAFKA_TOPIC_PREFIX: prefix,
    RATCHET_KAFKA_PARTITIONS: '1',
    RATCHET_SEAL_RECORDS: String(RECORDS),
  });
  const app = await startService(AppModule.register(config), { name: 'ingest', config, embedded: true });
  const url = await app.getUrl();
  try {
    const body = Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ text: text(i, 'http') })).join('\n');
    const upload = async () => {
      const start = performance.now();
      const res = await fetch(`${url}/lineages/bench/batches`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
      await res.json();
      return [res.status, performance.now() - start] as const;
    };
    const [status, ms] = await upload();
    const [dupStatus, dupMs] = await upload();
    const mb = Buffer.byteLength(body) / 1e6;
    console.log(`HTTP JSONL upload: ${RECORDS} records, ${mb.toFixed(2)} MB -> ${status} in ${ms.toFixed(0)} ms (${((RECORDS / ms) * 1000).toFixed(0)} records/s, ${(mb / (ms / 1000)).toFixed(1)} MB/s)`);
    console.log(`same upload again -> ${dupStatus} (duplicate) in ${dupMs.toFixed(0)} ms`);

    if (kafka) {
      const connection = new KafkaConnection({ brokers: config.RATCHET_KAFKA_BROKERS, clientId: 'ingest-bench' });
      const producer = connection.producer();
      await producer.connect();
      const log = app.get<EventLog>(EVENT_LOG);
      const start = performance.now();
      for (let i = 0; i < RECORDS; i += 1000) {
        const messages = Array.from({ length: 1000 }, (_, j) => ({ key: 'kbench', value: JSON.stringify({ text: text(i + j, 'kafka') }) }));
        await producer.send({ topic: `${prefix}${TOPICS.records}`, messages });
      }
      const produced = performance.now() - start;
      for (;;) {
        if ((await log.read()).some((s) => s.event.name === 'DataBatchArrived' && s.event.subject === 'kbench')) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      const sealed = performance.now() - start;
      console.log(`Kafka: ${RECORDS} records produced in ${produced.toFixed(0)} ms; sealed (by count), stored and announced after ${sealed.toFixed(0)} ms (${((RECORDS / sealed) * 1000).toFixed(0)} records/s end to end)`);
      await producer.disconnect();
    }
  } finally {
    await app.close();
    if (kafka) {
      const admin = new KafkaConnection({ brokers: config.RATCHET_KAFKA_BROKERS, clientId: 'ingest-bench' }).admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [`${prefix}${TOPICS.records}`, `${prefix}${TOPICS.recordsDeadLetter}`] }).catch(() => undefined);
      await admin.deleteGroups([`${prefix}ingest`]).catch(() => undefined);
      await admin.disconnect();
    }
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
