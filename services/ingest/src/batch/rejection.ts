// How one bad record is reported: to the uploader (HTTP answer), in BatchRejected, on the dead-letter topic.
import { DecodeError } from '@ratchet/contracts';

/** `position` is 1-based (line of a JSONL upload, paragraph of a text upload, line of a directory .jsonl file). */
export interface Rejection {
  position: number;
  field: string;
  code: string;
  reason: string;
}

export const rejectionOf = (position: number, error: DecodeError): Rejection => ({
  position,
  field: error.field,
  code: error.code,
  reason: error.reason,
});

/** Records of another lineage than the one the batch is for. */
export const LINEAGE_MISMATCH = 'lineage-mismatch';

/** A batch needs one train and one held-out record at least. */
export const BATCH_TOO_SMALL = 'batch-too-small';
