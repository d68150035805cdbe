// The stored form of a batch and its identity: canonical JSON lines, their sha256 and the batch id.
import { createHash } from 'node:crypto';
import { RawRecord } from '@ratchet/contracts';

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** One record as one JSON line with a fixed key order (metadata keys sorted), so equal records encode equally. */
export function canonicalRecord(record: RawRecord): string {
  const out: Record<string, unknown> = { text: record.text };
  if (record.id !== undefined) out.id = record.id;
  out.lineage = record.lineage;
  if (record.domain !== undefined) out.domain = record.domain;
  if (record.metadata !== undefined) {
    out.metadata = Object.fromEntries(Object.entries(record.metadata).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  }
  return JSON.stringify(out);
}

/**
 * sha256(lineage ␀ sorted canonical lines): the same records in any order are the same batch,
 * so a batch re-sent (or re-sealed from Kafka after a crash, possibly in another order) is recognised.
 */
export function contentSha256(lineage: string, records: readonly RawRecord[]): string {
  const lines = records.map(canonicalRecord).sort();
  return sha256(`${lineage}\u0000${lines.join('\n')}`);
}

/** The batch id: the first 16 hex digits of the content hash. */
export const batchIdOf = (contentHash: string): string => contentHash.slice(0, 16);

export interface EncodedSplit {
  body: Buffer;
  sha256: string;
  records: number;
}

/** A split as a JSON-lines object (each line ends with a newline). */
export function encodeSplit(records: readonly RawRecord[]): EncodedSplit {
  const body = Buffer.from(records.map((r) => `${canonicalRecord(r)}\n`).join(''), 'utf8');
  return { body, sha256: sha256(body), records: records.length };
}

export const splitKeys = (lineage: string, batchId: string) => ({
  train: `batches/${lineage}/${batchId}/train.jsonl`,
  heldOut: `batches/${lineage}/${batchId}/held-out.jsonl`,
});

/** Where the lines of an upload that was rejected as a whole are kept for inspection. */
export const rejectedKey = (lineage: string, batchId: string): string => `rejected/${lineage}/${batchId}.jsonl`;

/** Id of a batch nothing valid was left of: derived from what was sent, so a retry gives the same id. */
export const rejectedBatchIdOf = (lineage: string, body: string | Uint8Array): string =>
  sha256(Buffer.concat([Buffer.from(`${lineage}\u0000`, 'utf8'), Buffer.from(body)])).slice(0, 16);
