// The batches the demo streams: State of the Union eras written out as a corpus folder, or any
// folder with one sub-folder per batch (the same layout ingest reads).
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { sotuEras } from '@ratchet/continual';

/** Returns the folder to ingest: `corpus` itself, or the SOTU eras written under `out/corpus`. */
export async function corpusFolder(corpus: string, eras: number, out: string): Promise<string> {
  if (corpus !== 'sotu') return resolve(corpus);
  const dir = resolve(out, 'corpus');
  await rm(dir, { recursive: true, force: true });
  for (const era of sotuEras({ eras })) {
    await mkdir(join(dir, era.id), { recursive: true });
    await writeFile(join(dir, era.id, 'speeches.txt'), era.records.join('\n\n'));
  }
  return dir;
}
