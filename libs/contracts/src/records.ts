// The raw record that producers send (Kafka topic `ratchet.records` or HTTP upload), with its limits.
import { z } from 'zod';
import { DecodeError } from './errors';
import { Result, err, ok } from './result';
import { decodeUtf8, parseJson, utf8Length } from './text';
import { fromZodError } from './zod-errors';

export interface RecordLimits {
  /** Largest accepted record, in bytes of its JSON encoding. */
  maxRecordBytes: number;
  /** Largest accepted batch (upload or sealed Kafka batch), in bytes. */
  maxBatchBytes: number;
}

export const DEFAULT_RECORD_LIMITS: RecordLimits = {
  maxRecordBytes: 256 * 1024,
  maxBatchBytes: 64 * 1024 * 1024,
};

const LINEAGE_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/;

export const RawRecordSchema = z
  .object({
    text: z.string().min(1, 'must not be empty'),
    id: z.string().min(1).max(200).optional(),
    lineage: z.string().regex(LINEAGE_PATTERN, 'must match ^[a-z0-9][a-z0-9._-]{0,62}$'),
    domain: z.string().min(1).max(100).optional(),
    metadata: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
  })
  .strict();

export type RawRecord = z.infer<typeof RawRecordSchema>;

/** JSON Schema of a raw record, for producers' documentation. */
export const rawRecordJsonSchema = (): unknown => z.toJSONSchema(RawRecordSchema);

export const isValidLineage = (lineage: string): boolean => LINEAGE_PATTERN.test(lineage);

/** Longest batch label (what people call a batch: its folder, the `label` of an upload or seal message), in characters. */
export const BATCH_LABEL_MAX = 120;

export const BatchLabelSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(BATCH_LABEL_MAX, `must be at most ${BATCH_LABEL_MAX} characters`)
  .regex(/^[^\p{Cc}]*$/u, 'must not contain control characters');

/** Why `label` cannot name a batch, or null when it can. */
export function batchLabelProblem(label: string): string | null {
  const parsed = BatchLabelSchema.safeParse(label);
  return parsed.success ? null : `label ${parsed.error.issues[0]!.message}`;
}

/** Decodes one record from bytes or text, applying the size limit and strict UTF-8. */
export function decodeRecord(
  input: Uint8Array | string,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
): Result<RawRecord, DecodeError> {
  const size = typeof input === 'string' ? utf8Length(input) : input.byteLength;
  if (size > limits.maxRecordBytes) {
    return err(new DecodeError('oversize', '', `record is ${size} bytes, the limit is ${limits.maxRecordBytes}`));
  }
  const text = typeof input === 'string' ? ok(input) : decodeUtf8(input);
  if (!text.ok) return text;
  const json = parseJson(text.value);
  if (!json.ok) return json;
  return validateRecord(json.value);
}

export function validateRecord(value: unknown): Result<RawRecord, DecodeError> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return err(new DecodeError('invalid-field', '', 'a record must be a JSON object'));
  }
  const parsed = RawRecordSchema.safeParse(value);
  if (!parsed.success) return err(fromZodError(parsed.error));
  if (parsed.data.text.includes('\u0000')) return err(new DecodeError('invalid-field', 'text', 'contains NUL'));
  return ok(parsed.data);
}

export interface DecodedLines {
  records: { position: number; record: RawRecord }[];
  rejected: { position: number; error: DecodeError }[];
}

/** Decodes JSON lines record by record: bad lines are reported by position, good ones kept. */
export function decodeRecordLines(
  input: Uint8Array,
  limits: RecordLimits = DEFAULT_RECORD_LIMITS,
  defaults: Partial<Pick<RawRecord, 'lineage'>> = {},
): DecodedLines {
  const out: DecodedLines = { records: [], rejected: [] };
  if (input.byteLength > limits.maxBatchBytes) {
    const error = new DecodeError('oversize', '', `batch is ${input.byteLength} bytes, the limit is ${limits.maxBatchBytes}`);
    out.rejected.push({ position: 0, error });
    return out;
  }
  let start = 0;
  let position = 0;
  while (start < input.byteLength) {
    let end = input.indexOf(0x0a, start);
    if (end === -1) end = input.byteLength;
    const line = trimCarriageReturn(input.subarray(start, end));
    start = end + 1;
    position += 1;
    if (line.byteLength === 0 || isBlank(line)) continue;
    const decoded = decodeWithDefaults(line, limits, defaults);
    if (decoded.ok) out.records.push({ position, record: decoded.value });
    else out.rejected.push({ position, error: decoded.error });
  }
  return out;
}

function decodeWithDefaults(
  line: Uint8Array,
  limits: RecordLimits,
  defaults: Partial<Pick<RawRecord, 'lineage'>>,
): Result<RawRecord, DecodeError> {
  if (!defaults.lineage) return decodeRecord(line, limits);
  if (line.byteLength > limits.maxRecordBytes) return decodeRecord(line, limits);
  const text = decodeUtf8(line);
  if (!text.ok) return text;
  const json = parseJson(text.value);
  if (!json.ok) return json;
  const value = json.value;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && !('lineage' in value)) {
    return validateRecord({ ...value, lineage: defaults.lineage });
  }
  return validateRecord(value);
}

const trimCarriageReturn = (line: Uint8Array): Uint8Array =>
  line.byteLength > 0 && line[line.byteLength - 1] === 0x0d ? line.subarray(0, line.byteLength - 1) : line;

const isBlank = (line: Uint8Array): boolean => line.every((b) => b === 0x20 || b === 0x09);
