import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchBytes } from './corpus-batch';
import { loadCorpusDir } from './load-corpus-dir';
import { shiftStream } from './shift-stream';
import { sotuEras } from './sotu-eras';

describe('loadCorpusDir', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ratchet-corpus-'));
    await mkdir(join(dir, '02-second'));
    await mkdir(join(dir, '01-first'));
    await writeFile(join(dir, '01-first', 'b.txt'), 'second file');
    await writeFile(join(dir, '01-first', 'a.txt'), 'first file');
    await writeFile(join(dir, '01-first', 'ignored.csv'), 'x,y');
    await writeFile(join(dir, '02-second', 'records.jsonl'), '{"text":"one"}\n\n{"nope":1}\nnot json\n{"text":"two"}\n');
    await writeFile(join(dir, 'README'), 'a file at the top is not a batch');
    await mkdir(join(dir, '.git'));
    await writeFile(join(dir, '.git', 'HEAD.txt'), 'a hidden folder is not a batch');
    await writeFile(join(dir, '01-first', '.a.txt.swp'), 'nor is an editor file');
    await writeFile(join(dir, '01-first', '.hidden.txt'), 'nor a hidden file');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('reads one batch per sub-folder in name order, .txt and .jsonl records in file order, hidden ones left out', async () => {
    const { batches, skipped } = await loadCorpusDir(dir);
    expect(batches.map((b) => b.id)).toEqual(['01-first', '02-second']);
    expect(batches[0].records).toEqual(['first file', 'second file']);
    expect(batches[1].records).toEqual(['one', 'two']);
    expect(skipped.map((s) => [s.line, s.reason])).toEqual([
      [3, 'no string "text" field'],
      [4, 'not JSON'],
    ]);
  });

  it('fails clearly on a folder without batches', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'ratchet-empty-'));
    await expect(loadCorpusDir(empty)).rejects.toThrow(/no batch sub-folders/);
    await rm(empty, { recursive: true });
  });
});

describe('built-in corpora', () => {
  it('cuts the State of the Union addresses into eras in year order', () => {
    const eras = sotuEras({ eras: 5 });
    expect(eras).toHaveLength(5);
    expect(eras[0].id).toMatch(/^era1-1790-/);
    expect([...eras.map((e) => e.id)].sort()).toEqual(eras.map((e) => e.id));
    expect(eras[0].records[0]).toMatch(/Fellow-Citizens/);
    const capped = sotuEras({ eras: 5, maxBytesPerEra: 50_000 });
    for (const era of capped) {
      expect(batchBytes(era)).toBeLessThanOrEqual(50_000);
      expect(batchBytes(era)).toBeGreaterThan(40_000);
    }
  });

  it('builds the shift stream from prose, TypeScript and Markdown', () => {
    const stream = shiftStream({ maxBytesPerBatch: 100_000 });
    expect(stream.map((b) => b.id)).toEqual(['1-prose', '2-code', '3-markdown']);
    expect(stream[1].records.join('')).toMatch(/interface Array<T>/);
    expect(stream[2].records.join('')).toMatch(/^# /m);
    for (const b of stream) {
      expect(batchBytes(b)).toBeGreaterThan(90_000);
      expect(batchBytes(b)).toBeLessThanOrEqual(100_000);
    }
  });
});
