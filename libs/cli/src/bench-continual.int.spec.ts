import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchContinual, benchContinualMain } from './bench-continual';
import { prepareBatches } from './bench-continual-run';

const prose = (i: number): string => `Paragraph ${i}: the committee met again and reported on the harvest, the roads and the treasury.`;
const code = (i: number): string => `export function f${i}(x: number): number {\n  return x * ${i} + 1;\n}\n`;

describe('ratchet bench continual on a corpus folder', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-bench-'));
    await mkdir(join(dir, 'b1-prose'));
    await mkdir(join(dir, 'b2-code'));
    await writeFile(join(dir, 'b1-prose', 'part.jsonl'), Array.from({ length: 80 }, (_, i) => JSON.stringify({ text: prose(i) })).join('\n'));
    for (let f = 0; f < 4; f++) await writeFile(join(dir, 'b2-code', `f${f}.txt`), Array.from({ length: 20 }, (_, i) => code(f * 20 + i)).join('\n\n'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('prints one JSON object per strategy with the R matrix and the summary keys', async () => {
    const lines: string[] = [];
    const argv = ['--corpus', dir, '--preset', 'tiny', '--seq-len', '16', '--batch-size', '4', '--steps', '2', '--eval-tokens', '64'];
    await benchContinual([...argv, '--strategies', 'naive,replay+ewc,joint', '--json'], (l) => lines.push(l));
    const results = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(results.map((r) => r.strategy)).toEqual(['naive', 'replay+ewc', 'joint']);
    for (const r of results) {
      expect(Object.keys(r)).toEqual(expect.arrayContaining(['strategy', 'acc_bpb', 'bwt_bpb', 'forgetting_bpb', 'final_avg_bpb', 'train_tokens', 'wall_s', 'r_matrix']));
    }
    expect((results[0].r_matrix as number[][]).map((row) => row.length)).toEqual([2, 2]);
    expect(results[0].train_tokens).toBe(2 * 2 * 4 * 16);
    expect(typeof results[1].forgetting_bpb).toBe('number');
    // joint: one model on the union with the same total budget, a single final row
    expect(results[2].r_matrix as number[][]).toHaveLength(1);
    expect(results[2].train_tokens).toBe(results[0].train_tokens);
    expect(results[2].bwt_bpb).toBeNull();
  });

  it('splits every batch deterministically into train and held-out bytes', () => {
    const batches = [{ id: 'x', records: Array.from({ length: 100 }, (_, i) => prose(i)) }];
    const [a] = prepareBatches(batches, 0.1);
    const [b] = prepareBatches(batches, 0.1);
    expect(a.heldOut).toEqual(b.heldOut);
    expect(a.heldOut.length).toBeGreaterThan(0);
    expect(a.train.length).toBeGreaterThan(a.heldOut.length);
  });

  it('answers a usage error with exit code 2', async () => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    await expect(benchContinualMain([])).resolves.toBe(2);
    await expect(benchContinualMain(['--corpus', 'x', '--steps', 'many'])).resolves.toBe(2);
    write.mockRestore();
  });
});
