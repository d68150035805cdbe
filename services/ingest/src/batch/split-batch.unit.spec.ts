import { hash32, splitHeldOut } from '@ratchet/continual';
import { splitBatch } from './split-batch';

const records = (n: number, prefix = 'record') => Array.from({ length: n }, (_, i) => ({ text: `${prefix} ${i}` }));
const texts = (rs: { text: string }[]) => rs.map((r) => r.text);

describe('splitBatch', () => {
  it('is splitHeldOut (salt = lineage) when both sides come out non-empty', () => {
    const batch = records(200);
    const split = splitBatch(batch, { fraction: 0.1, salt: 'sotu' });
    const reference = splitHeldOut(batch, { fraction: 0.1, salt: 'sotu' });
    expect(split.moved).toBe('none');
    expect(texts(split.heldOut)).toEqual(texts(reference.heldOut));
    expect(texts(split.train)).toEqual(texts(reference.train));
  });

  it('given a tiny batch that hashes entirely to train, moves the record with the smallest hash to held-out', () => {
    const batch = records(3);
    expect(splitHeldOut(batch, { fraction: 0.0001, salt: 'lin' }).heldOut).toEqual([]);
    const split = splitBatch(batch, { fraction: 0.0001, salt: 'lin' });
    const smallest = [...batch].sort((a, b) => hash32('lin', a.text) - hash32('lin', b.text))[0]!;
    expect(split.moved).toBe('to-held-out');
    expect(split.heldOut).toEqual([smallest]);
    expect(texts(split.train)).toEqual(texts(batch.filter((r) => r !== smallest)));
  });

  it('given a batch that hashes entirely to held-out, moves the record with the largest hash to train', () => {
    const batch = records(4);
    const split = splitBatch(batch, { fraction: 0.9999, salt: 'lin' });
    const largest = [...batch].sort((a, b) => hash32('lin', b.text) - hash32('lin', a.text))[0]!;
    expect(split.moved).toBe('to-train');
    expect(split.train).toEqual([largest]);
    expect(split.heldOut).toHaveLength(3);
  });

  it('splits two records one and one, whatever the fraction', () => {
    for (const fraction of [0.0001, 0.1, 0.5, 0.9999]) {
      const split = splitBatch(records(2, `f${fraction}`), { fraction, salt: 'lin' });
      expect([split.train.length, split.heldOut.length]).toEqual([1, 1]);
    }
  });

  it('depends on content only: the same records in another order split the same way', () => {
    const batch = records(3, 'order');
    const forward = splitBatch(batch, { fraction: 0.0001, salt: 'lin' });
    const backward = splitBatch([...batch].reverse(), { fraction: 0.0001, salt: 'lin' });
    expect(texts(backward.heldOut)).toEqual(texts(forward.heldOut));
    expect(texts(backward.train).sort()).toEqual(texts(forward.train).sort());
  });

  it('refuses a batch of fewer than two records', () => {
    expect(() => splitBatch(records(1), { fraction: 0.1, salt: 'lin' })).toThrow(RangeError);
  });
});
