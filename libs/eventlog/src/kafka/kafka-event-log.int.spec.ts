import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes } from 'kafkajs';
import { DEAD_LETTER_HEADERS, toKafkaMessage } from '@ratchet/contracts';
import { describeEventLogContract, sampleEvent, waitFor } from '../testing';
import { EventLog, StoredEvent } from '../port';
import { kafkaEventLogOptionsFromEnv } from './kafka-config';
import { KafkaConnection } from './kafka-connection';
import { KafkaEventLog } from './kafka-event-log';
import { headerText } from './dead-letters';

const freshTopic = () => `ratchet-test-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}`;

/** Settings from RATCHET_* (the test runner provisions the servers); throws a clear error when missing. */
function settings(topic: string) {
  return { ...kafkaEventLogOptionsFromEnv(), clientId: 'ratchet-int-test', topic, deadLetterTopic: `${topic}.dlq`, partitions: 2 };
}

async function deleteTopics(topics: string[]): Promise<void> {
  const admin = new KafkaConnection(kafkaEventLogOptionsFromEnv()).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

describeEventLogContract(
  'kafka',
  () => {
    const topic = freshTopic();
    return {
      open: () => KafkaEventLog.open(settings(topic)),
      reopen: () => KafkaEventLog.open(settings(topic)),
      cleanup: () => deleteTopics([topic, `${topic}.dlq`]),
    };
  },
  30_000,
);

describe('KafkaEventLog with foreign records in the topic', () => {
  let topic: string;
  let log: EventLog | null = null;
  let connection: KafkaConnection;

  beforeEach(() => {
    topic = freshTopic();
    connection = new KafkaConnection(kafkaEventLogOptionsFromEnv());
  });

  afterEach(async () => {
    await log?.close();
    await deleteTopics([topic, `${topic}.dlq`]);
  }, 30_000);

  it('dead-letters a garbage record with its reason and delivers the valid events around it', async () => {
    log = await KafkaEventLog.open(settings(topic));
    await log.append([sampleEvent('lin-a', 1)]);
    const raw = connection.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'lin-a', value: 'this is {not json' }] });
    await raw.disconnect();
    await log.append([sampleEvent('lin-a', 2)]);

    const seen: string[] = [];
    const sub = await log.subscribe('garbage-group', async ({ event }) => void seen.push(event.id));
    await waitFor(() => seen.length === 2, 15_000, 'the two valid events');
    const letters = await waitFor(async () => {
      const all = await log!.deadLetters();
      return all.length > 0 ? all : null;
    }, 15_000, 'a dead letter');
    await sub.stop();

    expect(seen).toEqual(['lin-a-1', 'lin-a-2']);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ group: 'garbage-group', event: null, raw: 'this is {not json', offset: 1 });
    expect(letters[0]!.reason).toMatch(/value/);
    // the reader skips it as well
    expect((await log.read()).map((s) => s.event.id)).toEqual(['lin-a-1', 'lin-a-2']);
  }, 30_000);

  it('records the reason, code and origin of a dead letter in its Kafka headers', async () => {
    log = await KafkaEventLog.open(settings(topic));
    const raw = connection.producer();
    await raw.connect();
    await raw.send({ topic, messages: [{ key: 'lin-b', value: '{"batchId":"b"}', headers: { ce_type: 'ratchet.Nope.v1' } }] });
    await raw.disconnect();
    const sub = await log.subscribe('header-group', async () => undefined);
    await waitFor(async () => (await log!.deadLetters()).length > 0, 15_000, 'a dead letter');
    await sub.stop();

    const headers: Record<string, string | null>[] = [];
    const reader = connection.consumer(`inspect-${randomUUID()}`);
    await reader.connect();
    await reader.subscribe({ topics: [`${topic}.dlq`], fromBeginning: true });
    await reader.run({
      eachMessage: async ({ message }) => {
        headers.push(Object.fromEntries(Object.values(DEAD_LETTER_HEADERS).map((h) => [h, headerText(message, h)])));
      },
    });
    await waitFor(() => headers.length > 0, 15_000, 'the dead-letter record');
    await reader.disconnect();

    expect(headers[0]).toMatchObject({
      [DEAD_LETTER_HEADERS.sourceTopic]: topic,
      [DEAD_LETTER_HEADERS.sourceOffset]: '0',
    });
    expect(headers[0]![DEAD_LETTER_HEADERS.reason]).toBeTruthy();
    expect(headers[0]![DEAD_LETTER_HEADERS.code]).toBeTruthy();
  }, 30_000);
});

describe('KafkaEventLog across writers', () => {
  let topic: string;
  let logs: EventLog[];

  beforeEach(() => {
    topic = freshTopic();
    logs = [];
  });

  afterEach(async () => {
    for (const log of logs) await log.close();
    await deleteTopics([topic, `${topic}.dlq`]);
  }, 30_000);

  const open = async () => {
    const log = await KafkaEventLog.open(settings(topic));
    logs.push(log);
    return log;
  };
  const ids = (stored: StoredEvent[]) => stored.map((s) => s.event.id);

  it('creates its topics with the configured partitions, keeping every event forever', async () => {
    await open();
    const admin = new KafkaConnection(kafkaEventLogOptionsFromEnv()).admin();
    await admin.connect();
    try {
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic, `${topic}.dlq`] });
      expect(topics.map((t) => t.partitions.length)).toEqual([2, 2]);
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
      });
      const value = (name: string) => resources[0]!.configEntries.find((e) => e.configName === name)?.configValue;
      expect([value('retention.ms'), value('cleanup.policy')]).toEqual(['-1', 'delete']);
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('deduplicates against events another instance appended after this one opened', async () => {
    const a = await open();
    const b = await open();
    expect(await a.append([sampleEvent('lin-a', 1)])).toEqual({ appended: 1, duplicates: 0 });
    expect(await b.append([sampleEvent('lin-a', 1), sampleEvent('lin-a', 2)])).toEqual({ appended: 1, duplicates: 1 });
    expect(ids(await a.read())).toEqual(['lin-a-1', 'lin-a-2']);
  }, 30_000);

  it('shows a copy written by a racing writer once, to readers and to subscribers', async () => {
    const log = await open();
    await log.append([sampleEvent('lin-a', 1)]);
    const racer = new KafkaConnection(kafkaEventLogOptionsFromEnv()).producer();
    await racer.connect();
    await racer.send({ topic, messages: [toKafkaMessage(sampleEvent('lin-a', 1))] });
    await racer.disconnect();
    await log.append([sampleEvent('lin-a', 2)]);

    expect(ids(await log.read())).toEqual(['lin-a-1', 'lin-a-2']);
    const seen: string[] = [];
    const sub = await log.subscribe('race-group', async ({ event }) => void seen.push(event.id));
    await waitFor(() => seen.includes('lin-a-2'), 15_000, 'delivery of lin-a-2');
    await sub.stop();
    expect(seen).toEqual(['lin-a-1', 'lin-a-2']);
  }, 30_000);

  it('shares a group between two members and, when one leaves, hands its partitions over without losing an event', async () => {
    const [a, b] = [await open(), await open()];
    const lineages = ['lin-a', 'lin-b', 'lin-c', 'lin-d', 'lin-e', 'lin-f']; // keys over both partitions
    const seen = { a: [] as string[], b: [] as string[] };
    const handler = (member: 'a' | 'b') => async ({ event }: StoredEvent) => void seen[member].push(event.id);
    await a.subscribe('shared-group', handler('a'));
    const subB = await b.subscribe('shared-group', handler('b'));
    const handled = () => new Set([...seen.a, ...seen.b]);

    // A round of events per lineage until both members have handled some: the group has split the partitions.
    const appended: string[] = [];
    let round = 0;
    await waitFor(
      async () => {
        round += 1;
        const events = lineages.map((l) => sampleEvent(l, round));
        await a.append(events);
        appended.push(...events.map((e) => e.id));
        await waitFor(() => appended.every((id) => handled().has(id)), 15_000, `round ${round}`);
        return seen.a.length > 0 && seen.b.length > 0;
      },
      60_000,
      'both members to get partitions',
    );
    await subB.stop(); // b leaves: the group rebalances and a takes over b's partition
    const later = lineages.map((l) => sampleEvent(l, round + 1));
    await b.append(later);
    await waitFor(() => later.every((e) => seen.a.includes(e.id)), 30_000, 'the later events, all at a');

    // nothing lost; every lineage in order at each member; a re-delivery only for an event that was
    // in flight while the group rebalanced (at-least-once), never a burst
    expect([...handled()].sort()).toEqual([...appended, ...later.map((e) => e.id)].sort());
    for (const ids of [seen.a, seen.b]) {
      for (const l of lineages) {
        const numbers = ids.filter((id) => id.startsWith(`${l}-`)).map((id) => Number(id.split('-').pop()));
        expect(numbers).toEqual([...numbers].sort((x, y) => x - y));
      }
    }
    expect(seen.a.length + seen.b.length - handled().size).toBeLessThanOrEqual(2);
    expect(seen.b.filter((id) => later.some((e) => e.id === id))).toEqual([]); // b got nothing after it left
  }, 120_000);

  it('starts a new group at the end of the log when fromBeginning is false', async () => {
    const log = await open();
    await log.append([1, 2].map((n) => sampleEvent('lin-a', n)));
    const seen: string[] = [];
    const sub = await log.subscribe('late-group', async ({ event }) => void seen.push(event.id), { fromBeginning: false });
    await log.append([sampleEvent('lin-a', 3)]);
    await waitFor(() => seen.length > 0, 15_000, 'delivery of lin-a-3');
    await sub.stop();
    expect(seen).toEqual(['lin-a-3']);
  }, 30_000);
});
