// Checkpoints in the object store: the trainer puts each file of libs/gpt's `{manifest, files}`
// (manifest.json included) under `<objectKey>/<file name>`; this reads them back into the
// in-memory file set and lets libs/gpt verify every checksum while loading.
import { createHash } from 'node:crypto';
import { CheckpointError, CheckpointFiles, CheckpointState, MANIFEST_FILE, checkpointFromFileMap, checkpointToFileMap, loadCheckpoint } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';

const prefixOf = (objectKey: string): string => (objectKey.endsWith('/') ? objectKey : `${objectKey}/`);

/**
 * Lists `<objectKey>/`, rebuilds the file set and loads it (sha256 of every file against the
 * manifest). With `manifestSha256` (from CheckpointSaved), the manifest itself must match it too.
 */
export async function loadCheckpointFromStore(store: ObjectStore, objectKey: string, manifestSha256?: string): Promise<CheckpointState> {
  const prefix = prefixOf(objectKey);
  const objects = await store.list(prefix);
  const files = new Map<string, Uint8Array>();
  for (const object of objects) {
    const name = object.key.slice(prefix.length);
    if (name.includes('/')) continue; // not one of this checkpoint's files
    files.set(name, new Uint8Array(await store.get(object.key)));
  }
  const manifest = files.get(MANIFEST_FILE);
  if (!manifest) throw new CheckpointError(`no checkpoint under ${prefix}: ${MANIFEST_FILE} is missing`);
  if (manifestSha256) {
    const actual = createHash('sha256').update(manifest).digest('hex');
    if (actual !== manifestSha256) throw new CheckpointError(`${prefix}${MANIFEST_FILE} has sha256 ${actual}, CheckpointSaved says ${manifestSha256}`);
  }
  return loadCheckpoint(checkpointFromFileMap(files));
}

/** Stores a checkpoint the way the trainer does; returns the sha256 of its manifest.json. */
export async function storeCheckpoint(store: ObjectStore, objectKey: string, checkpoint: CheckpointFiles): Promise<string> {
  const prefix = prefixOf(objectKey);
  let manifestSha256 = '';
  for (const [name, bytes] of checkpointToFileMap(checkpoint)) {
    const info = await store.put(`${prefix}${name}`, bytes);
    if (name === MANIFEST_FILE) manifestSha256 = info.sha256;
  }
  return manifestSha256;
}
