import { batchIdOf, canonicalRecord, contentSha256, encodeSplit, splitKeys } from './batch-content';

describe('batch content', () => {
  it('encodes equal records equally whatever their key order', () => {
    const a = canonicalRecord({ lineage: 'l', text: 't', metadata: { b: 1, a: 'x' }, id: 'i' });
    const b = canonicalRecord({ id: 'i', metadata: { a: 'x', b: 1 }, text: 't', lineage: 'l' });
    expect(a).toBe(b);
    expect(a).toBe('{"text":"t","id":"i","lineage":"l","metadata":{"a":"x","b":1}}');
  });

  it('identifies a batch by its records, not their order, and by lineage', () => {
    const r1 = { text: 'one', lineage: 'l' };
    const r2 = { text: 'two', lineage: 'l' };
    expect(contentSha256('l', [r1, r2])).toBe(contentSha256('l', [r2, r1]));
    expect(contentSha256('l', [r1, r2])).not.toBe(contentSha256('l', [r1]));
    expect(contentSha256('l', [r1, r2])).not.toBe(contentSha256('m', [r1, r2]));
    expect(batchIdOf(contentSha256('l', [r1, r2]))).toMatch(/^[0-9a-f]{16}$/);
  });

  it('stores a split as newline-terminated JSON lines with its sha256', () => {
    const split = encodeSplit([{ text: 'a', lineage: 'l' }, { text: 'b', lineage: 'l' }]);
    expect(split.body.toString()).toBe('{"text":"a","lineage":"l"}\n{"text":"b","lineage":"l"}\n');
    expect(split.records).toBe(2);
    expect(split.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(splitKeys('l', 'abc')).toEqual({ train: 'batches/l/abc/train.jsonl', heldOut: 'batches/l/abc/held-out.jsonl' });
  });
});
