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

/** Keeps whole records from the start of the batch until `maxBytes` would be exceeded (at least one). */
export function capBatchBytes(batch: CorpusBatch, maxBytes: number): CorpusBatch {
  const kept: string[] = [];
  let total = 0;
  for (const record of batch.records) {
    const size = Buffer.byteLength(record, 'utf8');
    if (kept.length > 0 && total + size > maxBytes) break;
    kept.push(record);
    total += size;
  }
  return { ...batch, records: kept };
}
