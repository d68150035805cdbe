/** Object keys: one place decides where batches and checkpoints live in the store. */
export const batchPrefix = (lineage: string, batchId: string): string => `batches/${lineage}/${batchId}`;
export const trainSplitKey = (lineage: string, batchId: string): string => `${batchPrefix(lineage, batchId)}/train.jsonl`;
export const heldOutSplitKey = (lineage: string, batchId: string): string => `${batchPrefix(lineage, batchId)}/held-out.jsonl`;
export const checkpointPrefix = (lineage: string, checkpointId: string): string => `checkpoints/${lineage}/${checkpointId}`;
/** In-increment checkpoints of a running increment, so a crashed trainer resumes instead of starting over. */
export const partialCheckpointPrefix = (lineage: string, checkpointId: string): string =>
  `checkpoints/${lineage}/${checkpointId}.partial`;
