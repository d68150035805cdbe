import { fork } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeObjectStoreContract } from '../testing';
import { LocalObjectStore } from './local-object-store';

describeObjectStoreContract('local folder', () => {
  let root = '';
  return {
    open: async () => {
      root = await mkdtemp(join(tmpdir(), 'ratchet-store-'));
      return LocalObjectStore.open(root);
    },
    corrupt: async (key) => {
      const meta = JSON.parse(await readFile(join(root, 'meta', `${key}.json`), 'utf8')) as { blob: string };
      const blob = join(root, 'blobs', meta.blob);
      const bytes = await readFile(blob);
      bytes[100] = bytes[100]! ^ 0xff;
      await writeFile(blob, bytes);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('LocalObjectStore when a writer is killed mid-write', () => {
  let root: string;
  beforeEach(async () => (root = await mkdtemp(join(tmpdir(), 'ratchet-store-'))));
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('leaves no torn object: the earlier version stays whole and the temp file is swept', async () => {
    const store = await LocalObjectStore.open(root);
    await store.put('ck/1/weights.bin', 'the complete earlier version');

    const child = fork(join(__dirname, '__fixtures__/kill-writer.ts'), [root, 'ck/1/weights.bin'], {
      execArgv: ['-r', join(__dirname, '../../../../tools/swc-register.js')],
      stdio: 'ignore',
    });
    await new Promise<void>((resolve, reject) => {
      child.once('message', () => resolve());
      child.once('exit', (code) => reject(new Error(`writer exited early with ${code}`)));
    });
    expect((await readdir(join(root, 'tmp'))).length).toBe(1); // the write is in progress
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;

    const reopened = await LocalObjectStore.open(root);
    expect((await reopened.get('ck/1/weights.bin')).toString()).toBe('the complete earlier version');
    expect((await reopened.list('')).map((i) => i.key)).toEqual(['ck/1/weights.bin']);
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
    expect(await readdir(join(root, 'blobs'))).toHaveLength(1);
  }, 30_000);

  it('opening the folder while another writer is still writing leaves that write alone', async () => {
    const store = await LocalObjectStore.open(root);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const writing = new Promise<void>((resolve) => (started = resolve));
    async function* slowly(): AsyncGenerator<Buffer> {
      yield Buffer.from('first half, ');
      started();
      await gate;
      yield Buffer.from('second half');
    }
    const put = store.put('batch/train.jsonl', slowly());
    await writing;

    await LocalObjectStore.open(root); // what a second embedded service does at start-up
    release();
    await put;
    expect((await store.get('batch/train.jsonl')).toString()).toBe('first half, second half');
    expect(await readdir(join(root, 'tmp'))).toEqual([]);
  });
});
