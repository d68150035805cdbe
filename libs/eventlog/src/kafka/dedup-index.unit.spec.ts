import { DedupIndex, IndexedRecord } from './dedup-index';

/** An in-memory stand-in for a topic: keys per partition, null for a record that is not an event. */
function fakeTopic(partitions: (string | null)[][]) {
  const scans: { from: number[]; to: number[] }[] = [];
  const scan = async (from: number[], to: number[]): Promise<IndexedRecord[]> => {
    scans.push({ from: [...from], to: [...to] });
    const out: IndexedRecord[] = [];
    partitions.forEach((records, partition) => {
      for (let offset = from[partition]!; offset < Math.min(to[partition]!, records.length); offset++) {
        out.push({ partition, offset, key: records[offset]! });
      }
    });
    return out;
  };
  const index = new DedupIndex(partitions.length, scan, async () => partitions.map((p) => p.length));
  return { index, scans, partitions };
}

describe('DedupIndex', () => {
  it('indexes what is in the topic and knows which copy of a key is the first', async () => {
    const { index } = fakeTopic([['a', null, 'a'], ['b']]);
    expect(await index.catchUp()).toEqual([3, 1]);
    expect(index.has('a')).toBe(true);
    expect(index.has('b')).toBe(true);
    expect(index.has('c')).toBe(false);
    expect(index.isFirstIndexed('a', 0, 0)).toBe(true);
    expect(index.isFirstIndexed('a', 0, 2)).toBe(false);
  });

  it('scans only what is new when catching up again', async () => {
    const { index, scans, partitions } = fakeTopic([['a'], []]);
    await index.catchUp();
    partitions[1]!.push('b');
    await index.catchUp();
    await index.catchUp(); // nothing new: no scan
    expect(scans).toEqual([
      { from: [0, 0], to: [1, 0] },
      { from: [1, 0], to: [1, 1] },
    ]);
    expect(index.has('b')).toBe(true);
  });

  it('records its own append without a scan, and scans a gap another writer left before it', async () => {
    const { index, scans, partitions } = fakeTopic([[], []]);
    await index.catchUp();
    partitions[0]!.push('x', 'y');
    await index.recordAppend(0, 0, ['x', 'y']);
    expect(scans).toHaveLength(0);
    partitions[0]!.push('foreign', 'z');
    await index.recordAppend(0, 3, ['z']);
    expect(index.has('foreign')).toBe(true);
    expect(index.isFirstIndexed('z', 0, 3)).toBe(true);
  });

  it('tells a subscriber whether a record beyond the indexed prefix is a first copy', async () => {
    const { index, partitions } = fakeTopic([['k'], []]);
    await index.catchUp();
    partitions[0]!.push('m', 'k', 'n');
    expect(await index.isFirst('m', 0, 1)).toBe(true);
    expect(await index.isFirst('n', 0, 3)).toBe(true); // scans offset 2 ('k') on the way
    expect(await index.isFirst('k', 0, 2)).toBe(false);
    expect(await index.isFirst('k', 0, 0)).toBe(true);
  });

  it('runs one operation at a time, so concurrent calls never scan the same range twice', async () => {
    const { index, scans } = fakeTopic([['a', 'b', 'c'], ['d']]);
    await Promise.all([index.catchUp(), index.isFirst('c', 0, 2), index.catchUp()]);
    expect(scans).toHaveLength(1);
    expect(index.size).toBe(4);
  });
});
