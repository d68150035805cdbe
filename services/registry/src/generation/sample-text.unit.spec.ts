import { ByteTokenizer, GPT, Rng, configFromName, initBackend } from '@ratchet/gpt';
import { pickToken, sampleText } from './sample-text';

describe('sampling', () => {
  it('takes the most likely token at temperature 0 and with top-1', () => {
    const logits = [0.1, 2, -1, 1.9];
    expect(pickToken(logits, 0, 0, new Rng(1))).toBe(1);
    expect(pickToken(logits, 1, 1, new Rng(1))).toBe(1);
  });

  it('samples only among the top k, in proportion to softmax(logits / t)', () => {
    const logits = [Math.log(1), Math.log(3), -50, Math.log(6)];
    const rng = new Rng(3);
    const counts = [0, 0, 0, 0];
    for (let i = 0; i < 4000; i++) counts[pickToken(logits, 1, 2, rng)]! += 1;
    expect(counts[0]).toBe(0);
    expect(counts[2]).toBe(0);
    expect(counts[3]! / 4000).toBeCloseTo(6 / 9, 1);
  });

  it('generates the same text for the same seed and different text for another', async () => {
    await initBackend('cpu');
    const model = new GPT(configFromName('tiny'), { seed: 5 });
    try {
      const tok = new ByteTokenizer();
      const a = sampleText(model, tok, 'hello', { maxTokens: 24, temperature: 1, topK: 0, seed: 1 });
      const b = sampleText(model, tok, 'hello', { maxTokens: 24, temperature: 1, topK: 0, seed: 1 });
      const c = sampleText(model, tok, 'hello', { maxTokens: 24, temperature: 1, topK: 0, seed: 2 });
      expect(a.tokens).toBe(24);
      expect(b.text).toBe(a.text);
      expect(c.text).not.toBe(a.text);
      // longer than block_size (16): the context window slides
      expect(sampleText(model, tok, '', { maxTokens: 40, temperature: 0, topK: 0, seed: 0 }).tokens).toBe(40);
    } finally {
      model.dispose();
    }
  });
});
