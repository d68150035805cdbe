// Production ObjectStore on any S3-compatible server, through the minio client.
//
// Every object carries the sha256 of its content in x-amz-meta-sha256, and the hash is always
// known before the object becomes visible under its key ("hash before committing"):
//   - bodies in memory (bytes, strings, streams up to one part) are hashed first; a wrong
//     expectedSha256 fails before any request. Up to one part they go in a single PUT; longer ones
//     in a multipart upload straight to the key, the sha256 in its metadata from the start (S3
//     shows the object only once the upload is completed);
//   - longer streams are uploaded (multipart, hashed in passing) to a staging key under "~staging/"
//     ("~" cannot occur in a valid key), then copied server-side to the real key with the sha256
//     in its metadata, and the staging object is removed. A crash leaves at most a staging object,
//     swept at the next open once it is a day old. S3 caps a single copy at 5 GiB.
// Reads verify the content against the sha256 that came with the same GET response.
import { createHash, randomUUID } from 'node:crypto';
import { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { Client, CopyDestinationOptions, CopySourceOptions } from 'minio';
import { readAll, sha256Hex, verifyingStream } from '../hashing';
import { ChecksumMismatchError, ObjectBody, ObjectInfo, ObjectNotFoundError, ObjectStore, PutOptions, assertValidKey } from '../port';
import { splitBody } from './body-head';
import { DEFAULT_PART_SIZE, S3ObjectStoreOptions } from './s3-config';
import {
  DEFAULT_CONTENT_TYPE,
  assertValidMetadata,
  infoFromStat,
  isNotFound,
  multipartHeaders,
  putHeaders,
  sha256FromHeaders,
} from './s3-metadata';
import { hashingStream } from './hashing-stream';

export const STAGING_PREFIX = '~staging/';
const STAGING_MAX_AGE_MS = 24 * 60 * 60 * 1000;

export class UnverifiableObjectError extends Error {
  override readonly name = 'UnverifiableObjectError';
  constructor(readonly key: string) {
    super(`object "${key}" has no recorded sha256 (written by another tool?), so it cannot be verified`);
  }
}

export class S3ObjectStore implements ObjectStore {
  private constructor(
    readonly client: Client,
    readonly bucket: string,
    private readonly partSize: number,
    private readonly statConcurrency: number,
  ) {}

  /** Connects, creates the bucket if it does not exist, and sweeps stale staging objects. */
  static async open(options: S3ObjectStoreOptions): Promise<S3ObjectStore> {
    const partSize = options.partSizeBytes ?? DEFAULT_PART_SIZE;
    const client = new Client({
      endPoint: options.endPoint,
      port: options.port,
      useSSL: options.useSSL ?? false,
      accessKey: options.accessKey,
      secretKey: options.secretKey,
      region: options.region ?? 'us-east-1',
      pathStyle: options.pathStyle ?? true,
      partSize,
    });
    const store = new S3ObjectStore(client, options.bucket, partSize, options.statConcurrency ?? 8);
    await store.ensureBucket(options.region ?? 'us-east-1');
    await store.sweepStaging();
    return store;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    const metadata = options.metadata ?? {};
    assertValidMetadata(metadata);
    const contentType = options.contentType ?? DEFAULT_CONTENT_TYPE;
    const split = await splitBody(body, this.partSize);
    let sha256: string;
    let size: number;
    if (split.complete) {
      sha256 = sha256Hex(split.bytes);
      size = split.bytes.byteLength;
      if (options.expectedSha256 && options.expectedSha256 !== sha256) throw new ChecksumMismatchError(key, options.expectedSha256, sha256);
      if (size > this.partSize) await this.putMultipart(key, split.bytes, multipartHeaders(sha256, contentType, metadata));
      else await this.client.putObject(this.bucket, key, split.bytes, size, putHeaders(sha256, contentType, metadata));
    } else {
      ({ sha256, size } = await this.putStaged(key, split.stream, contentType, metadata, options.expectedSha256));
    }
    return { key, size, sha256, lastModified: new Date(), contentType, metadata: { ...metadata } };
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.getStream(key));
  }

  async getStream(key: string): Promise<Readable> {
    assertValidKey(key);
    let response: Readable;
    try {
      response = await this.client.getObject(this.bucket, key);
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
    const expected = sha256FromHeaders((response as IncomingMessage).headers ?? {});
    if (!expected) {
      response.destroy();
      throw new UnverifiableObjectError(key);
    }
    const verify = verifyingStream(key, expected);
    response.on('error', (error) => verify.destroy(error));
    return response.pipe(verify);
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    return this.statOrNull(key);
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const keys: string[] = [];
    for await (const item of this.client.listObjectsV2(this.bucket, prefix, true)) {
      const name = (item as { name?: string }).name;
      if (name && !name.startsWith(STAGING_PREFIX)) keys.push(name);
    }
    keys.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    // the listing has no user metadata (versitygw ignores MinIO's metadata=true), so HEAD each
    const infos: (ObjectInfo | null)[] = new Array(keys.length).fill(null);
    let next = 0;
    const worker = async () => {
      while (next < keys.length) {
        const i = next++;
        infos[i] = await this.statOrNull(keys[i]!);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.statConcurrency, keys.length) }, worker));
    return infos.filter((info): info is ObjectInfo => info !== null); // deleted since the listing
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    await this.client.removeObject(this.bucket, key); // S3 deletes are idempotent
  }

  async close(): Promise<void> {}

  private async statOrNull(key: string): Promise<ObjectInfo | null> {
    try {
      return infoFromStat(key, await this.client.statObject(this.bucket, key));
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }

  /**
   * A hashed body in memory, in parts of partSize. Not through minio's putObject: above one part it
   * resumes any unfinished upload to the same key, whose metadata (an older sha256) the object would
   * then get, and it sends a Buffer as one part of any size (measured with minio 8.0.7).
   */
  private async putMultipart(key: string, bytes: Buffer, headers: Record<string, string>): Promise<void> {
    const uploadId = await this.client.initiateNewMultipartUpload(this.bucket, key, headers);
    try {
      const parts: { part: number; etag: string }[] = [];
      for (let offset = 0; offset < bytes.byteLength; offset += this.partSize) {
        const chunk = bytes.subarray(offset, offset + this.partSize);
        const part = parts.length + 1;
        const contentMd5 = createHash('md5').update(chunk).digest('base64'); // checked by the server, also over TLS (unsigned payload)
        const { etag } = await this.client.uploadPart(
          { bucketName: this.bucket, objectName: key, uploadID: uploadId, partNumber: part, headers: { 'Content-MD5': contentMd5 } },
          chunk,
        );
        parts.push({ part, etag });
      }
      await this.client.completeMultipartUpload(this.bucket, key, uploadId, parts);
    } catch (error) {
      await this.client.abortMultipartUpload(this.bucket, key, uploadId).catch(() => undefined);
      throw error;
    }
  }

  private async putStaged(
    key: string,
    stream: Readable,
    contentType: string,
    metadata: Record<string, string>,
    expectedSha256: string | undefined,
  ): Promise<{ sha256: string; size: number }> {
    const staging = `${STAGING_PREFIX}${randomUUID()}`;
    const hashed = hashingStream(stream);
    try {
      // size unknown: minio uploads parts of partSize until the stream ends. minio does not listen
      // for the body's errors (the upload would wait forever), so a failing body fails the put here.
      const bodyFailed = new Promise<never>((_, reject) => hashed.stream.once('error', reject));
      await Promise.race([this.client.putObject(this.bucket, staging, hashed.stream, undefined, { 'Content-Type': contentType }), bodyFailed]);
      const { sha256, size } = hashed.result();
      if (expectedSha256 && expectedSha256 !== sha256) throw new ChecksumMismatchError(key, expectedSha256, sha256);
      await this.client.copyObject(
        new CopySourceOptions({ Bucket: this.bucket, Object: staging }),
        new CopyDestinationOptions({
          Bucket: this.bucket,
          Object: key,
          MetadataDirective: 'REPLACE',
          UserMetadata: { ...metadata, sha256 },
          Headers: { 'Content-Type': contentType },
        }),
      );
      return { sha256, size };
    } catch (error) {
      // a body that failed mid-way can leave the parts of an unfinished multipart upload behind
      await this.client.removeIncompleteUpload(this.bucket, staging).catch(() => undefined);
      throw error;
    } finally {
      await this.client.removeObject(this.bucket, staging).catch(() => undefined);
    }
  }

  private async ensureBucket(region: string): Promise<void> {
    if (await this.client.bucketExists(this.bucket)) return;
    try {
      await this.client.makeBucket(this.bucket, region);
    } catch (error) {
      // created by another process in between
      if (!(await this.client.bucketExists(this.bucket))) throw error;
    }
  }

  private async sweepStaging(): Promise<void> {
    const cutoff = Date.now() - STAGING_MAX_AGE_MS;
    for await (const item of this.client.listObjectsV2(this.bucket, STAGING_PREFIX, true)) {
      const { name, lastModified } = item as { name?: string; lastModified?: Date };
      if (name && lastModified && lastModified.getTime() < cutoff) await this.client.removeObject(this.bucket, name);
    }
  }
}
