import { benchGptMain, parseGptBenchArgs, trainFlopsPerToken } from './bench-gpt';

describe('bench gpt arguments', () => {
  it('defaults to micro on wasm and parses lists and numbers', () => {
    expect(parseGptBenchArgs([])).toMatchObject({ presets: ['micro'], backends: ['wasm'], steps: 5, json: false });
    expect(parseGptBenchArgs(['--preset', 'tiny,pythia-14m', '--backend', 'wasm,cpu', '--json', '--steps', '3', '--seq-len', '64'])).toMatchObject({
      presets: ['tiny', 'pythia-14m'],
      backends: ['wasm', 'cpu'],
      steps: 3,
      seqLen: 64,
      json: true,
    });
  });

  it('prints its usage for --help and exits 0, without running anything', async () => {
    const lines: string[] = [];
    expect(await benchGptMain(['--help'], (l) => lines.push(l))).toBe(0);
    expect(lines.join('\n')).toMatch(/^usage: ratchet bench gpt/);
  });

  it('rejects unknown presets, backends, options and bad numbers', () => {
    expect(() => parseGptBenchArgs(['--preset', 'huge'])).toThrow(/unknown GPT preset "huge"/);
    expect(() => parseGptBenchArgs(['--backend', 'webgpu'])).toThrow(/unknown backend webgpu/);
    expect(() => parseGptBenchArgs(['--fast'])).toThrow(/unknown option --fast/);
    expect(() => parseGptBenchArgs(['--steps', '0'])).toThrow(/positive integer/);
  });

  it('counts 6 FLOPs per parameter per token plus attention', () => {
    expect(trainFlopsPerToken(1000, 2, 16, 8)).toBe(6000 + 12 * 2 * 16 * 8);
  });
});
