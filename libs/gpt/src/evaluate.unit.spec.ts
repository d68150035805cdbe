import { ByteTokenizer, configFromName, evaluate, generate, generateIds, GPT, initBackend } from './index';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('evaluate', () => {
  it('reports loss in nats, BPB = loss / ln 2, and respects maxTokens', () => {
    const model = new GPT(configFromName('tiny'), { seed: 1 });
    const tokens = new ByteTokenizer().encode('abcdefghij'.repeat(10));
    const all = evaluate(model, tokens);
    expect(all.tokens).toBe(99);
    expect(all.loss).toBeGreaterThan(5);
    expect(all.bpb).toBeCloseTo(all.loss / Math.LN2, 10);
    const part = evaluate(model, tokens, { maxTokens: 40 });
    expect(part.tokens).toBe(40);
    model.dispose();
  });
});

describe('generate', () => {
  it('is reproducible for a seed, honours maxTokens, and greedy decoding ignores the seed', () => {
    const model = new GPT(configFromName('tiny'), { seed: 2 });
    const a = generateIds(model, [104, 105], { maxTokens: 20, temperature: 1, topK: 10, seed: 3 });
    const b = generateIds(model, [104, 105], { maxTokens: 20, temperature: 1, topK: 10, seed: 3 });
    const c = generateIds(model, [104, 105], { maxTokens: 20, temperature: 1, topK: 10, seed: 4 });
    expect(a).toHaveLength(20);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    const g1 = generateIds(model, [104, 105], { maxTokens: 5, temperature: 0, seed: 1 });
    const g2 = generateIds(model, [104, 105], { maxTokens: 5, temperature: 0, seed: 9 });
    expect(g1).toEqual(g2);
    expect(typeof generate(model, 'hi', { maxTokens: 3, seed: 1 })).toBe('string');
    model.dispose();
  });

  it('with top-k 1 equals greedy decoding', () => {
    const model = new GPT(configFromName('tiny'), { seed: 2 });
    const greedy = generateIds(model, [1, 2, 3], { maxTokens: 8, temperature: 0 });
    const top1 = generateIds(model, [1, 2, 3], { maxTokens: 8, temperature: 0.7, topK: 1, seed: 5 });
    expect(top1).toEqual(greedy);
    model.dispose();
  });
});
