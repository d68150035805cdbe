import { BATCH_LABEL_MAX, DEFAULT_RECORD_LIMITS, batchLabelProblem, decodeRecord, decodeRecordLines, rawRecordJsonSchema } from '.';

const lines = (...l: (string | Buffer)[]) => Buffer.concat(l.flatMap((x) => [Buffer.from(x), Buffer.from('\n')]));

describe('raw records', () => {
  it('accepts a full record and a minimal one', () => {
    const full = { text: 'Four score', id: 'r1', lineage: 'sotu-gpt', domain: 'speech', metadata: { year: 1863 } };
    expect(decodeRecord(JSON.stringify(full))).toEqual({ ok: true, value: full });
    expect(decodeRecord('{"text":"hi","lineage":"a"}').ok).toBe(true);
  });

  it.each([
    ['{"text": ', 'malformed-json', ''],
    ['{"lineage":"a"}', 'missing-field', 'text'],
    ['{"text":42,"lineage":"a"}', 'invalid-field', 'text'],
    ['{"text":"","lineage":"a"}', 'invalid-field', 'text'],
    ['{"text":"x","lineage":"Bad Lineage"}', 'invalid-field', 'lineage'],
    ['{"text":"x","lineage":"a","colour":"red"}', 'invalid-field', ''],
    ['{"text":"x","lineage":"a","metadata":{"k":[1]}}', 'invalid-field', 'metadata.k'],
    ['[1,2]', 'invalid-field', ''],
  ])('refuses %s with %s on "%s"', (input, code, field) => {
    const result = decodeRecord(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect([result.error.code, result.error.field]).toEqual([code, field]);
  });

  it('refuses an oversize record and non-UTF-8 text', () => {
    const big = JSON.stringify({ text: 'x'.repeat(DEFAULT_RECORD_LIMITS.maxRecordBytes), lineage: 'a' });
    const oversize = decodeRecord(big);
    expect(!oversize.ok && oversize.error.code).toBe('oversize');
    const bad = Buffer.concat([Buffer.from('{"text":"'), Buffer.from([0xe2, 0x82]), Buffer.from('","lineage":"a"}')]);
    const invalid = decodeRecord(bad);
    expect(!invalid.ok && invalid.error.code).toBe('invalid-utf8');
  });

  it('keeps the valid lines of a JSONL upload and names the position and reason of each bad one', () => {
    const input = lines(
      '{"text":"one","lineage":"a"}',
      '{"text":',
      '',
      '{"text":"three"}',
      Buffer.from([0xff, 0xfe]),
      '{"text":"five","lineage":"a"}\r',
    );
    const decoded = decodeRecordLines(input, DEFAULT_RECORD_LIMITS);
    expect(decoded.records.map((r) => [r.position, r.record.text])).toEqual([
      [1, 'one'],
      [6, 'five'],
    ]);
    expect(decoded.rejected.map((r) => [r.position, r.error.code, r.error.field])).toEqual([
      [2, 'malformed-json', ''],
      [4, 'missing-field', 'lineage'],
      [5, 'invalid-utf8', ''],
    ]);
  });

  it('fills a missing lineage from the upload target', () => {
    const decoded = decodeRecordLines(lines('{"text":"three"}'), DEFAULT_RECORD_LIMITS, { lineage: 'sotu-gpt' });
    expect(decoded.records[0]?.record).toEqual({ text: 'three', lineage: 'sotu-gpt' });
  });

  it('refuses a whole upload over the batch limit', () => {
    const decoded = decodeRecordLines(lines('{"text":"one","lineage":"a"}'), { maxRecordBytes: 100, maxBatchBytes: 10 });
    expect(decoded.records).toEqual([]);
    expect(decoded.rejected[0]?.error.code).toBe('oversize');
  });

  it('publishes a JSON Schema for producers', () => {
    const schema = rawRecordJsonSchema() as { required: string[]; properties: Record<string, unknown> };
    expect(schema.required).toEqual(expect.arrayContaining(['text', 'lineage']));
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['text', 'id', 'lineage', 'domain', 'metadata']));
  });
});

describe('batch labels', () => {
  it('accepts what people call a batch, up to the limit', () => {
    expect(batchLabelProblem('1861-1900 Civil War')).toBeNull();
    expect(batchLabelProblem('x'.repeat(BATCH_LABEL_MAX))).toBeNull();
  });

  it.each([
    ['', 'label must not be empty'],
    ['x'.repeat(BATCH_LABEL_MAX + 1), `label must be at most ${BATCH_LABEL_MAX} characters`],
    ['two\nlines', 'label must not contain control characters'],
  ])('refuses %j: %s', (label, problem) => {
    expect(batchLabelProblem(label)).toBe(problem);
  });
});
