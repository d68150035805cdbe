import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ByteTokenizer, CheckpointError, GPT, captureState, configFromName, initBackend, loadCheckpoint, saveCheckpoint } from '@ratchet/gpt';
import { LocalObjectStore, sha256Hex } from '@ratchet/objectstore';
import { checkpointPrefix, deleteCheckpoint, encodeSplit, getCheckpoint, getSplitBytes, hasCheckpoint, putCheckpoint } from '.';

describe('artifacts in the object store', () => {
  let root: string;
  let store: LocalObjectStore;
  beforeAll(() => initBackend('cpu'));
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ratchet-artifacts-'));
    store = await LocalObjectStore.open(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores a checkpoint under a prefix and loads back the same weights, pinned by the manifest sha256', async () => {
    const model = new GPT(configFromName('tiny'), { seed: 3 });
    const files = saveCheckpoint(captureState({ model, tokenizer: new ByteTokenizer().spec() }));
    const prefix = checkpointPrefix('lin', 'ck1');
    const stored = await putCheckpoint(store, prefix, files);
    expect(stored.manifestSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(await hasCheckpoint(store, prefix)).toBe(true);

    const back = loadCheckpoint(await getCheckpoint(store, prefix, stored.manifestSha256));
    const original = model.exportWeights();
    for (const [name, tensor] of back.weights) expect(Array.from(tensor.data)).toEqual(Array.from(original.get(name)!.data));
    model.dispose();

    await expect(getCheckpoint(store, prefix, 'f'.repeat(64))).rejects.toBeInstanceOf(CheckpointError);
    await deleteCheckpoint(store, prefix);
    expect(await hasCheckpoint(store, prefix)).toBe(false);
  });

  it('reads a batch split as bytes and refuses one whose content changed', async () => {
    const bytes = encodeSplit([{ text: 'one', lineage: 'lin' }, { text: 'twó', lineage: 'lin' }]);
    await store.put('batches/lin/b/train.jsonl', bytes);
    expect(Buffer.from(await getSplitBytes(store, 'batches/lin/b/train.jsonl', sha256Hex(bytes))).toString()).toBe('one\n\ntwó');
    await expect(getSplitBytes(store, 'batches/lin/b/train.jsonl', sha256Hex('other'))).rejects.toThrow(/sha256 differs/);
  });
});
