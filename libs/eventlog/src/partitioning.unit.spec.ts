import { partitionOf } from './partitioning';

describe('partitionOf', () => {
  it('puts one lineage always in the same partition and spreads many lineages', () => {
    expect(partitionOf('sotu-gpt', 8)).toBe(partitionOf('sotu-gpt', 8));
    const used = new Set(Array.from({ length: 64 }, (_, i) => partitionOf(`lineage-${i}`, 8)));
    expect(used.size).toBeGreaterThan(4);
    for (const p of used) expect(p).toBeGreaterThanOrEqual(0);
    expect(partitionOf('anything', 1)).toBe(0);
  });
});
