/**
 * Loads a corpus folder: one sub-folder per batch, in arrival order (sorted by name), each with
 * `.txt` files (one record per file) and/or `.jsonl` files (one `{"text": ...}` record per line).
 * Files are read in name order; other files are ignored, and so are hidden folders and files
 * (`.git`, editor swap files); blank lines and records without a string `text` are skipped and counted.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { CorpusBatch } from './corpus-batch';

export interface LoadedCorpus {
  readonly batches: CorpusBatch[];
  /** Lines of .jsonl files that were not JSON objects with a string `text`, per file. */
  readonly skipped: readonly { readonly file: string; readonly line: number; readonly reason: string }[];
}

const byName = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export async function loadCorpusDir(dir: string): Promise<LoadedCorpus> {
  const entries = (await readdir(dir)).sort(byName);
  const batches: CorpusBatch[] = [];
  const skipped: { file: string; line: number; reason: string }[] = [];
  for (const name of entries) {
    if (name.startsWith('.')) continue;
    const batchDir = join(dir, name);
    if (!(await stat(batchDir)).isDirectory()) continue;
    const records: string[] = [];
    for (const file of (await readdir(batchDir)).sort(byName)) {
      if (file.startsWith('.')) continue;
      const path = join(batchDir, file);
      if (file.endsWith('.txt')) {
        const text = await readFile(path, 'utf8');
        if (text.trim().length > 0) records.push(text);
      } else if (file.endsWith('.jsonl')) {
        const lines = (await readFile(path, 'utf8')).split('\n');
        lines.forEach((line, i) => {
          if (line.trim().length === 0) return;
          const reason = parseRecord(line, records);
          if (reason !== undefined) skipped.push({ file: path, line: i + 1, reason });
        });
      }
    }
    batches.push({ id: name, records, source: batchDir });
  }
  if (batches.length === 0) throw new Error(`no batch sub-folders in ${dir}`);
  return { batches, skipped };
}

/** Appends the record's text; returns why the line was skipped, if it was. */
function parseRecord(line: string, into: string[]): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'not JSON';
  }
  if (typeof value !== 'object' || value === null || typeof (value as { text?: unknown }).text !== 'string') {
    return 'no string "text" field';
  }
  into.push((value as { text: string }).text);
  return undefined;
}
