/** Why a piece of input was refused. `field` is a dotted path ('' for the whole input). */
export type DecodeErrorCode =
  | 'malformed-json'
  | 'invalid-field'
  | 'missing-field'
  | 'unknown-type'
  | 'unsupported-version'
  | 'oversize'
  | 'invalid-utf8';

export class DecodeError extends Error {
  override readonly name = 'DecodeError';

  constructor(
    readonly code: DecodeErrorCode,
    readonly field: string,
    readonly reason: string,
  ) {
    super(field ? `${field}: ${reason}` : reason);
  }

  toJSON(): { code: DecodeErrorCode; field: string; reason: string } {
    return { code: this.code, field: this.field, reason: this.reason };
  }
}
