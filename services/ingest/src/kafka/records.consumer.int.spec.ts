// The producers' path against the real Kafka and S3 (deploy/local/up.sh): the first test runs the
// production runtime (Kafka event log, S3 store), the second the embedded one (file log) for brevity.
import { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Consumer, KafkaMessage } from 'kafkajs';
import { DEAD_LETTER_HEADERS, EventOf, SEAL_HEADER, TOPICS } from '@ratchet/contracts';
import { EventLog, FileEventLog, KafkaConnection } from '@ratchet/eventlog';
import { waitFor } from '@ratchet/eventlog/testing';
import { LocalObjectStore, ObjectStore } from '@ratchet/objectstore';
import { EVENT_LOG, Metrics, OBJECT_STORE, startService } from '@ratchet/service-kit';
import { AppModule, IngestConfig, loadIngestConfig } from '..';

const brokers = process.env.RATCHET_KAFKA_BROKERS;

describe('Kafka records consumer', () => {
  const prefix = `t${Date.now().toString(36)}${randomUUID().slice(0, 6)}.`;
  const recordsTopic = `${prefix}${TOPICS.records}`;
  const deadLetterTopic = `${prefix}${TOPICS.recordsDeadLetter}`;
  let dir: string;
  let config: IngestConfig;
  let connection: KafkaConnection;
  let dlqReader: Consumer | null = null;

  jest.setTimeout(120_000);

  beforeAll(async () => {
    if (!brokers) throw new Error('RATCHET_KAFKA_BROKERS is not set: run deploy/local/up.sh and `set -a; . /tmp/ratchet-infra/env; set +a`');
    dir = await mkdtemp(join(tmpdir(), 'ratchet-ingest-kafka-'));
    config = loadIngestConfig({
      ...process.env,
      RATCHET_RUNTIME: 'production',
      RATCHET_KAFKA_BROKERS: brokers,
      RATCHET_KAFKA_TOPIC_PREFIX: prefix,
      RATCHET_KAFKA_PARTITIONS: '2',
      RATCHET_INGEST_KAFKA_CONSUMER: 'true',
      RATCHET_DATA_DIR: join(dir, 'data'),
      RATCHET_HTTP_PORT: '0',
      RATCHET_LOG_LEVEL: 'warn',
      RATCHET_SEAL_WINDOW_MS: '600000',
    });
    connection = new KafkaConnection({ brokers: config.RATCHET_KAFKA_BROKERS, clientId: 'ingest-int-test' });
  });

  afterAll(async () => {
    await dlqReader?.disconnect();
    const admin = connection.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    await admin.deleteTopics({ topics }).catch(() => undefined);
    await admin.deleteGroups([`${prefix}ingest`, `${prefix}ingest-events`, `${prefix}dlq-reader`]).catch(() => undefined);
    await admin.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  const start = () => startService(AppModule.register(config), { name: 'ingest', config, embedded: true });
  const arrivals = async (log: EventLog) =>
    (await log.read()).map((s) => s.event).filter((e): e is EventOf<'DataBatchArrived'> => e.name === 'DataBatchArrived');

  it('seals by seal message (with its label), stores and announces the batches, dead-letters every bad record with its reason, commits, and a replay adds nothing', async () => {
    let app: INestApplication = await start();
    const producer = connection.producer();
    await producer.connect();
    const record = (lineage: string, text: string) => ({ key: lineage, value: JSON.stringify({ text, lineage }) });
    const aTexts = Array.from({ length: 5 }, (_, i) => `kafka-a record ${i}`);
    const bTexts = Array.from({ length: 3 }, (_, i) => `kafka-b record ${i}`);
    const dTexts = ['kafka-d record 0', 'kafka-d record 1'];
    const badLabelSeal = JSON.stringify({ seal: true, lineage: 'kafka-d', label: 'two\nlines' });
    await producer.send({
      topic: recordsTopic,
      messages: [
        ...aTexts.slice(0, 3).map((t) => record('kafka-a', t)),
        { key: 'kafka-a', value: '{"text": oops' },
        ...bTexts.map((t) => ({ key: 'kafka-b', value: JSON.stringify({ text: t }) })), // lineage from the key
        { key: 'kafka-a', value: JSON.stringify({ text: '', lineage: 'kafka-a' }) },
        { key: 'kafka-b', value: JSON.stringify({ text: 'wrong partition', lineage: 'kafka-a' }) },
        ...aTexts.slice(3).map((t) => record('kafka-a', t)),
        { key: 'kafka-c', value: JSON.stringify({ text: 'a lonely record', lineage: 'kafka-c' }) },
        ...dTexts.map((t) => record('kafka-d', t)),
        { key: 'kafka-a', value: '', headers: { [SEAL_HEADER]: 'kafka-a' } },
        { key: 'kafka-b', value: JSON.stringify({ seal: true, lineage: 'kafka-b', label: 'kafka b, first of the day' }) },
        { key: 'kafka-c', value: JSON.stringify({ seal: true, lineage: 'kafka-c', label: 'lonely' }) },
        // a bad label: the batch is still sealed (unlabelled), the seal message is dead-lettered with the reason
        { key: 'kafka-d', value: badLabelSeal },
      ],
    });
    await producer.disconnect();

    const log = app.get<EventLog>(EVENT_LOG);
    const store = app.get<ObjectStore>(OBJECT_STORE);
    expect([log.constructor.name, store.constructor.name]).toEqual(['KafkaEventLog', 'S3ObjectStore']);
    const arrived = await waitFor(async () => {
      const a = await arrivals(log);
      return a.length >= 3 ? a : null;
    }, 30_000, 'DataBatchArrived for kafka-a, kafka-b and kafka-d');
    const byLineage = Object.fromEntries(arrived.map((e) => [e.subject, e.data]));
    expect(byLineage['kafka-a']).toMatchObject({ records: 5, source: 'kafka' });
    expect(byLineage['kafka-a']).not.toHaveProperty('label'); // the header form names no batch
    expect(byLineage['kafka-b']).toMatchObject({ records: 3, source: 'kafka', label: 'kafka b, first of the day' });
    expect(byLineage['kafka-d']).toMatchObject({ records: 2, source: 'kafka' });
    expect(byLineage['kafka-d']).not.toHaveProperty('label');
    for (const [lineage, texts] of [['kafka-a', aTexts], ['kafka-b', bTexts], ['kafka-d', dTexts]] as const) {
      const data = byLineage[lineage]!;
      const stored: string[] = [];
      for (const split of [data.train, data.heldOut]) {
        stored.push(...(await store.get(split.key)).toString('utf8').trim().split('\n').map((l) => JSON.parse(l).text as string));
      }
      expect(stored.sort()).toEqual([...texts].sort()); // no valid record lost
    }

    const rejectedC = await waitFor(async () => (await log.read()).map((s) => s.event).find((e) => e.name === 'BatchRejected' && e.subject === 'kafka-c'), 30_000, 'BatchRejected for kafka-c');
    expect(rejectedC.name === 'BatchRejected' && rejectedC.data.rejectedTo).toBe(deadLetterTopic);
    expect(rejectedC.name === 'BatchRejected' && rejectedC.data.label).toBe('lonely');

    const dead = await readDeadLetters(5);
    const summary = dead.map((m) => ({ code: header(m, DEAD_LETTER_HEADERS.code), field: header(m, DEAD_LETTER_HEADERS.field), value: m.value?.toString() }));
    expect(summary).toHaveLength(5); // each bad message once (their order across partitions varies)
    expect(summary).toEqual(
      expect.arrayContaining([
        { code: 'malformed-json', field: '', value: '{"text": oops' },
        { code: 'invalid-field', field: 'text', value: JSON.stringify({ text: '', lineage: 'kafka-a' }) },
        { code: 'invalid-field', field: 'key', value: JSON.stringify({ text: 'wrong partition', lineage: 'kafka-a' }) },
        { code: 'batch-too-small', field: '', value: JSON.stringify({ text: 'a lonely record', lineage: 'kafka-c' }) },
        { code: 'invalid-field', field: 'label', value: badLabelSeal },
      ]),
    );
    const labelLetter = dead.find((m) => header(m, DEAD_LETTER_HEADERS.field) === 'label')!;
    expect(header(labelLetter, DEAD_LETTER_HEADERS.reason)).toBe('label must not contain control characters; the batch was sealed without a label');
    for (const m of dead) {
      expect(header(m, DEAD_LETTER_HEADERS.reason)!.length).toBeGreaterThan(0);
      expect(header(m, DEAD_LETTER_HEADERS.sourceTopic)).toBe(recordsTopic);
      expect(Number(header(m, DEAD_LETTER_HEADERS.sourceOffset))).toBeGreaterThanOrEqual(0);
    }

    // every message was handled, so every offset is committed
    const admin = connection.admin();
    await admin.connect();
    try {
      const high = await admin.fetchTopicOffsets(recordsTopic);
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${prefix}ingest`, topics: [recordsTopic] });
        return high.every((h) => committed!.partitions.find((p) => p.partition === h.partition)?.offset === h.high);
      }, 15_000, 'committed offsets at the end of the records topic');

      // a crash-and-replay: read everything again from the start; the same batches are recognised
      await app.close();
      await admin.resetOffsets({ groupId: `${prefix}ingest`, topic: recordsTopic, earliest: true });
      app = await start();
      const replayLog = app.get<EventLog>(EVENT_LOG);
      await waitFor(async () => {
        const [committed] = await admin.fetchOffsets({ groupId: `${prefix}ingest`, topics: [recordsTopic] });
        return high.every((h) => committed!.partitions.find((p) => p.partition === h.partition)?.offset === h.high);
      }, 30_000, 'the replay to reach the end of the records topic');
      expect((await arrivals(replayLog)).map((e) => e.data.batchId).sort()).toEqual(arrived.map((e) => e.data.batchId).sort());
    } finally {
      await admin.disconnect();
      await app.close();
    }
  }, 120_000);

  it('seals by count and, for the rest, by the time window on a timer', async () => {
    const windowPrefix = `${prefix}w.`;
    const windowConfig = { ...config, RATCHET_RUNTIME: 'embedded' as const, RATCHET_KAFKA_TOPIC_PREFIX: windowPrefix, RATCHET_SEAL_RECORDS: 3, RATCHET_SEAL_WINDOW_MS: 1_500, RATCHET_DATA_DIR: join(dir, 'window') };
    const app = await startService(AppModule.register(windowConfig), { name: 'ingest', config: windowConfig, embedded: true });
    try {
      const producer = connection.producer();
      await producer.connect();
      const texts = Array.from({ length: 5 }, (_, i) => `windowed record ${i}`);
      await producer.send({ topic: `${windowPrefix}${TOPICS.records}`, messages: texts.map((text) => ({ key: 'win', value: JSON.stringify({ text }) })) });
      await producer.disconnect();
      const log = app.get<EventLog>(EVENT_LOG);
      const arrived = await waitFor(async () => {
        const a = await arrivals(log);
        return a.length >= 2 ? a : null;
      }, 30_000, 'two batches of lineage win');
      expect(arrived.map((e) => e.data.records)).toEqual([3, 2]);
      const metrics = (await app.get(Metrics).registry.getSingleMetricAsString('ratchet_ingest_batches_sealed_total')).split('\n');
      expect(metrics.find((l) => l.includes('reason="records"'))).toMatch(/ 1$/);
      expect(metrics.find((l) => l.includes('reason="window"'))).toMatch(/ 1$/);
    } finally {
      await app.close();
      const admin = connection.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [`${windowPrefix}${TOPICS.records}`, `${windowPrefix}${TOPICS.recordsDeadLetter}`] }).catch(() => undefined);
      await admin.deleteGroups([`${windowPrefix}ingest`]).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);

  it('when a batch cannot be stored, re-reads from the committed offsets and stores it on the next try (nothing lost)', async () => {
    const failPrefix = `${prefix}f.`;
    const failConfig = { ...config, RATCHET_RUNTIME: 'embedded' as const, RATCHET_KAFKA_TOPIC_PREFIX: failPrefix, RATCHET_DATA_DIR: join(dir, 'fail') };
    const eventLog = await FileEventLog.open({ dir: join(dir, 'fail', 'log') });
    const store = await LocalObjectStore.open(join(dir, 'fail', 'objects'));
    let failures = 0;
    const flakyStore: ObjectStore = Object.assign(Object.create(store) as ObjectStore, {
      put: async (...args: Parameters<ObjectStore['put']>) => {
        if (failures < 1) {
          failures += 1;
          throw new Error('the store is away');
        }
        return store.put(...args);
      },
    });
    const app = await startService(AppModule.register(failConfig, { eventLog, objectStore: flakyStore }), { name: 'ingest', config: failConfig, embedded: true });
    try {
      const producer = connection.producer();
      await producer.connect();
      const texts = ['first of the flaky batch', 'second of the flaky batch', 'third of the flaky batch'];
      await producer.send({
        topic: `${failPrefix}${TOPICS.records}`,
        messages: [...texts.map((text) => ({ key: 'flaky', value: JSON.stringify({ text }) })), { key: 'flaky', value: '', headers: { [SEAL_HEADER]: 'flaky' } }],
      });
      await producer.disconnect();
      const arrived = await waitFor(async () => (await arrivals(eventLog))[0], 60_000, 'the batch after the store came back');
      expect(failures).toBe(1);
      expect(arrived.data.records).toBe(3);
      const stored: string[] = [];
      for (const split of [arrived.data.train, arrived.data.heldOut]) stored.push(...(await store.get(split.key)).toString().trim().split('\n').map((l) => JSON.parse(l).text as string));
      expect(stored.sort()).toEqual([...texts].sort());
    } finally {
      await app.close();
      await eventLog.close();
      await store.close();
      const admin = connection.admin();
      await admin.connect();
      await admin.deleteTopics({ topics: [`${failPrefix}${TOPICS.records}`, `${failPrefix}${TOPICS.recordsDeadLetter}`] }).catch(() => undefined);
      await admin.deleteGroups([`${failPrefix}ingest`]).catch(() => undefined);
      await admin.disconnect();
    }
  }, 120_000);

  it('when a second instance joins the group and the first one leaves, every record lands in exactly one batch', async () => {
    const groupPrefix = `${prefix}g.`;
    // two ingest instances of one deployment on the production runtime: one consumer group, the Kafka event log, S3
    const groupConfig = { ...config, RATCHET_KAFKA_TOPIC_PREFIX: groupPrefix, RATCHET_SEAL_RECORDS: 4, RATCHET_DATA_DIR: join(dir, 'group') };
    const startInstance = () => startService(AppModule.register(groupConfig), { name: 'ingest', config: groupConfig, embedded: true });
    const buffered = async (app: INestApplication) =>
      (await app.get(Metrics).registry.getSingleMetric('ratchet_ingest_records_buffered')!.get()).values.reduce((n, v) => n + v.value, 0);
    const lineages = ['grp-a', 'grp-b', 'grp-c', 'grp-d']; // keys over both partitions
    const producer = connection.producer();
    await producer.connect();
    const send = (round: number) =>
      producer.send({ topic: `${groupPrefix}${TOPICS.records}`, messages: lineages.map((l) => ({ key: l, value: JSON.stringify({ text: `${l} record ${round}` }) })) });
    const first = await startInstance();
    const eventLog = first.get<EventLog>(EVENT_LOG);
    let second: INestApplication | null = null;
    try {
      // half of every lineage's first batch is read (and held, uncommitted) by the first instance
      for (const round of [0, 1]) await send(round);
      await waitFor(async () => (await buffered(first)) === 2 * lineages.length, 30_000, 'the first instance to buffer 8 records');
      // a second instance joins: the partitions are split, and each re-reads from the committed offsets
      second = await startInstance();
      for (const round of [2, 3]) await send(round);
      await waitFor(async () => (await arrivals(eventLog)).length === lineages.length, 60_000, 'one batch per lineage');
      // the first leaves: the second takes every partition
      const laterLog = second.get<EventLog>(EVENT_LOG);
      const store = second.get<ObjectStore>(OBJECT_STORE);
      await first.close();
      for (const round of [4, 5, 6, 7]) await send(round);
      const arrived = await waitFor(async () => {
        const a = await arrivals(laterLog);
        return a.length >= 2 * lineages.length ? a : null;
      }, 60_000, 'the second batch of every lineage');
      expect(arrived).toHaveLength(2 * lineages.length);
      const texts: string[] = [];
      for (const e of arrived) {
        expect(e.data.records).toBe(4);
        for (const split of [e.data.train, e.data.heldOut]) texts.push(...(await store.get(split.key)).toString().trim().split('\n').map((l) => JSON.parse(l).text as string));
      }
      const sent = lineages.flatMap((l) => [0, 1, 2, 3, 4, 5, 6, 7].map((round) => `${l} record ${round}`));
      expect(texts.sort()).toEqual(sent.sort()); // each record once: none lost, none in two batches
    } finally {
      await producer.disconnect();
      await second?.close();
      await first.close().catch(() => undefined);
      const admin = connection.admin();
      await admin.connect();
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(groupPrefix));
      await admin.deleteTopics({ topics }).catch(() => undefined);
      await admin.deleteGroups([`${groupPrefix}ingest`, `${groupPrefix}ingest-events`]).catch(() => undefined);
      await admin.disconnect();
    }
  }, 180_000);

  async function readDeadLetters(atLeast: number): Promise<KafkaMessage[]> {
    const seen: KafkaMessage[] = [];
    dlqReader = connection.consumer(`${prefix}dlq-reader`);
    await dlqReader.connect();
    await dlqReader.subscribe({ topics: [deadLetterTopic], fromBeginning: true });
    await dlqReader.run({ eachMessage: async ({ message }) => void seen.push(message) });
    await waitFor(() => seen.length >= atLeast, 30_000, `${atLeast} dead letters`);
    return seen;
  }
});

function header(message: KafkaMessage, name: string): string | undefined {
  const value = message.headers?.[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first?.toString();
}
