import { DEFAULT_RECORD_LIMITS } from '@ratchet/contracts';
import { paragraphs, parseJsonLines, parsePlainText } from './parse-upload';
import { LINEAGE_MISMATCH } from './rejection';

const lines = (...ls: string[]) => Buffer.from(ls.join('\n'));

describe('parseJsonLines', () => {
  it('keeps the good lines, names position and reason of every bad one, and gives records the URL lineage', () => {
    const body = lines(
      JSON.stringify({ text: 'first' }),
      '{not json',
      JSON.stringify({ text: '' }),
      '',
      JSON.stringify({ text: 'fourth', lineage: 'sotu', id: 'd4' }),
      JSON.stringify({ text: 'elsewhere', lineage: 'other' }),
      JSON.stringify({ text: 'x', colour: 'red' }),
    );
    const parsed = parseJsonLines(body, 'sotu', DEFAULT_RECORD_LIMITS);
    expect(parsed.records).toEqual([
      { position: 1, record: { text: 'first', lineage: 'sotu' } },
      { position: 5, record: { text: 'fourth', lineage: 'sotu', id: 'd4' } },
    ]);
    expect(parsed.rejected.map((r) => [r.position, r.code, r.field])).toEqual([
      [2, 'malformed-json', ''],
      [3, 'invalid-field', 'text'],
      [6, LINEAGE_MISMATCH, 'lineage'],
      [7, 'invalid-field', ''],
    ]);
    expect(parsed.rejected.find((r) => r.position === 6)!.reason).toBe('record is for lineage "other", the batch for "sotu"');
    for (const r of parsed.rejected) expect(r.reason.length).toBeGreaterThan(0);
  });

  it('rejects a record over the size limit by position', () => {
    const parsed = parseJsonLines(lines(JSON.stringify({ text: 'x'.repeat(300) }), JSON.stringify({ text: 'ok' })), 'sotu', { maxRecordBytes: 100, maxBatchBytes: 10_000 });
    expect(parsed.rejected).toEqual([expect.objectContaining({ position: 1, code: 'oversize' })]);
    expect(parsed.records.map((r) => r.position)).toEqual([2]);
  });
});

describe('parsePlainText', () => {
  it('cuts at paragraph breaks (blank lines, CRLF too) and trims', () => {
    expect(paragraphs('One.\nStill one.\n\nTwo.\r\n  \r\nThree.\n\n\n')).toEqual(['One.\nStill one.', 'Two.', 'Three.']);
  });

  it('cuts a paragraph longer than the bound into bounded records, positions counting records', () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const parsed = parsePlainText(`Short.\n\n${long}`, 'sotu', DEFAULT_RECORD_LIMITS, 50);
    expect(parsed.rejected).toEqual([]);
    expect(parsed.records[0]).toEqual({ position: 1, record: { text: 'Short.', lineage: 'sotu' } });
    for (const { record } of parsed.records) expect(record.text.length).toBeLessThanOrEqual(50);
    expect(parsed.records.map((r) => r.position)).toEqual(parsed.records.map((_, i) => i + 1));
    expect(parsed.records.slice(1).map((r) => r.record.text).join(' ')).toBe(long);
  });

  it('rejects a piece whose JSON encoding is over the record limit', () => {
    const parsed = parsePlainText('a'.repeat(80), 'sotu', { maxRecordBytes: 60, maxBatchBytes: 1000 }, 1000);
    expect(parsed.records).toEqual([]);
    expect(parsed.rejected).toEqual([expect.objectContaining({ position: 1, code: 'oversize' })]);
  });
});
