import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { formatDecisions, formatRejections } from './summary';

const sha = 'a'.repeat(64);
const ev = <N extends EventName>(name: N, data: EventDataOf<N>): AnyEvent =>
  createEvent(name, data, { source: 'ratchet/test', subject: 'sotu', correlationid: 'c' }) as AnyEvent;
const saved = (checkpointId: string, batchId: string) =>
  ev('CheckpointSaved', { checkpointId, parentId: null, batchId, objectKey: `ck/${checkpointId}/`, manifestSha256: sha, steps: 4, tokens: 64, trainLoss: 2, wallTimeMs: 10, backend: 'wasm' });
const names: Record<string, string> = { b1: 'era1', b2: 'era2', b3: 'era3' };

describe('the closing list of decisions', () => {
  it('names each decision by its batch and lists every rule with its value and threshold', () => {
    const events = [
      saved('ck-1', 'b1'),
      ev('ModelPromoted', { checkpointId: 'ck-1', previousId: null, policy: {}, rules: [{ rule: 'baseline', passed: true, value: 2.9, threshold: 8, evalSet: 'b1' }] }),
      saved('ck-2', 'b2'),
      ev('PromotionRejected', {
        checkpointId: 'ck-2',
        championId: 'ck-1',
        policy: {},
        rules: [
          { rule: 'retention', passed: false, value: 0.05, threshold: 0.02, evalSet: 'b1', message: 'old set got worse' },
          { rule: 'plasticity', passed: true, value: 0.3, threshold: 0.01, evalSet: 'b2' },
        ],
      }),
      ev('TrainingFailed', { batchId: 'b3', parentId: 'ck-1', reason: 'diverged', message: 'loss is NaN at step 3', retryable: false }),
    ];
    expect(formatDecisions(events, (id) => names[id] ?? id)).toEqual([
      'Decisions',
      '  era1: ck-1 promoted',
      '      pass baseline on era1: 2.9000 (threshold 8.0000)',
      '  era2: ck-2 REJECTED',
      '      FAIL retention on era1: 0.0500 (threshold 0.0200) old set got worse',
      '      pass plasticity on era2: 0.3000 (threshold 0.0100)',
      '  era3: training failed (diverged): loss is NaN at step 3',
    ]);
  });
});

describe('the list of refused records', () => {
  it('names each bad record of a folder with its position and reason, the first few of many, and where they were kept', () => {
    const bad = (position: number) => ({ position, field: 'text', code: 'invalid-field', reason: 'expected string, received number' });
    const sha = 'b'.repeat(64);
    const split = { key: 'k', sha256: sha, records: 1, bytes: 1 };
    const lines = formatRejections(
      [
        { folder: 'a-clean', outcome: { status: 'accepted', batchId: 'b1', eventId: 'e1', records: 3, bytes: 3, contentSha256: sha, train: split, heldOut: split, rejected: [] } },
        { folder: 'b-code', outcome: { status: 'accepted', batchId: 'b2', eventId: 'e2', records: 3, bytes: 3, contentSha256: sha, train: split, heldOut: split, rejected: [bad(61), { position: 62, field: '', code: 'malformed-json', reason: 'not JSON' }], rejectedTo: 'rejected/l/b2.jsonl' } },
        { folder: 'c-junk', outcome: { status: 'rejected', batchId: 'b3', eventId: 'e3', rejected: [1, 2, 3].map(bad), rejectedTo: 'rejected/l/b3.jsonl' } },
      ],
      2,
    );
    expect(lines).toEqual([
      '  b-code: 2 bad record(s), the valid records went on; all of them kept at rejected/l/b2.jsonl',
      '      record 61 (text): expected string, received number [invalid-field]',
      '      record 62: not JSON [malformed-json]',
      '  c-junk: 3 bad record(s), nothing valid left, batch rejected; all of them kept at rejected/l/b3.jsonl',
      '      record 1 (text): expected string, received number [invalid-field]',
      '      record 2 (text): expected string, received number [invalid-field]',
      '      ... and 1 more',
    ]);
  });
});
