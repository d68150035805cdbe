import { DecodeError } from './errors';
import { Result, err, ok } from './result';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** Decodes bytes as UTF-8, refusing invalid sequences instead of replacing them with U+FFFD. */
export function decodeUtf8(bytes: Uint8Array, field = ''): Result<string, DecodeError> {
  try {
    return ok(strictUtf8.decode(bytes));
  } catch {
    return err(new DecodeError('invalid-utf8', field, 'is not valid UTF-8'));
  }
}

/** Parses JSON text, turning a syntax error into a typed DecodeError. */
export function parseJson(text: string, field = ''): Result<unknown, DecodeError> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch (e) {
    return err(new DecodeError('malformed-json', field, `malformed JSON (${(e as Error).message})`));
  }
}

export const utf8Length = (text: string): number => Buffer.byteLength(text, 'utf8');
