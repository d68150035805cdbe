import { SeededRandom } from './random';
import { allocate, ReplayReservoir } from './replay-reservoir';

const fill = (seed: number): ReplayReservoir => {
  const r = new ReplayReservoir({ capacity: 100, floorPerBatch: 10, chunkTokens: 10, seed });
  r.addBatch('a', 5_000); // 500 chunks
  r.addBatch('b', 1_000); // 100 chunks
  r.addBatch('c', 40); // 4 chunks
  return r;
};

describe('ReplayReservoir', () => {
  it('given the same seed and stream, when filled twice, then the index is identical', () => {
    expect(fill(7).toJSON()).toEqual(fill(7).toJSON());
    expect(fill(7).toJSON().items).not.toEqual(fill(8).toJSON().items);
  });

  it('holds everything while under capacity', () => {
    const r = new ReplayReservoir({ capacity: 100, chunkTokens: 10 });
    r.addBatch('a', 300);
    expect(r.countByBatch()).toEqual({ a: 30 });
    expect(r.toJSON().items.a).toEqual(Array.from({ length: 30 }, (_, i) => i * 10));
  });

  it('keeps at most the capacity, proportional to batch size above the floor, and every small batch whole', () => {
    const r = fill(1);
    const counts = r.countByBatch();
    expect(r.size).toBe(100);
    expect(counts.c).toBe(4); // fewer chunks than the floor: all kept
    expect(counts.b).toBeGreaterThanOrEqual(10);
    expect(counts.a).toBeGreaterThan(counts.b);
    // a : b ≈ 500 : 100 once the floor is met
    expect(counts.a / counts.b).toBeCloseTo(5, 0);
  });

  it('does not starve early batches: each keeps its floor after many large batches', () => {
    const r = new ReplayReservoir({ capacity: 200, floorPerBatch: 8, chunkTokens: 1, seed: 3 });
    r.addBatch('early', 50);
    for (let i = 0; i < 10; i++) r.addBatch(`big${i}`, 10_000);
    expect(r.countByBatch().early).toBe(8);
    expect(r.size).toBe(200);
  });

  it('shrinks the floor when batches × floor exceeds the capacity', () => {
    const r = new ReplayReservoir({ capacity: 20, floorPerBatch: 10, chunkTokens: 1 });
    for (let i = 0; i < 5; i++) r.addBatch(`b${i}`, 100);
    expect(Object.values(r.countByBatch())).toEqual([4, 4, 4, 4, 4]);
  });

  it('old batches only lose chunks: what they keep is a subset of what they held', () => {
    const r = new ReplayReservoir({ capacity: 50, floorPerBatch: 5, chunkTokens: 1, seed: 11 });
    r.addBatch('a', 40);
    const before = new Set(r.toJSON().items.a);
    r.addBatch('b', 200);
    const after = r.toJSON().items.a;
    expect(after.length).toBeLessThan(before.size);
    for (const o of after) expect(before.has(o)).toBe(true);
  });

  it('survives a JSON round trip and continues identically', () => {
    const a = fill(5);
    const b = ReplayReservoir.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(b.toJSON()).toEqual(a.toJSON());
    a.addBatch('d', 2_000);
    b.addBatch('d', 2_000);
    expect(b.toJSON()).toEqual(a.toJSON());
  });

  it('re-adding a batch is a no-op', () => {
    const r = fill(2);
    const before = r.toJSON();
    r.addBatch('b', 1_000);
    expect(r.toJSON()).toEqual(before);
  });

  it('samples windows that lie inside a held chunk (or the batch end) of a held batch', () => {
    const r = fill(4);
    const rng = new SeededRandom(9);
    const held = r.toJSON().items;
    for (let i = 0; i < 200; i++) {
      const w = r.sample(rng, 8);
      const offsets = held[w.batchId];
      expect(offsets.some((o) => w.start >= o && w.start + 8 <= o + 10)).toBe(true);
    }
    expect(() => new ReplayReservoir().sample(rng, 8)).toThrow(/empty/);
  });

  it('lists the batches whose text replay needs', () => {
    expect(fill(1).batchIds()).toEqual(['a', 'b', 'c']);
  });
});

describe('allocate', () => {
  it('fills the capacity exactly with floors and proportional shares', () => {
    // floor 10 each, the remaining 70 split 600:300:... by size
    const q = allocate([600, 300, 5], [600, 300, 5], 100, 10);
    expect(q.reduce((a, b) => a + b, 0)).toBe(100);
    expect(q[2]).toBe(5);
    expect(q[0]).toBeGreaterThan(q[1]);
  });
});
