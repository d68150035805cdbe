/**
 * Batches from a folder laid out like the continual benchmark's corpora (`loadCorpusDir`): one
 * sub-folder per batch in name order, `.txt` files (one document each) and `.jsonl` files (one
 * `{"text": ...}` per line). Documents longer than `maxChars` are cut by `chunkRecords`, as the benchmark does.
 */
import { BATCH_LABEL_MAX, DecodeError, RecordLimits } from '@ratchet/contracts';
import { chunkRecords, loadCorpusDir } from '@ratchet/continual';
import { PositionedRecord, checkRecord } from './parse-upload';
import { Rejection, rejectionOf } from './rejection';

export interface DirectoryBatch {
  /** The sub-folder's name. */
  folder: string;
  /** The batch's label: the folder's name made a valid one (labelOfFolder); absent when nothing of it is left. */
  label?: string;
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
    const label = labelOfFolder(batch.id);
    return { folder: batch.id, path, records, rejected, ...(label !== undefined ? { label } : {}) };
  });
}

/**
 * A folder's name as a batch label (BatchLabelSchema): control characters (a file system allows
 * even a newline) become spaces, and a name longer than BATCH_LABEL_MAX is cut, ending in "…".
 * Undefined when only blanks are left.
 */
export function labelOfFolder(name: string): string | undefined {
  const clean = name.replace(/\p{Cc}/gu, ' ').trim();
  if (clean.length === 0) return undefined;
  if (clean.length <= BATCH_LABEL_MAX) return clean;
  // cut on a code point boundary, so that no half of a surrogate pair is left
  let cut = '';
  for (const point of clean) {
    if (cut.length + point.length > BATCH_LABEL_MAX - 1) break;
    cut += point;
  }
  return `${cut.trimEnd()}…`;
}
