// Wire formats of an event: Kafka binary mode (ce_* headers, JSON value, lineage key) and JSON lines.
import { DecodeError } from './errors';
import { AnyEvent } from './events';
import { validateEvent } from './envelope';
import { Result, err } from './result';
import { decodeUtf8, parseJson } from './text';

/** Events larger than this are refused; checkpoints travel by object key, never inline. */
export const MAX_EVENT_BYTES = 1024 * 1024;

const ATTRIBUTE_NAMES = ['id', 'source', 'specversion', 'type', 'subject', 'time', 'correlationid', 'causationid'] as const;

export interface KafkaMessageOut {
  key: string;
  value: string;
  headers: Record<string, string>;
}

export interface KafkaMessageIn {
  key?: Buffer | string | null;
  value: Buffer | string | null;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined>;
}

export function toKafkaMessage(event: AnyEvent): KafkaMessageOut {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  for (const name of ATTRIBUTE_NAMES) {
    const value = event[name];
    if (value !== null && value !== undefined) headers[`ce_${name}`] = String(value);
  }
  return { key: event.subject, value: JSON.stringify(event.data), headers };
}

const asBytes = (v: Buffer | string): Uint8Array => (typeof v === 'string' ? Buffer.from(v, 'utf8') : v);

export function fromKafkaMessage(message: KafkaMessageIn): Result<AnyEvent, DecodeError> {
  if (message.value === null || message.value === undefined) {
    return err(new DecodeError('missing-field', 'value', 'message has no value'));
  }
  const bytes = asBytes(message.value);
  if (bytes.byteLength > MAX_EVENT_BYTES) {
    return err(new DecodeError('oversize', 'value', `${bytes.byteLength} bytes exceeds ${MAX_EVENT_BYTES}`));
  }
  const attributes: Record<string, string> = {};
  for (const name of ATTRIBUTE_NAMES) {
    const raw = message.headers?.[`ce_${name}`];
    if (raw === undefined) continue;
    const first = Array.isArray(raw) ? raw[0] : raw;
    if (first === undefined) continue;
    const text = decodeUtf8(asBytes(first), `ce_${name}`);
    if (!text.ok) return text;
    attributes[name] = text.value;
  }
  const text = decodeUtf8(bytes, 'value');
  if (!text.ok) return text;
  const data = parseJson(text.value, 'value');
  if (!data.ok) return data;
  const event = validateEvent(attributes, data.value);
  if (!event.ok) return err(renameHeaderField(event.error));
  if (message.key !== undefined && message.key !== null) {
    const key = decodeUtf8(asBytes(message.key), 'key');
    if (!key.ok) return key;
    if (key.value !== event.value.subject) {
      return err(new DecodeError('invalid-field', 'key', `key "${key.value}" differs from ce_subject`));
    }
  }
  return event;
}

/** In binary mode attributes travel as headers: name the header, not the attribute. */
function renameHeaderField(error: DecodeError): DecodeError {
  const top = error.field.split('.')[0] ?? '';
  if ((ATTRIBUTE_NAMES as readonly string[]).includes(top)) return new DecodeError(error.code, `ce_${error.field}`, error.reason);
  return error;
}

/** Structured mode: one JSON object per line with the attributes and `data`. */
export function toJsonLine(event: AnyEvent): string {
  const { name: _name, ...structured } = event;
  return JSON.stringify(structured);
}

export function fromJsonLine(line: string | Uint8Array): Result<AnyEvent, DecodeError> {
  const bytes = typeof line === 'string' ? Buffer.from(line, 'utf8') : line;
  if (bytes.byteLength > MAX_EVENT_BYTES) {
    return err(new DecodeError('oversize', '', `${bytes.byteLength} bytes exceeds ${MAX_EVENT_BYTES}`));
  }
  const text = decodeUtf8(bytes);
  if (!text.ok) return text;
  const parsed = parseJson(text.value);
  if (!parsed.ok) return parsed;
  if (typeof parsed.value !== 'object' || parsed.value === null || Array.isArray(parsed.value)) {
    return err(new DecodeError('invalid-field', '', 'an event must be a JSON object'));
  }
  const { data, ...attributes } = parsed.value as Record<string, unknown>;
  if (data === undefined) return err(new DecodeError('missing-field', 'data', 'is required'));
  return validateEvent(attributes, data);
}
