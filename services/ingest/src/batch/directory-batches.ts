/**
 * Batches from a folder laid out like the continual benchmark's corpora (`loadCorpusDir`): one
 * sub-folder per batch in name order, `.txt` files (one document each) and `.jsonl` files (one
 * `{"text": ...}` per line). Documents longer than `maxChars` are cut by `chunkRecords`, as the benchmark does.
 */
import { DecodeError, RecordLimits } from '@ratchet/contracts';
import { chunkRecords, loadCorpusDir } from '@ratchet/continual';
import { PositionedRecord, checkRecord } from './parse-upload';
import { Rejection, rejectionOf } from './rejection';

export interface DirectoryBatch {
  /** The sub-folder's name. */
  folder: string;
  path: string;
  records: PositionedRecord[];
  rejected: Rejection[];
}

export async function readDirectoryBatches(dir: string, lineage: string, limits: RecordLimits, maxChars: number): Promise<DirectoryBatch[]> {
  const corpus = await loadCorpusDir(dir);
  return corpus.batches.map((batch) => {
    const path = batch.source ?? batch.id;
    const rejected: Rejection[] = corpus.skipped
      .filter((s) => s.file.startsWith(`${path}/`))
      .map((s) => ({ position: s.line, field: s.reason === 'not JSON' ? '' : 'text', code: s.reason === 'not JSON' ? 'malformed-json' : 'invalid-field', reason: `${s.file}:${s.line}: ${s.reason}` }));
    const records: PositionedRecord[] = [];
    const pieces = chunkRecords(batch.records, maxChars);
    pieces.forEach((text, i) => {
      const checked = checkRecord({ text, lineage }, limits);
      if (checked instanceof DecodeError) rejected.push(rejectionOf(i + 1, checked));
      else records.push({ position: i + 1, record: checked });
    });
    return { folder: batch.id, path, records, rejected };
  });
}
