// Turns an upload body (JSON lines or plain text) into valid records plus the reasons for every bad one.
import { DecodeError, RawRecord, RecordLimits, decodeRecordLines, validateRecord, utf8Length } from '@ratchet/contracts';
import { chunkRecords } from '@ratchet/continual';
import { LINEAGE_MISMATCH, Rejection, rejectionOf } from './rejection';

export interface PositionedRecord {
  position: number;
  record: RawRecord;
}

export interface ParsedUpload {
  records: PositionedRecord[];
  rejected: Rejection[];
}

/** JSON lines: one record per line; a line without `lineage` gets the batch's, one with another is rejected. */
export function parseJsonLines(body: Uint8Array, lineage: string, limits: RecordLimits): ParsedUpload {
  const decoded = decodeRecordLines(body, limits, { lineage });
  const out: ParsedUpload = { records: [], rejected: decoded.rejected.map((r) => rejectionOf(r.position, r.error)) };
  for (const entry of decoded.records) {
    const mismatch = lineageMismatch(entry.position, entry.record, lineage);
    if (mismatch) out.rejected.push(mismatch);
    else out.records.push(entry);
  }
  out.rejected.sort((a, b) => a.position - b.position);
  return out;
}

export function lineageMismatch(position: number, record: RawRecord, lineage: string): Rejection | null {
  if (record.lineage === lineage) return null;
  return { position, field: 'lineage', code: LINEAGE_MISMATCH, reason: `record is for lineage "${record.lineage}", the batch for "${lineage}"` };
}

/**
 * Plain text: every paragraph (text between blank lines) is a record, and a paragraph longer than
 * `maxChars` is cut further by `chunkRecords` (at a line or word break where there is one), so that
 * records stay bounded and even a short text gives several records to split into train and held-out.
 * Positions count the records cut, from 1.
 */
export function parsePlainText(text: string, lineage: string, limits: RecordLimits, maxChars: number): ParsedUpload {
  const out: ParsedUpload = { records: [], rejected: [] };
  const pieces = chunkRecords(paragraphs(text), maxChars);
  pieces.forEach((piece, i) => {
    const checked = checkRecord({ text: piece, lineage }, limits);
    if (checked instanceof DecodeError) out.rejected.push(rejectionOf(i + 1, checked));
    else out.records.push({ position: i + 1, record: checked });
  });
  return out;
}

export function paragraphs(text: string): string[] {
  return text
    .replace(/\r\n?/g, '\n')
    .split(/\n[ \t]*\n/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
}

/** Validates a record built here (not parsed), applying the same size limit as a sent one. */
export function checkRecord(record: RawRecord, limits: RecordLimits): RawRecord | DecodeError {
  const size = utf8Length(JSON.stringify(record));
  if (size > limits.maxRecordBytes) return new DecodeError('oversize', '', `record is ${size} bytes, the limit is ${limits.maxRecordBytes}`);
  const valid = validateRecord(record);
  return valid.ok ? valid.value : valid.error;
}
