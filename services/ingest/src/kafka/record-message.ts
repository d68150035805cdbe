// What one message of the records topic is: a record, a seal message, or something to dead-letter.
import {
  DEAD_LETTER_HEADERS,
  DecodeError,
  RawRecord,
  RecordLimits,
  SEAL_HEADER,
  batchLabelProblem,
  decodeUtf8,
  isValidLineage,
  parseJson,
  validateRecord,
} from '@ratchet/contracts';

export interface RecordMessage {
  key: Buffer | null;
  value: Buffer | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export type Classified =
  | { kind: 'record'; record: RawRecord; bytes: number }
  /**
   * `label` names the sealed batch; `labelError` says why the message's label was not taken (the
   * seal still holds: dropping it for a bad display name would hold valid records back).
   */
  | { kind: 'seal'; lineage: string; label?: string; labelError?: DecodeError }
  | { kind: 'invalid'; error: DecodeError; lineage: string | null };

const headerText = (value: Buffer | string | (Buffer | string)[] | undefined): string | undefined => {
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined ? undefined : first.toString();
};

/**
 * A record's lineage may come from the message key when the value has none; a key that names
 * another lineage than the value is refused (records of a lineage must share a partition, in order).
 */
export function classifyMessage(message: RecordMessage, limits: RecordLimits): Classified {
  const key = message.key ? message.key.toString('utf8') : null;
  const sealHeader = headerText(message.headers?.[SEAL_HEADER]);
  if (sealHeader !== undefined) return sealOf(sealHeader, key);
  if (!message.value) return { kind: 'invalid', error: new DecodeError('missing-field', 'value', 'message has no value'), lineage: key };
  const bytes = message.value.byteLength;
  if (bytes > limits.maxRecordBytes) {
    return { kind: 'invalid', error: new DecodeError('oversize', '', `record is ${bytes} bytes, the limit is ${limits.maxRecordBytes}`), lineage: key };
  }
  const text = decodeUtf8(message.value);
  if (!text.ok) return { kind: 'invalid', error: text.error, lineage: key };
  const json = parseJson(text.value);
  if (!json.ok) return { kind: 'invalid', error: json.error, lineage: key };
  const value = json.value;
  if (isObject(value) && value.seal === true) return sealOf(value.lineage, key, value);
  const withLineage = isObject(value) && !('lineage' in value) && key ? { ...value, lineage: key } : value;
  const record = validateRecord(withLineage);
  if (!record.ok) return { kind: 'invalid', error: record.error, lineage: key };
  if (key !== null && key !== record.value.lineage) {
    return { kind: 'invalid', error: new DecodeError('invalid-field', 'key', `key "${key}" differs from the record's lineage "${record.value.lineage}"`), lineage: key };
  }
  return { kind: 'record', record: record.value, bytes };
}

function sealOf(lineage: unknown, key: string | null, value?: Record<string, unknown>): Classified {
  const name = typeof lineage === 'string' && lineage.length > 0 ? lineage : key;
  if (name === null || !isValidLineage(name)) {
    return { kind: 'invalid', error: new DecodeError('invalid-field', 'lineage', 'a seal message must name a valid lineage'), lineage: key };
  }
  if (value === undefined || !('label' in value) || value.label === undefined || value.label === null) return { kind: 'seal', lineage: name };
  const problem = typeof value.label === 'string' ? batchLabelProblem(value.label) : 'label must be a string';
  if (problem) return { kind: 'seal', lineage: name, labelError: new DecodeError('invalid-field', 'label', `${problem}; the batch was sealed without a label`) };
  return { kind: 'seal', lineage: name, label: value.label as string };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface SourcePosition {
  topic: string;
  partition: number;
  offset: string;
}

/** The original message with the reason in headers (DEAD_LETTER_HEADERS). */
export function deadLetterOf(message: RecordMessage, error: { code: string; field: string; reason: string }, from: SourcePosition) {
  const headers: Record<string, Buffer | string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    const first = Array.isArray(value) ? value[0] : value;
    if (first !== undefined) headers[name] = first;
  }
  headers[DEAD_LETTER_HEADERS.reason] = error.reason;
  headers[DEAD_LETTER_HEADERS.field] = error.field;
  headers[DEAD_LETTER_HEADERS.code] = error.code;
  headers[DEAD_LETTER_HEADERS.sourceTopic] = from.topic;
  headers[DEAD_LETTER_HEADERS.sourcePartition] = String(from.partition);
  headers[DEAD_LETTER_HEADERS.sourceOffset] = from.offset;
  return { key: message.key, value: message.value, headers };
}
