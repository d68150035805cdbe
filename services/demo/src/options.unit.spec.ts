import { UsageError, parseOptions } from './options';

describe('demo flags', () => {
  it('defaults to the SOTU eras on micro with replay+ewc, 40 steps, written to out/demo', () => {
    expect(parseOptions([])).toEqual({
      corpus: 'sotu',
      preset: 'micro',
      strategy: 'replay+ewc',
      steps: 40,
      batchSize: 8,
      out: 'out/demo',
      lineage: 'sotu-gpt',
      eras: 5,
      evalTokens: 4096,
      backend: 'wasm',
      port: 0,
    });
  });

  it('takes every documented flag', () => {
    const argv = ['--corpus', '/data/stream', '--preset', 'tiny', '--strategy', 'naive', '--steps', '3', '--batch-size', '2'];
    argv.push('--out', '/tmp/x', '--lineage', 'l1', '--eras', '3', '--eval-tokens', '128', '--backend', 'cpu', '--port', '8099');
    expect(parseOptions(argv)).toEqual({
      corpus: '/data/stream',
      preset: 'tiny',
      strategy: 'naive',
      steps: 3,
      batchSize: 2,
      out: '/tmp/x',
      lineage: 'l1',
      eras: 3,
      evalTokens: 128,
      backend: 'cpu',
      port: 8099,
    });
    expect(parseOptions(['--help'])).toBe('help');
  });

  it.each([
    [['--steps', '0'], '--steps must be a positive integer, got "0"'],
    [['--steps', '2.5'], '--steps must be a positive integer, got "2.5"'],
    [['--eras', 'many'], '--eras must be a positive integer, got "many"'],
    [['--backend', 'tpu'], '--backend must be wasm, cpu, tensorflow or auto, got "tpu"'],
  ])('refuses %j with a usage error naming the flag', (argv, message) => {
    expect(() => parseOptions(argv)).toThrow(new UsageError(message));
  });

  it('refuses an unknown preset or strategy with the reason the libraries give', () => {
    expect(() => parseOptions(['--preset', 'gpt-5'])).toThrow(/^--preset: unknown GPT preset "gpt-5"; known presets: tiny, /);
    expect(() => parseOptions(['--strategy', 'replay+ewx'])).toThrow(/^--strategy: .*unknown strategy "ewx"/);
    expect(() => parseOptions(['--strategy', 'distill'])).toThrow(/^--strategy: .*replay/);
    expect(parseOptions(['--strategy', 'replay+distill'])).toMatchObject({ strategy: 'replay+distill' });
  });

  it('refuses an unknown flag', () => {
    expect(() => parseOptions(['--stepz', '4'])).toThrow(UsageError);
  });
});
