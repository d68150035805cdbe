import { ScoreCache } from './score-cache';

const score = (bpb: number) => ({ loss: bpb * Math.LN2, bpb, tokens: 10 });

describe('score cache', () => {
  it('keys by model, eval set content and max tokens', () => {
    const set = { batchId: 'b1', sha256: 'aa' };
    expect(ScoreCache.key('m', set, 100)).not.toBe(ScoreCache.key('m', set, 200));
    expect(ScoreCache.key('m', set, 100)).not.toBe(ScoreCache.key('m', { ...set, sha256: 'bb' }, 100));
    expect(ScoreCache.key('m', set, 100)).not.toBe(ScoreCache.key('n', set, 100));
  });

  it('evicts the least recently used entry beyond its capacity and counts hits and misses', () => {
    const cache = new ScoreCache(2);
    cache.set('a', score(1));
    cache.set('b', score(2));
    expect(cache.get('a')).toEqual(score(1)); // a is now the most recent
    cache.set('c', score(3));
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')?.bpb).toBe(1);
    expect(cache.get('c')?.bpb).toBe(3);
    expect(cache.size).toBe(2);
    expect({ hits: cache.hits, misses: cache.misses }).toEqual({ hits: 3, misses: 1 });
  });
});
