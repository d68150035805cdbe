// Checkpoints on a real local directory: atomic writes, verification, corruption and truncation.
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BatchSampler,
  ByteTokenizer,
  captureState,
  CheckpointError,
  checkpointFromFileMap,
  checkpointToFileMap,
  configFromName,
  decodeSafetensors,
  GPT,
  initBackend,
  loadCheckpoint,
  readCheckpointDir,
  saveCheckpoint,
  Trainer,
  writeCheckpointDir,
} from './index';

let dir: string;
beforeAll(async () => {
  await initBackend('wasm');
});
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'gpt-ckpt-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function trainedCheckpoint() {
  const model = new GPT(configFromName('tiny'), { seed: 1 });
  const trainer = new Trainer(model, { schedule: { kind: 'constant', lr: 1e-3 } });
  const sampler = new BatchSampler(new ByteTokenizer().encode('hello world '.repeat(10)), { batchSize: 2, seqLen: 8 });
  trainer.step(sampler.next());
  const fisher = new Map([['fisher.lm_head.weight', { shape: [2, 3], data: Float32Array.from([1, 2, 3, 4, 5, 6]) }]]);
  const state = captureState({
    model,
    trainer,
    sampler,
    tokenizer: new ByteTokenizer().spec(),
    extraTensors: fisher,
    extra: { replay: [{ batch: 'b1', offset: 3 }] },
  });
  trainer.dispose();
  model.dispose();
  return { ckpt: saveCheckpoint(state), state };
}

describe('checkpoint directories', () => {
  it('round-trip the full state, extras included, and replace an existing checkpoint atomically', async () => {
    const { ckpt, state } = trainedCheckpoint();
    const target = path.join(dir, 'ckpt');
    await writeCheckpointDir(target, ckpt);
    await writeCheckpointDir(target, ckpt); // overwrite in place
    expect(readdirSync(dir)).toEqual(['ckpt']); // no temp or old directories left behind
    const loaded = loadCheckpoint(await readCheckpointDir(target));
    expect(loaded.config).toEqual(state.config);
    expect(loaded.trainer).toEqual(state.trainer);
    expect(loaded.sampler).toEqual(state.sampler);
    expect(loaded.optimizer!.step).toBe(1);
    expect(loaded.extra).toEqual({ replay: [{ batch: 'b1', offset: 3 }] });
    expect(Array.from(loaded.extraTensors!.get('fisher.lm_head.weight')!.data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loaded.weights.get('lm_head.weight')!.data).toEqual(state.weights.get('lm_head.weight')!.data);
    // The weights file is plain safetensors.
    const st = decodeSafetensors(readFileSync(path.join(target, 'model.safetensors')));
    expect(st.tensors.get('transformer.wte.weight')!.shape).toEqual([256, 16]);
  });

  it('puts the old version back after a crash between the two renames of a replace', async () => {
    const { ckpt, state } = trainedCheckpoint();
    const target = path.join(dir, 'ckpt');
    await writeCheckpointDir(target, ckpt);
    // What a writer killed after moving the old version aside leaves: no target, .old and .tmp beside it.
    renameSync(target, `${target}.old-999-dead`);
    mkdirSync(`${target}.tmp-999-dead`);
    const loaded = loadCheckpoint(await readCheckpointDir(target));
    expect(loaded.weights.get('lm_head.weight')!.data).toEqual(state.weights.get('lm_head.weight')!.data);
    expect(readdirSync(dir).sort()).toEqual(['ckpt', 'ckpt.tmp-999-dead']);
    await writeCheckpointDir(target, ckpt); // and a later write replaces it as usual
    expect(readdirSync(dir).sort()).toEqual(['ckpt', 'ckpt.tmp-999-dead']);
  });

  it('refuses a corrupt file with a CheckpointError naming it', async () => {
    const { ckpt } = trainedCheckpoint();
    const target = path.join(dir, 'ckpt');
    await writeCheckpointDir(target, ckpt);
    const file = path.join(target, 'optimizer.safetensors');
    const bytes = readFileSync(file);
    bytes[bytes.length - 5] ^= 0xff;
    writeFileSync(file, bytes);
    await expect(readCheckpointDir(target)).rejects.toThrow(CheckpointError);
    await expect(readCheckpointDir(target)).rejects.toThrow(/optimizer.safetensors is corrupt/);
  });

  it('refuses a truncated file and a missing file', async () => {
    const { ckpt } = trainedCheckpoint();
    const target = path.join(dir, 'ckpt');
    await writeCheckpointDir(target, ckpt);
    const file = path.join(target, 'model.safetensors');
    writeFileSync(file, readFileSync(file).subarray(0, 100));
    await expect(readCheckpointDir(target)).rejects.toThrow(/model.safetensors is truncated/);
    rmSync(file);
    await expect(readCheckpointDir(target)).rejects.toThrow(/cannot read checkpoint file model.safetensors/);
  });

  it('in memory: a tampered file map fails verification on load', () => {
    const { ckpt } = trainedCheckpoint();
    const files = checkpointToFileMap(ckpt);
    const extra = files.get('extra.json')!;
    files.set('extra.json', Uint8Array.from(extra, (b, i) => (i === 3 ? b ^ 1 : b)));
    expect(() => loadCheckpoint(checkpointFromFileMap(files))).toThrow(/extra.json is corrupt/);
  });

  it('refuses a malformed manifest with a CheckpointError, not a TypeError', () => {
    const { ckpt } = trainedCheckpoint();
    const withManifest = (manifest: unknown) => {
      const files = checkpointToFileMap(ckpt);
      files.set('manifest.json', Buffer.from(JSON.stringify(manifest)));
      return () => loadCheckpoint(checkpointFromFileMap(files));
    };
    const { files: _files, ...rest } = ckpt.manifest;
    expect(withManifest(rest)).toThrow(new CheckpointError('the manifest lists no files'));
    const entry = { ...ckpt.manifest, files: { ...ckpt.manifest.files, 'model.safetensors': { bytes: 10 } } };
    expect(withManifest(entry)).toThrow(new CheckpointError('the manifest entry of model.safetensors lacks its size or sha256'));
    expect(withManifest({ ...ckpt.manifest, format: 'something-else' })).toThrow(CheckpointError);
    const notJson = checkpointToFileMap(ckpt);
    notJson.set('manifest.json', Buffer.from('{"format": '));
    expect(() => checkpointFromFileMap(notJson)).toThrow(/manifest.json is not valid JSON/);
  });
});
