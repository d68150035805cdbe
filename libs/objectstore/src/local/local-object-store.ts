// Embedded ObjectStore: a local folder. Content goes to a unique blob file first; the object
// becomes visible only when its metadata file is renamed into place, so a writer killed mid-write
// leaves no torn object behind (at most an orphan temp file or blob, swept at the next open).
// Temp files and blobs carry their writer's pid, so opening the folder from another process (the
// embedded services share one) sweeps only what dead writers left and never a write in progress.
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readAll, toReadable, verifyingStream } from '../hashing';
import {
  ChecksumMismatchError,
  ObjectBody,
  ObjectInfo,
  ObjectNotFoundError,
  ObjectStore,
  PutOptions,
  assertValidKey,
} from '../port';

interface StoredMeta {
  key: string;
  blob: string;
  size: number;
  sha256: string;
  lastModified: string;
  contentType: string;
  metadata: Record<string, string>;
}

export class LocalObjectStore implements ObjectStore {
  private constructor(private readonly root: string) {}

  static async open(root: string): Promise<LocalObjectStore> {
    for (const d of ['blobs', 'meta', 'tmp']) await fs.mkdir(join(root, d), { recursive: true });
    const store = new LocalObjectStore(root);
    await store.sweepTemp();
    return store;
  }

  async put(key: string, body: ObjectBody, options: PutOptions = {}): Promise<ObjectInfo> {
    assertValidKey(key);
    const blob = writerFileName();
    const tmp = join(this.root, 'tmp', blob);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const out = createWriteStream(tmp, { flags: 'wx' });
      await pipeline(
        toReadable(body),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
            hash.update(bytes);
            size += bytes.byteLength;
            yield bytes;
          }
        },
        out,
      );
      await fsyncFile(tmp);
      const sha256 = hash.digest('hex');
      if (options.expectedSha256 && options.expectedSha256 !== sha256) {
        throw new ChecksumMismatchError(key, options.expectedSha256, sha256);
      }
      await fs.rename(tmp, join(this.root, 'blobs', blob));
      const previous = await this.readMeta(key);
      const meta: StoredMeta = {
        key,
        blob,
        size,
        sha256,
        lastModified: new Date().toISOString(),
        contentType: options.contentType ?? 'application/octet-stream',
        metadata: options.metadata ?? {},
      };
      await this.writeMeta(meta);
      if (previous) await fs.rm(join(this.root, 'blobs', previous.blob), { force: true });
      return toInfo(meta);
    } finally {
      await fs.rm(tmp, { force: true });
    }
  }

  async get(key: string): Promise<Buffer> {
    return readAll(await this.getStream(key));
  }

  async getStream(key: string): Promise<Readable> {
    assertValidKey(key);
    const meta = await this.readMeta(key);
    if (!meta) throw new ObjectNotFoundError(key);
    const source = createReadStream(join(this.root, 'blobs', meta.blob));
    const verify = verifyingStream(key, meta.sha256);
    source.on('error', (error) => verify.destroy(error));
    return source.pipe(verify);
  }

  async stat(key: string): Promise<ObjectInfo | null> {
    assertValidKey(key);
    const meta = await this.readMeta(key);
    return meta ? toInfo(meta) : null;
  }

  async list(prefix: string): Promise<ObjectInfo[]> {
    const metaRoot = join(this.root, 'meta');
    const out: ObjectInfo[] = [];
    for (const file of await walk(metaRoot)) {
      if (!file.endsWith('.json')) continue;
      const key = relative(metaRoot, file).split(sep).join('/').slice(0, -'.json'.length);
      if (!key.startsWith(prefix)) continue;
      const meta = await this.readMeta(key);
      if (meta) out.push(toInfo(meta));
    }
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const meta = await this.readMeta(key);
    if (!meta) return;
    await fs.rm(this.metaPath(key), { force: true });
    await fs.rm(join(this.root, 'blobs', meta.blob), { force: true });
  }

  async close(): Promise<void> {}

  private metaPath(key: string): string {
    return join(this.root, 'meta', `${key}.json`);
  }

  private async readMeta(key: string): Promise<StoredMeta | null> {
    try {
      return JSON.parse(await fs.readFile(this.metaPath(key), 'utf8')) as StoredMeta;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return null;
      throw error;
    }
  }

  private async writeMeta(meta: StoredMeta): Promise<void> {
    const target = this.metaPath(meta.key);
    await fs.mkdir(dirname(target), { recursive: true });
    const tmp = join(this.root, 'tmp', `${writerFileName()}.json`);
    await fs.writeFile(tmp, JSON.stringify(meta));
    await fsyncFile(tmp);
    await fs.rename(tmp, target);
  }

  /** Removes temp files of writers that died, and the blobs they left that no metadata points at. */
  private async sweepTemp(): Promise<void> {
    const tmpDir = join(this.root, 'tmp');
    for (const name of await fs.readdir(tmpDir)) {
      if (!writerIsAlive(name)) await fs.rm(join(tmpDir, name), { force: true });
    }
    const live = new Set<string>();
    for (const info of await this.list('')) {
      const meta = await this.readMeta(info.key);
      if (meta) live.add(meta.blob);
    }
    for (const blob of await fs.readdir(join(this.root, 'blobs'))) {
      if (!live.has(blob) && !writerIsAlive(blob)) await fs.rm(join(this.root, 'blobs', blob), { force: true });
    }
  }
}

/** `<pid>.<uuid>`: unique, and tells a later sweep whether its writer may still be running. */
const writerFileName = (): string => `${process.pid}.${randomUUID()}`;

function writerIsAlive(fileName: string): boolean {
  const pid = Number(/^(\d+)\./.exec(fileName)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false; // written before pids were recorded: no writer left
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'; // alive, owned by someone else
  }
}

const toInfo = (meta: StoredMeta): ObjectInfo => ({
  key: meta.key,
  size: meta.size,
  sha256: meta.sha256,
  lastModified: new Date(meta.lastModified),
  contentType: meta.contentType,
  metadata: meta.metadata,
});

async function fsyncFile(path: string): Promise<void> {
  const handle = await fs.open(path, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function walk(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}
