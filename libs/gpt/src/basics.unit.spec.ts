import { BatchSampler, ByteTokenizer, configFromName, ConfigError, lrAt, PRESETS, Rng, validateConfig } from './index';

describe('config', () => {
  it('has the presets with the documented shapes', () => {
    expect(Object.keys(PRESETS)).toEqual(expect.arrayContaining(['tiny', 'micro', 'pythia-14m']));
    const p = configFromName('pythia-14m');
    expect([p.n_layer, p.n_head, p.n_embd, p.block_size, p.vocab_size]).toEqual([6, 4, 128, 512, 256]);
  });

  it('rejects unknown presets and inconsistent configs with clear errors', () => {
    expect(() => configFromName('nope')).toThrow(/unknown GPT preset "nope".*tiny/);
    expect(() => configFromName('tiny', { n_head: 3 })).toThrow(ConfigError);
    expect(() => configFromName('tiny', { n_head: 3 })).toThrow(/n_embd \(16\) must be divisible by n_head \(3\)/);
    expect(() => validateConfig({ ...PRESETS.tiny!, n_layer: 0, norm_class_name: 'BatchNorm' as never })).toThrow(
      /n_layer must be a positive integer.*norm_class_name/,
    );
    expect(() => configFromName('tiny', { rotary_percentage: 0.4 })).toThrow(/even number/);
  });
});

describe('ByteTokenizer', () => {
  it('round-trips UTF-8 text byte by byte and names special tokens', () => {
    const tok = new ByteTokenizer(['<|endoftext|>']);
    const ids = tok.encode('héllo ✓');
    expect(ids.length).toBe(10);
    expect(tok.decode(ids)).toBe('héllo ✓');
    expect(tok.vocabSize).toBe(257);
    expect(tok.decode([104, 105, tok.specialId('<|endoftext|>')])).toBe('hi<|endoftext|>');
    expect(ByteTokenizer.fromSpec(tok.spec()).vocabSize).toBe(257);
  });
});

describe('Rng', () => {
  it('replays its stream from a saved state', () => {
    const r = new Rng(42);
    r.next();
    const s = r.getState();
    const a = [r.next(), r.normal(), r.int(10)];
    const b = new Rng(s);
    expect([b.next(), b.normal(), b.int(10)]).toEqual(a);
    expect(new Rng(1).next()).not.toBe(new Rng(2).next());
  });
});

describe('lrAt', () => {
  const cosine = { kind: 'cosine', peakLr: 1e-3, minLr: 1e-4, warmupSteps: 10, totalSteps: 110 } as const;
  it('cosine: linear warmup, peak, half-way value, floor at minLr', () => {
    expect(lrAt(0, cosine)).toBeCloseTo(1e-4);
    expect(lrAt(9, cosine)).toBeCloseTo(1e-3);
    expect(lrAt(60, cosine)).toBeCloseTo(5.5e-4);
    expect(lrAt(110, cosine)).toBeCloseTo(1e-4);
    expect(lrAt(500, cosine)).toBeCloseTo(1e-4);
  });
  it('rewarm: from minLr up to the increment peak, then back down within the increment', () => {
    const s = { kind: 'rewarm', startStep: 100, peakLr: 5e-4, minLr: 1e-4, warmupSteps: 4, totalSteps: 40 } as const;
    expect(lrAt(100, s)).toBeCloseTo(2e-4);
    expect(lrAt(103, s)).toBeCloseTo(5e-4);
    expect(lrAt(140, s)).toBeCloseTo(1e-4);
    expect(lrAt(120, s)).toBeLessThan(5e-4);
  });
  it('wsd: warmup, stable plateau, linear decay', () => {
    const s = { kind: 'wsd', peakLr: 1e-3, minLr: 0, warmupSteps: 5, decaySteps: 10, totalSteps: 100 } as const;
    expect(lrAt(50, s)).toBe(1e-3);
    expect(lrAt(95, s)).toBeCloseTo(5e-4);
    expect(lrAt(100, s)).toBeCloseTo(0);
  });
});

describe('BatchSampler', () => {
  const tokens = Uint8Array.from({ length: 100 }, (_, i) => i);
  it('draws (B, T) inputs with next-token targets, reproducibly from its cursor', () => {
    const s = new BatchSampler(tokens, { batchSize: 3, seqLen: 8, seed: 1 });
    const b = s.next();
    expect(b.inputs.length).toBe(24);
    for (let i = 0; i < 24; i++) expect(b.targets[i]).toBe(b.inputs[i]! + 1);
    const state = s.getState();
    const next = s.next();
    const s2 = new BatchSampler(tokens, { batchSize: 3, seqLen: 8, seed: 99 });
    s2.setState(state);
    expect(s2.next()).toEqual(next);
  });
  it('sequential mode walks the sources in order and counts epochs', () => {
    const s = new BatchSampler([tokens.slice(0, 20), tokens.slice(50, 70)], { batchSize: 1, seqLen: 8, mode: 'sequential' });
    const starts = Array.from({ length: 5 }, () => s.next().inputs[0]);
    expect(starts).toEqual([0, 8, 50, 58, 0]);
    expect(s.getState().epoch).toBe(1);
  });
});
