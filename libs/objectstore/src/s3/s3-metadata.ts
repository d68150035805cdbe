// How an object's checksum, content type and user metadata travel as S3 headers.
import { IncomingHttpHeaders } from 'node:http';
import { ObjectInfo } from '../port';

/** User-metadata key holding the content's sha256 (sent as x-amz-meta-sha256). */
export const SHA256_META_KEY = 'sha256';
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';

/** Keys in minio's stat metadata that are headers, not user metadata. */
const NOT_USER_METADATA = new Set([
  'content-type',
  'cache-control',
  'content-encoding',
  'content-disposition',
  'content-language',
  'expires',
]);

export class InvalidMetadataError extends Error {
  override readonly name = 'InvalidMetadataError';
}

/**
 * S3 returns metadata keys lower-cased and carries values in HTTP headers, so only keys that come
 * back unchanged and printable ASCII values are accepted: a write fails here rather than a read
 * elsewhere returning something else.
 */
export function assertValidMetadata(metadata: Record<string, string>): void {
  for (const [key, value] of Object.entries(metadata)) {
    if (!/^[a-z0-9][a-z0-9_-]*$/.test(key)) {
      throw new InvalidMetadataError(`metadata key "${key}": use lower-case letters, digits, "-" and "_" (S3 lower-cases keys)`);
    }
    if (key === SHA256_META_KEY) throw new InvalidMetadataError(`metadata key "${key}" is reserved for the checksum`);
    if (!/^[\x20-\x7e]*$/.test(value)) throw new InvalidMetadataError(`metadata "${key}": values must be printable ASCII`);
  }
}

/** minio's putObject metadata: unknown keys get the x-amz-meta- prefix. */
export function putHeaders(sha256: string, contentType: string, metadata: Record<string, string>): Record<string, string> {
  return { ...metadata, [SHA256_META_KEY]: sha256, 'Content-Type': contentType };
}

/** The same as raw request headers (minio adds no prefix on its low-level multipart calls). */
export function multipartHeaders(sha256: string, contentType: string, metadata: Record<string, string>): Record<string, string> {
  const headers: Record<string, string> = { 'Content-Type': contentType };
  for (const [key, value] of Object.entries({ ...metadata, [SHA256_META_KEY]: sha256 })) headers[`x-amz-meta-${key}`] = value;
  return headers;
}

/** From minio's statObject metaData (x-amz-meta- stripped, headers mixed in). */
export function infoFromStat(key: string, stat: { size: number; lastModified: Date; metaData: Record<string, unknown> }): ObjectInfo {
  const metadata: Record<string, string> = {};
  for (const [k, v] of Object.entries(stat.metaData)) {
    const name = k.toLowerCase();
    if (name === SHA256_META_KEY || NOT_USER_METADATA.has(name) || name.startsWith('x-amz-')) continue;
    metadata[name] = String(v);
  }
  return {
    key,
    size: stat.size,
    sha256: String(stat.metaData[SHA256_META_KEY] ?? ''),
    lastModified: stat.lastModified,
    contentType: String(stat.metaData['content-type'] ?? DEFAULT_CONTENT_TYPE),
    metadata,
  };
}

/** The recorded sha256 from a GET response's headers (same response as the body: no race with a writer). */
export function sha256FromHeaders(headers: IncomingHttpHeaders): string | null {
  const value = headers[`x-amz-meta-${SHA256_META_KEY}`];
  const first = Array.isArray(value) ? value[0] : value;
  return first && /^[0-9a-f]{64}$/.test(first) ? first : null;
}

export const isNotFound = (error: unknown): boolean => {
  const code = (error as { code?: string }).code;
  return code === 'NotFound' || code === 'NoSuchKey';
};
