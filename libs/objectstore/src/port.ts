// The ObjectStore port: batches and checkpoints live here (DESIGN.md "Runtimes").
import { Readable } from 'node:stream';

export interface ObjectInfo {
  key: string;
  size: number;
  /** Lowercase hex sha256 of the content, computed on write and verified on read. */
  sha256: string;
  lastModified: Date;
  contentType: string;
  metadata: Record<string, string>;
}

export interface PutOptions {
  contentType?: string;
  metadata?: Record<string, string>;
  /** When given, the write fails (and leaves nothing) unless the content has this sha256. */
  expectedSha256?: string;
}

export type ObjectBody = Uint8Array | string | Readable | AsyncIterable<Uint8Array>;

export interface ObjectStore {
  put(key: string, body: ObjectBody, options?: PutOptions): Promise<ObjectInfo>;
  /** The whole object; its sha256 is verified before it is returned. */
  get(key: string): Promise<Buffer>;
  /** A stream of the object that fails with ChecksumMismatchError at its end if the content is corrupt. */
  getStream(key: string): Promise<Readable>;
  stat(key: string): Promise<ObjectInfo | null>;
  /** Objects whose key starts with `prefix`, sorted by key. */
  list(prefix: string): Promise<ObjectInfo[]>;
  /** Deletes the object; deleting a missing key is not an error. */
  delete(key: string): Promise<void>;
  close(): Promise<void>;
}

export class ObjectNotFoundError extends Error {
  override readonly name = 'ObjectNotFoundError';
  constructor(readonly key: string) {
    super(`object "${key}" does not exist`);
  }
}

export class ChecksumMismatchError extends Error {
  override readonly name = 'ChecksumMismatchError';
  constructor(
    readonly key: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`object "${key}" is corrupt: sha256 ${actual} differs from the recorded ${expected}`);
  }
}

export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
  constructor(
    readonly key: string,
    reason: string,
  ) {
    super(`invalid object key "${key}": ${reason}`);
  }
}

/** Keys are relative slash-separated paths without empty, `.` or `..` segments. */
export function assertValidKey(key: string): void {
  if (key.length === 0 || key.length > 1024) throw new InvalidKeyError(key, 'length must be 1..1024');
  if (key.startsWith('/')) throw new InvalidKeyError(key, 'must not start with /');
  if (!/^[A-Za-z0-9._\-/=+@]+$/.test(key)) throw new InvalidKeyError(key, 'allowed characters are A-Z a-z 0-9 . _ - / = + @');
  if (key.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new InvalidKeyError(key, 'empty, "." and ".." segments are not allowed');
  }
}
