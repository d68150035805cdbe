import { BatchSealer, SealedBatch } from './batch-sealer';

const limits = { maxRecords: 3, maxBytes: 100, windowMs: 1_000 };
const summary = (batches: SealedBatch<string>[]) => batches.map((b) => ({ lineage: b.lineage, items: b.items, reason: b.reason }));

describe('BatchSealer', () => {
  it('given two records, when the third arrives, then the batch is sealed by count', () => {
    const sealer = new BatchSealer<string>(limits);
    expect(sealer.add('a', 'r1', 10, 0)).toEqual([]);
    expect(sealer.add('a', 'r2', 10, 1)).toEqual([]);
    expect(summary(sealer.add('a', 'r3', 10, 2))).toEqual([{ lineage: 'a', items: ['r1', 'r2', 'r3'], reason: 'records' }]);
    expect(sealer.buffered()).toEqual({});
  });

  it('keeps lineages apart', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'a1', 10, 0);
    sealer.add('b', 'b1', 10, 0);
    sealer.add('a', 'a2', 10, 0);
    expect(sealer.buffered()).toEqual({ a: 2, b: 1 });
    expect(summary(sealer.add('a', 'a3', 10, 0))).toEqual([{ lineage: 'a', items: ['a1', 'a2', 'a3'], reason: 'records' }]);
    expect(sealer.buffered()).toEqual({ b: 1 });
  });

  it('given 90 bytes buffered, when a 20-byte record arrives, then the open batch is sealed before it and the record starts the next', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 60, 0);
    sealer.add('a', 'r2', 30, 0);
    const sealed = sealer.add('a', 'r3', 20, 5);
    expect(summary(sealed)).toEqual([{ lineage: 'a', items: ['r1', 'r2'], reason: 'bytes' }]);
    expect(sealed[0]!.bytes).toBe(90);
    expect(sealer.buffered()).toEqual({ a: 1 });
  });

  it('given a full 100 bytes, the batch stays open (the limit is inclusive)', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 50, 0);
    expect(sealer.add('a', 'r2', 50, 0)).toEqual([]);
  });

  it('given an open batch past its window, when a record arrives, then the batch is sealed by the window and the record opens a new one', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 1_000);
    sealer.add('a', 'r2', 10, 1_500);
    const sealed = sealer.add('a', 'r3', 10, 2_000);
    expect(summary(sealed)).toEqual([{ lineage: 'a', items: ['r1', 'r2'], reason: 'window' }]);
    expect(sealed[0]!.openedAt).toBe(1_000);
    expect(sealer.buffered()).toEqual({ a: 1 });
  });

  it('when the clock passes the window, then due() seals the batch; not a moment before', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    sealer.add('a', 'r2', 10, 10);
    expect(sealer.due(999)).toEqual([]);
    expect(summary(sealer.due(1_000))).toEqual([{ lineage: 'a', items: ['r1', 'r2'], reason: 'window' }]);
    expect(sealer.due(5_000)).toEqual([]);
  });

  it('given a lone record, the window does not seal it (a batch needs a train and a held-out record); the next record joins it', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    expect(sealer.due(10_000)).toEqual([]);
    expect(sealer.add('a', 'r2', 10, 10_000)).toEqual([]);
    expect(summary(sealer.due(10_000))).toEqual([{ lineage: 'a', items: ['r1', 'r2'], reason: 'window' }]);
  });

  it('when a seal message arrives, then the open batch is sealed whatever its size; nothing open gives null', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    expect(summary([sealer.seal('a')!])).toEqual([{ lineage: 'a', items: ['r1'], reason: 'message' }]);
    expect(sealer.seal('a')).toBeNull();
    expect(sealer.seal('never-seen')).toBeNull();
  });

  it('gives the sealed batch the seal message\'s label, and a batch sealed otherwise none', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    sealer.add('a', 'r2', 10, 0);
    expect(sealer.seal('a', 'era1-1790-1835')).toMatchObject({ lineage: 'a', items: ['r1', 'r2'], reason: 'message', label: 'era1-1790-1835' });
    sealer.add('a', 'r3', 10, 0);
    expect(sealer.seal('a')).not.toHaveProperty('label');
    for (const r of ['r4', 'r5']) sealer.add('a', r, 10, 0);
    expect(sealer.add('a', 'r6', 10, 0)[0]).not.toHaveProperty('label');
  });

  it('refuses limits that are not positive', () => {
    expect(() => new BatchSealer({ maxRecords: 0, maxBytes: 1, windowMs: 1 })).toThrow(RangeError);
  });

  it('clear() drops every open batch', () => {
    const sealer = new BatchSealer<string>(limits);
    sealer.add('a', 'r1', 10, 0);
    sealer.clear();
    expect(sealer.buffered()).toEqual({});
    expect(sealer.seal('a')).toBeNull();
  });

  it('replaying the same records with the same timestamps seals the same batches', () => {
    const stream: [string, number][] = [['r1', 0], ['r2', 400], ['r3', 1_200], ['r4', 1_300], ['r5', 1_400], ['r6', 1_500]];
    const run = () => {
      const sealer = new BatchSealer<string>(limits);
      return stream.flatMap(([item, at]) => summary(sealer.add('a', item, 10, at)));
    };
    expect(run()).toEqual([
      { lineage: 'a', items: ['r1', 'r2'], reason: 'window' },
      { lineage: 'a', items: ['r3', 'r4', 'r5'], reason: 'records' },
    ]);
    expect(run()).toEqual(run());
  });
});
