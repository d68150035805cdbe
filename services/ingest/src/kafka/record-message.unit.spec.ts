import { DEAD_LETTER_HEADERS, DEFAULT_RECORD_LIMITS, SEAL_HEADER } from '@ratchet/contracts';
import { classifyMessage, deadLetterOf } from './record-message';

const msg = (value: unknown, key: string | null = 'sotu', headers?: Record<string, string>) => ({
  key: key === null ? null : Buffer.from(key),
  value: value === null ? null : Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  ...(headers ? { headers } : {}),
});
const classify = (m: ReturnType<typeof msg>) => classifyMessage(m, DEFAULT_RECORD_LIMITS);

describe('classifyMessage', () => {
  it('accepts a record and takes the lineage from the key when the value has none', () => {
    expect(classify(msg({ text: 'hello', lineage: 'sotu' }))).toMatchObject({ kind: 'record', record: { text: 'hello', lineage: 'sotu' } });
    expect(classify(msg({ text: 'hello' }))).toMatchObject({ kind: 'record', record: { lineage: 'sotu' } });
  });

  it('recognises both seal forms', () => {
    expect(classify(msg('', 'sotu', { [SEAL_HEADER]: 'sotu' }))).toEqual({ kind: 'seal', lineage: 'sotu' });
    expect(classify(msg({ seal: true, lineage: 'other' }, null))).toEqual({ kind: 'seal', lineage: 'other' });
    expect(classify(msg({ seal: true }, 'sotu'))).toEqual({ kind: 'seal', lineage: 'sotu' });
    expect(classify(msg({ seal: true }, null))).toMatchObject({ kind: 'invalid', error: { field: 'lineage' } });
  });

  it('takes the label of a seal message; a bad one leaves the seal standing, unlabelled, with the reason', () => {
    expect(classify(msg({ seal: true, lineage: 'sotu', label: 'era1-1790-1835' }))).toEqual({ kind: 'seal', lineage: 'sotu', label: 'era1-1790-1835' });
    expect(classify(msg({ seal: true, label: null }))).toEqual({ kind: 'seal', lineage: 'sotu' });
    const bad = classify(msg({ seal: true, label: 'two\nlines' }));
    expect(bad).toMatchObject({ kind: 'seal', lineage: 'sotu', labelError: { code: 'invalid-field', field: 'label', reason: 'label must not contain control characters; the batch was sealed without a label' } });
    expect(bad).not.toHaveProperty('label');
    expect(classify(msg({ seal: true, label: 7 }))).toMatchObject({ kind: 'seal', labelError: { field: 'label', reason: expect.stringContaining('label must be a string') } });
    expect(classify(msg({ seal: true, label: '' }))).toMatchObject({ kind: 'seal', labelError: { reason: expect.stringContaining('label must not be empty') } });
  });

  it('refuses bad records with code, field and reason', () => {
    expect(classify(msg('{not json'))).toMatchObject({ kind: 'invalid', error: { code: 'malformed-json' } });
    expect(classify(msg({ text: '', lineage: 'sotu' }))).toMatchObject({ kind: 'invalid', error: { code: 'invalid-field', field: 'text' } });
    expect(classify(msg({ text: 'x', lineage: 'sotu', extra: 1 }))).toMatchObject({ kind: 'invalid', error: { code: 'invalid-field' } });
    expect(classify(msg({ text: 'x', lineage: 'other' }))).toMatchObject({ kind: 'invalid', error: { field: 'key' } });
    expect(classify(msg(null))).toMatchObject({ kind: 'invalid', error: { code: 'missing-field', field: 'value' } });
    expect(classify(msg({ text: 'x' }, null))).toMatchObject({ kind: 'invalid', error: { code: 'missing-field', field: 'lineage' } });
    const big = classifyMessage(msg({ text: 'x'.repeat(200), lineage: 'sotu' }), { maxRecordBytes: 100, maxBatchBytes: 1000 });
    expect(big).toMatchObject({ kind: 'invalid', error: { code: 'oversize' } });
    expect(classify({ key: null, value: Buffer.from([0x7b, 0xff, 0x7d]) })).toMatchObject({ kind: 'invalid', error: { code: 'invalid-utf8' } });
  });
});

describe('deadLetterOf', () => {
  it('keeps key, value and headers and adds the reason and where the message came from', () => {
    const original = msg('{bad', 'sotu', { trace: 't1' });
    const dead = deadLetterOf(original, { code: 'malformed-json', field: '', reason: 'malformed JSON' }, { topic: 'ratchet.records', partition: 2, offset: '41' });
    expect(dead.key).toBe(original.key);
    expect(dead.value).toBe(original.value);
    expect(dead.headers).toEqual({
      trace: 't1',
      [DEAD_LETTER_HEADERS.reason]: 'malformed JSON',
      [DEAD_LETTER_HEADERS.field]: '',
      [DEAD_LETTER_HEADERS.code]: 'malformed-json',
      [DEAD_LETTER_HEADERS.sourceTopic]: 'ratchet.records',
      [DEAD_LETTER_HEADERS.sourcePartition]: '2',
      [DEAD_LETTER_HEADERS.sourceOffset]: '41',
    });
  });
});
