// The ObjectStore contract: every adapter (local folder, S3) must pass this suite.
import { Readable } from 'node:stream';
import { readAll, sha256Hex } from '../hashing';
import { ChecksumMismatchError, InvalidKeyError, ObjectNotFoundError, ObjectStore } from '../port';

export interface ObjectStoreHarness {
  open(): Promise<ObjectStore>;
  /** Changes the stored bytes of `key` behind the adapter's back, keeping its recorded checksum. */
  corrupt(key: string): Promise<void>;
  cleanup(): Promise<void>;
}

/** Deterministic pseudo-random bytes, so large objects are not trivially compressible. */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

function* chunks(bytes: Buffer, size: number): Generator<Buffer> {
  for (let i = 0; i < bytes.byteLength; i += size) yield bytes.subarray(i, i + size);
}

export function describeObjectStoreContract(adapter: string, makeHarness: () => ObjectStoreHarness, timeoutMs = 60_000): void {
  describe(`ObjectStore contract: ${adapter}`, () => {
    let harness: ObjectStoreHarness;
    let store: ObjectStore;

    beforeEach(async () => {
      harness = makeHarness();
      store = await harness.open();
    });

    afterEach(async () => {
      await store.close();
      await harness.cleanup();
    });

    it('puts and gets bytes and text, with size, sha256, content type and metadata', async () => {
      const bytes = patternBytes(1000);
      const info = await store.put('batches/b1/train.jsonl', bytes, { contentType: 'application/x-ndjson', metadata: { records: '7' } });
      expect(info).toMatchObject({ key: 'batches/b1/train.jsonl', size: 1000, sha256: sha256Hex(bytes) });
      expect(Buffer.compare(await store.get('batches/b1/train.jsonl'), bytes)).toBe(0);
      await store.put('notes/hello.txt', 'héllo');
      expect((await store.get('notes/hello.txt')).toString('utf8')).toBe('héllo');
      const stat = await store.stat('batches/b1/train.jsonl');
      expect(stat).toMatchObject({ size: 1000, sha256: sha256Hex(bytes), contentType: 'application/x-ndjson', metadata: { records: '7' } });
      expect(stat!.lastModified.getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
    }, timeoutMs);

    it('answers a missing key with null from stat and ObjectNotFoundError from get', async () => {
      expect(await store.stat('nope/missing')).toBeNull();
      await expect(store.get('nope/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
      await expect(store.getStream('nope/missing')).rejects.toBeInstanceOf(ObjectNotFoundError);
    }, timeoutMs);

    it('overwrites an object', async () => {
      await store.put('k/v', 'one');
      await store.put('k/v', 'two-two');
      expect((await store.get('k/v')).toString()).toBe('two-two');
      expect((await store.stat('k/v'))!.size).toBe(7);
    }, timeoutMs);

    it('lists by prefix, sorted by key', async () => {
      for (const key of ['ck/b/2', 'ck/a/1', 'ck/a/0', 'batches/x', 'ckpt']) await store.put(key, key);
      expect((await store.list('ck/')).map((i) => i.key)).toEqual(['ck/a/0', 'ck/a/1', 'ck/b/2']);
      expect((await store.list('ck/a/')).map((i) => i.key)).toEqual(['ck/a/0', 'ck/a/1']);
      expect((await store.list('ck')).map((i) => i.key)).toEqual(['ck/a/0', 'ck/a/1', 'ck/b/2', 'ckpt']);
      expect(await store.list('zzz/')).toEqual([]);
      const [first] = await store.list('ck/a/0');
      expect(first).toMatchObject({ key: 'ck/a/0', size: 6, sha256: sha256Hex('ck/a/0') });
    }, timeoutMs);

    it('deletes, and deleting a missing key is no error', async () => {
      await store.put('d/1', 'x');
      await store.delete('d/1');
      expect(await store.stat('d/1')).toBeNull();
      expect(await store.list('d/')).toEqual([]);
      await expect(store.delete('d/1')).resolves.toBeUndefined();
    }, timeoutMs);

    it('streams a large object in and out', async () => {
      const big = patternBytes(12 * 1024 * 1024 + 123, 7);
      const info = await store.put('ck/big/weights.safetensors', Readable.from(chunks(big, 1 << 20)));
      expect(info.size).toBe(big.byteLength);
      expect(info.sha256).toBe(sha256Hex(big));
      const back = await readAll(await store.getStream('ck/big/weights.safetensors'));
      expect(back.byteLength).toBe(big.byteLength);
      expect(sha256Hex(back)).toBe(sha256Hex(big));
    }, timeoutMs);

    it('refuses a write whose content does not have the expected sha256 and stores nothing', async () => {
      await expect(store.put('v/1', 'abc', { expectedSha256: sha256Hex('abd') })).rejects.toBeInstanceOf(ChecksumMismatchError);
      expect(await store.stat('v/1')).toBeNull();
      await expect(store.put('v/2', 'abc', { expectedSha256: sha256Hex('abc') })).resolves.toMatchObject({ size: 3 });
    }, timeoutMs);

    it('refuses invalid keys', async () => {
      for (const key of ['', '/abs', 'a/../b', 'a//b', 'sp ace', 'a/./b']) {
        await expect(store.put(key, 'x')).rejects.toBeInstanceOf(InvalidKeyError);
      }
    }, timeoutMs);

    it('detects corrupted content on read, whole or streamed', async () => {
      await store.put('c/obj', patternBytes(4096, 3));
      await harness.corrupt('c/obj');
      await expect(store.get('c/obj')).rejects.toBeInstanceOf(ChecksumMismatchError);
      // A stream cannot know before its last byte: it fails at the end instead of ending cleanly.
      await expect(store.getStream('c/obj').then(readAll)).rejects.toBeInstanceOf(ChecksumMismatchError);
    }, timeoutMs);
  });
}
