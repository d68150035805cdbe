// A corpus is a list of batches in arrival order; each batch is a list of text records.

export interface CorpusBatch {
  /** Stable name of the batch (folder name, era, stream stage). */
  readonly id: string;
  readonly records: readonly string[];
  /** Where the text came from, for the benchmark's report. */
  readonly source?: string;
}

/** Total UTF-8 bytes of a batch's records. */
export function batchBytes(batch: CorpusBatch): number {
  return batch.records.reduce((sum, r) => sum + Buffer.byteLength(r, 'utf8'), 0);
}

/**
 * Keeps records from the start of the batch up to `maxBytes` in all; the record that crosses the
 * cap is cut at its last line break (or space) before it (so a few large files still fill the cap).
 */
export function capBatchBytes(batch: CorpusBatch, maxBytes: number): CorpusBatch {
  const kept: string[] = [];
  let total = 0;
  for (const record of batch.records) {
    const size = Buffer.byteLength(record, 'utf8');
    if (total + size <= maxBytes) {
      kept.push(record);
      total += size;
      continue;
    }
    const head = Buffer.from(record, 'utf8').subarray(0, maxBytes - total).toString('utf8');
    // Prefer a line break, then a space (some texts are one long line), as the cut.
    const newline = head.lastIndexOf('\n');
    const cut = newline > 0 ? newline : head.lastIndexOf(' ');
    if (cut > 0) kept.push(head.slice(0, cut));
    break;
  }
  return { ...batch, records: kept };
}
