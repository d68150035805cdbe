import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { Client } from 'minio';
import { readAll, sha256Hex } from '../hashing';
import { describeObjectStoreContract, patternBytes } from '../testing';
import { ObjectStore } from '../port';
import { s3OptionsFromEnv } from './s3-config';
import { STAGING_PREFIX, S3ObjectStore } from './s3-object-store';
import { InvalidMetadataError } from './s3-metadata';

/** A fresh bucket per test; settings from RATCHET_S3_* (throws a clear error when they are missing). */
function freshBucketSettings() {
  return { ...s3OptionsFromEnv(), bucket: `ratchet-test-${Date.now().toString(36)}-${randomUUID().slice(0, 8)}` };
}

async function removeBucket(client: Client, bucket: string): Promise<void> {
  if (!(await client.bucketExists(bucket))) return;
  const names: string[] = [];
  for await (const item of client.listObjectsV2(bucket, '', true)) names.push((item as { name: string }).name);
  for (const name of names) await client.removeObject(bucket, name);
  await client.removeBucket(bucket);
}

describeObjectStoreContract('s3', () => {
  const settings = freshBucketSettings();
  let store: S3ObjectStore | null = null;
  return {
    open: async () => (store = await S3ObjectStore.open(settings)),
    corrupt: async (key) => {
      const { client, bucket } = store!;
      const stat = await client.statObject(bucket, key);
      const original = await readAll(await client.getObject(bucket, key));
      original[0] = original[0]! ^ 0xff;
      // new bytes under the old recorded checksum, as bit rot or a rogue writer would leave them
      await client.putObject(bucket, key, original, original.byteLength, {
        'Content-Type': String(stat.metaData['content-type']),
        'x-amz-meta-sha256': String(stat.metaData.sha256),
      });
    },
    cleanup: async () => {
      if (store) await removeBucket(store.client, store.bucket);
    },
  };
});

describe('S3ObjectStore specifics', () => {
  let store: S3ObjectStore;

  beforeEach(async () => {
    store = await S3ObjectStore.open(freshBucketSettings());
  }, 60_000);

  afterEach(async () => {
    await store.close();
    await removeBucket(store.client, store.bucket);
  }, 60_000);

  const stagingObjects = async (s: S3ObjectStore) => {
    const names: string[] = [];
    for await (const item of s.client.listObjectsV2(s.bucket, STAGING_PREFIX, true)) names.push((item as { name: string }).name);
    return names;
  };

  it('refuses a large stream with the wrong expected sha256, leaving neither the object nor a staging copy', async () => {
    const big = patternBytes(9 * 1024 * 1024, 5);
    await expect(store.put('ck/wrong', Readable.from([big.subarray(0, 5_000_000), big.subarray(5_000_000)]), { expectedSha256: '0'.repeat(64) })).rejects.toMatchObject({
      name: 'ChecksumMismatchError',
    });
    expect(await store.stat('ck/wrong')).toBeNull();
    expect(await stagingObjects(store)).toEqual([]);
  }, 60_000);

  it('fails a put whose stream breaks mid-way and leaves nothing behind', async () => {
    async function* breaking() {
      yield patternBytes(9 * 1024 * 1024, 3);
      throw new Error('source went away');
    }
    await expect(store.put('ck/broken', breaking())).rejects.toThrow(/source went away/);
    expect(await store.stat('ck/broken')).toBeNull();
    expect(await stagingObjects(store)).toEqual([]);
    const unfinished: unknown[] = [];
    for await (const upload of store.client.listIncompleteUploads(store.bucket, STAGING_PREFIX, true)) unfinished.push(upload);
    expect(unfinished).toEqual([]);
  }, 60_000);

  it('keeps content type and metadata of a staged (multipart) upload, and lists it', async () => {
    const big = patternBytes(8 * 1024 * 1024 + 1, 9);
    await store.put('ck/meta', Readable.from([big]), { contentType: 'application/x-test', metadata: { steps: '12' } });
    const [info] = await store.list('ck/');
    expect(info).toMatchObject({ key: 'ck/meta', size: big.byteLength, contentType: 'application/x-test', metadata: { steps: '12' } });
    expect(await stagingObjects(store)).toEqual([]);
  }, 60_000);

  it('uploads a Buffer longer than one part in parts, straight to its key, and reads it back verified', async () => {
    const partSize = 5 * 1024 * 1024; // the S3 minimum
    const parted = await S3ObjectStore.open({ ...s3OptionsFromEnv(), bucket: store.bucket, partSizeBytes: partSize });
    const big = patternBytes(2 * partSize + 123, 7);
    const sha256 = sha256Hex(big);
    const expected = { key: 'ck/big', size: big.byteLength, sha256, contentType: 'application/x-test', metadata: { steps: '3' } };
    expect(await parted.put('ck/big', big, { expectedSha256: sha256, contentType: 'application/x-test', metadata: { steps: '3' } })).toMatchObject(expected);
    // a multipart object's ETag ends in -<number of parts>
    expect((await parted.client.statObject(parted.bucket, 'ck/big')).etag).toMatch(/-3$/);
    expect(await parted.stat('ck/big')).toMatchObject(expected);
    const back = await parted.get('ck/big');
    expect(back.equals(big)).toBe(true);
    expect(sha256Hex(back)).toBe(sha256);
    expect(await stagingObjects(parted)).toEqual([]);

    // a Uint8Array (what the checkpoint store passes) too; one of exactly one part stays a single PUT
    const view = new Uint8Array(patternBytes(partSize + 1, 8));
    await parted.put('ck/view', view);
    expect((await parted.client.statObject(parted.bucket, 'ck/view')).etag).toMatch(/-2$/);
    expect((await parted.get('ck/view')).equals(view)).toBe(true);
    await parted.put('ck/one', patternBytes(partSize, 9));
    expect((await parted.client.statObject(parted.bucket, 'ck/one')).etag).not.toContain('-');
  }, 60_000);

  it('does not resume an unfinished upload to the same key (it would carry that upload\'s sha256)', async () => {
    const parted = await S3ObjectStore.open({ ...s3OptionsFromEnv(), bucket: store.bucket, partSizeBytes: 5 * 1024 * 1024 });
    const stale = await parted.client.initiateNewMultipartUpload(parted.bucket, 'ck/again', { 'x-amz-meta-sha256': '0'.repeat(64) });
    try {
      const big = patternBytes(6 * 1024 * 1024, 6);
      await parted.put('ck/again', big);
      expect((await parted.get('ck/again')).equals(big)).toBe(true);
    } finally {
      await parted.client.abortMultipartUpload(parted.bucket, 'ck/again', stale).catch(() => undefined); // gone if it was resumed
    }
  }, 60_000);

  it('refuses a Buffer longer than one part with the wrong expected sha256 before any upload', async () => {
    const parted = await S3ObjectStore.open({ ...s3OptionsFromEnv(), bucket: store.bucket, partSizeBytes: 5 * 1024 * 1024 });
    await expect(parted.put('ck/wrong', patternBytes(6 * 1024 * 1024, 4), { expectedSha256: '0'.repeat(64) })).rejects.toMatchObject({
      name: 'ChecksumMismatchError',
    });
    expect(await parted.stat('ck/wrong')).toBeNull();
    const unfinished: unknown[] = [];
    for await (const upload of parted.client.listIncompleteUploads(parted.bucket, '', true)) unfinished.push(upload);
    expect(unfinished).toEqual([]);
  }, 60_000);

  it('refuses metadata that S3 would not return unchanged', async () => {
    await expect(store.put('m/1', 'x', { metadata: { batchId: 'b' } })).rejects.toBeInstanceOf(InvalidMetadataError);
    await expect(store.put('m/1', 'x', { metadata: { note: 'héllo' } })).rejects.toBeInstanceOf(InvalidMetadataError);
    expect(await store.stat('m/1')).toBeNull();
  }, 60_000);

  it('creates its bucket at open and reopens on an existing one', async () => {
    expect(await store.client.bucketExists(store.bucket)).toBe(true);
    const again: ObjectStore = await S3ObjectStore.open({ ...s3OptionsFromEnv(), bucket: store.bucket });
    await store.put('x/1', 'one');
    expect((await again.get('x/1')).toString()).toBe('one');
  }, 60_000);
});
