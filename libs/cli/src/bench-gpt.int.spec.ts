// `npx ratchet bench gpt --json` as a user runs it: the bin npm linked at the repository root, in a child
// process (which spawns one child per combination).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { configFromName, parameterSpecs } from '@ratchet/gpt';
import { trainFlopsPerToken } from './bench-gpt';

const main = join(__dirname, '..', 'dist', 'main.js');
// What `npx ratchet` runs from the repository root: npm links it at `npm ci`, before any build.
const linkedBin = join(__dirname, '..', '..', '..', 'node_modules', '.bin', 'ratchet');
const KEYS = [
  'preset',
  'backend',
  'params',
  'batch_size',
  'seq_len',
  'train_tokens_per_s',
  'train_tokens_per_cpu_s',
  'eval_tokens_per_s',
  'train_gflops',
  'peak_rss_mb',
];

/** Parameter count of a preset from its parameter shapes, without building a model. */
const presetParams = (preset: string): number =>
  parameterSpecs(configFromName(preset)).reduce(
    (n, [, spec]) => n + spec.shape.reduce((a, b) => a * b, 1),
    0,
  );

describe('ratchet bench gpt --json', () => {
  it('prints one JSON object per preset with the documented keys and positive, finite numbers', async () => {
    if (!existsSync(main)) throw new Error(`${main} is missing: build @ratchet/cli first`);
    if (!existsSync(linkedBin)) throw new Error(`${linkedBin} is missing: npm did not link the ratchet bin`);
    const argv = [
      'bench',
      'gpt',
      '--json',
      '--preset',
      'tiny,tiny-llama',
      '--backend',
      'wasm',
      '--steps',
      '1',
      '--batch-size',
      '4',
    ];
    const { stdout } = await promisify(execFile)(linkedBin, argv, {
      encoding: 'utf8',
      timeout: 60_000,
    });
    const lines = stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    const rows = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => r.preset)).toEqual(['tiny', 'tiny-llama']);
    for (const r of rows) {
      expect(Object.keys(r).sort()).toEqual([...KEYS].sort());
      expect(r.backend).toBe('wasm');
      expect(r.params).toBe(presetParams(r.preset as string));
      expect([r.batch_size, r.seq_len]).toEqual([4, 16]);
      for (const key of KEYS.slice(2)) {
        const v = r[key];
        expect({ key, ok: typeof v === 'number' && Number.isFinite(v) && v > 0 }).toEqual({ key, ok: true });
      }
      // GFLOP/s is the training throughput times the FLOPs per token (rounded to 2 digits).
      const flops = (r.train_tokens_per_s as number) * trainFlopsPerToken(r.params as number, 2, 16, 16);
      expect(Math.abs((r.train_gflops as number) - flops / 1e9)).toBeLessThan(0.01);
    }
  });
});
