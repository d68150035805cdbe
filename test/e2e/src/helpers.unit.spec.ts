// The e2e helpers that decide what the e2e test asserts: how events group into chains, which
// champion they leave, and that missing server settings fail loudly.
import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { chainsOf, championOf, decisionCount } from './event-chains';
import { inheritedEnv, loadInfraEnv } from './infra-env';
import { parseMetrics, total } from './prometheus-text';
import { buildFixture } from './records-fixture';

const sha = (c: string) => c.repeat(64);
const split = (key: string) => ({ key, sha256: sha('a'), records: 1, bytes: 10 });

function event<N extends EventName>(
  name: N,
  data: EventDataOf<N>,
  batchId: string,
  id: string,
  cause: string | null,
): AnyEvent {
  return createEvent(name, data, {
    source: 'test',
    subject: 'l',
    correlationid: batchId,
    causationid: cause,
    id,
  }) as AnyEvent;
}

function chain(batchId: string, parentId: string | null, promoted: boolean): AnyEvent[] {
  const ck = `ck-${batchId}`;
  const rules = [{ rule: 'finite', passed: promoted, value: 0, threshold: 0 }];
  return [
    event(
      'DataBatchArrived',
      {
        batchId,
        lineage: 'l',
        records: 2,
        bytes: 20,
        rejected: 0,
        contentSha256: sha('b'),
        train: split('t'),
        heldOut: split('h'),
        source: 'kafka',
      },
      batchId,
      `a-${batchId}`,
      null,
    ),
    event(
      'IncrementStarted',
      { batchId, checkpointId: ck, parentId, strategy: {}, lrSchedule: {} },
      batchId,
      `s-${batchId}`,
      `a-${batchId}`,
    ),
    event(
      'CheckpointSaved',
      {
        checkpointId: ck,
        parentId,
        batchId,
        objectKey: `checkpoints/l/${ck}`,
        manifestSha256: sha('c'),
        steps: 4,
        tokens: 64,
        trainLoss: 1,
        wallTimeMs: 5,
        backend: 'cpu',
      },
      batchId,
      `c-${batchId}`,
      `a-${batchId}`,
    ),
    event(
      'RetentionScored',
      {
        checkpointId: ck,
        baselineId: parentId,
        batchId,
        sets: [
          {
            batchId,
            isNew: true,
            tokens: 8,
            candidate: { loss: 1, bpb: 1 },
            baseline: null,
            untrained: null,
          },
        ],
        retention: null,
        plasticity: null,
        bwt: null,
        forgetting: null,
      },
      batchId,
      `r-${batchId}`,
      `c-${batchId}`,
    ),
    promoted
      ? event(
          'ModelPromoted',
          { checkpointId: ck, previousId: parentId, policy: {}, rules },
          batchId,
          `d-${batchId}`,
          `r-${batchId}`,
        )
      : event(
          'PromotionRejected',
          { checkpointId: ck, championId: parentId, policy: {}, rules },
          batchId,
          `d-${batchId}`,
          `r-${batchId}`,
        ),
  ];
}

describe('chainsOf / championOf', () => {
  it('groups each batch with its increment, checkpoint, score and decision, in arrival order', () => {
    const events = [
      ...chain('b1', null, true),
      ...chain('b2', 'ck-b1', false),
      ...chain('b3', 'ck-b1', true),
    ];
    const chains = chainsOf(events);
    expect(chains.map((c) => c.arrived.event.data.batchId)).toEqual(['b1', 'b2', 'b3']);
    expect(
      chains.map((c) => [c.started.length, c.saved.length, c.scored.length, c.decisions.length]),
    ).toEqual([
      [1, 1, 1, 1],
      [1, 1, 1, 1],
      [1, 1, 1, 1],
    ]);
    expect(chains[1]!.decisions[0]!.event.name).toBe('PromotionRejected');
    expect(chains[2]!.arrived.at).toBe(10);
    expect(decisionCount(chains)).toBe(3);
    expect(championOf(events)).toBe('ck-b3');
  });

  it('counts a batch without a decision as undecided, and no champion without a promotion', () => {
    const events = [...chain('b1', null, false), ...chain('b2', null, true).slice(0, 3)];
    expect(decisionCount(chainsOf(events))).toBe(1);
    expect(championOf(events)).toBeNull();
  });
});

describe('loadInfraEnv', () => {
  const full = {
    RATCHET_KAFKA_BROKERS: '127.0.0.1:19092, 127.0.0.1:19093',
    RATCHET_S3_ENDPOINT: 'http://127.0.0.1:19000',
    RATCHET_S3_ACCESS_KEY: 'a',
    RATCHET_S3_SECRET_KEY: 's',
    RATCHET_DATABASE_URL: 'postgres://u:p@127.0.0.1:15432/db',
  };

  it('names every missing setting and how to get them, instead of skipping', () => {
    expect(() => loadInfraEnv({ RATCHET_S3_ACCESS_KEY: 'a' })).toThrow(
      /RATCHET_KAFKA_BROKERS, RATCHET_S3_ENDPOINT, RATCHET_S3_SECRET_KEY, RATCHET_DATABASE_URL: start the servers with deploy\/local\/up\.sh/,
    );
  });

  it('parses a complete environment', () => {
    const infra = loadInfraEnv(full);
    expect(infra.kafkaBrokers).toEqual(['127.0.0.1:19092', '127.0.0.1:19093']);
    expect(infra.s3.endpoint.port).toBe('19000');
    expect(infra.s3.region).toBe('us-east-1');
    expect(infra.keep).toBe(false);
    expect(() => loadInfraEnv({ ...full, RATCHET_DATABASE_URL: 'mysql://x' })).toThrow(/postgres/);
  });

  it('hands service processes no RATCHET_* setting of the parent', () => {
    expect(inheritedEnv({ PATH: '/bin', RATCHET_S3_BUCKET: 'shared' })).toEqual({ PATH: '/bin' });
  });
});

describe('buildFixture', () => {
  it('sends distinct short texts, invalid messages between them, and a seal message last in each batch', () => {
    const batches = buildFixture('l', 4096);
    const texts = batches.flatMap((b) => b.texts);
    expect(new Set(texts).size).toBe(texts.length);
    expect(Math.max(...texts.map((t) => t.length))).toBeLessThan(200);
    for (const b of batches) {
      expect(b.messages).toHaveLength(b.texts.length + b.invalid.length + 1);
      for (const c of b.invalid) expect(b.messages).toContain(c.message);
      const seal = b.messages[b.messages.length - 1]!;
      expect(seal.headers?.ratchet_seal === 'l' || JSON.parse(seal.value.toString()).seal === true).toBe(
        true,
      );
    }
  });
});

describe('parseMetrics / total', () => {
  it('reads samples with labels and sums those that match', () => {
    const samples = parseMetrics(
      [
        '# HELP ratchet_x_total things',
        '# TYPE ratchet_x_total counter',
        'ratchet_x_total{source="kafka",code="oversize"} 2',
        'ratchet_x_total{code="malformed-json",source="kafka"} 1',
        'ratchet_x_total{source="http",code="oversize"} 5',
        'process_cpu_seconds_total 0.25',
      ].join('\n'),
    );
    expect(samples).toHaveLength(4);
    expect(total(samples, 'ratchet_x_total', { source: 'kafka' })).toBe(3);
    expect(total(samples, 'ratchet_x_total', { code: 'oversize' })).toBe(7);
    expect(total(samples, 'process_cpu_seconds_total')).toBe(0.25);
    expect(total(samples, 'missing_total')).toBe(0);
  });
});
