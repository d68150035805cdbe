// A gpt checkpoint as objects under a prefix: every file first, the manifest last (the commit
// point), each verified by sha256 on the way in and out.
import { CheckpointError, CheckpointFiles, MANIFEST_FILE, checkpointFromFileMap, checkpointToFileMap } from '@ratchet/gpt';
import { ObjectStore, sha256Hex } from '@ratchet/objectstore';

export interface StoredCheckpoint {
  prefix: string;
  /** sha256 of manifest.json as stored: what CheckpointSaved carries. */
  manifestSha256: string;
  bytes: number;
}

export async function putCheckpoint(store: ObjectStore, prefix: string, checkpoint: CheckpointFiles): Promise<StoredCheckpoint> {
  const all = checkpointToFileMap(checkpoint);
  const manifest = all.get(MANIFEST_FILE)!;
  let bytes = 0;
  for (const [name, content] of all) {
    if (name === MANIFEST_FILE) continue;
    await store.put(`${prefix}/${name}`, content, { expectedSha256: checkpoint.manifest.files[name]?.sha256 });
    bytes += content.byteLength;
  }
  const manifestSha256 = sha256Hex(manifest);
  await store.put(`${prefix}/${MANIFEST_FILE}`, manifest, { contentType: 'application/json', expectedSha256: manifestSha256 });
  return { prefix, manifestSha256, bytes: bytes + manifest.byteLength };
}

/** Reads a checkpoint; `expectedManifestSha256` (from CheckpointSaved) pins the exact version. */
export async function getCheckpoint(store: ObjectStore, prefix: string, expectedManifestSha256?: string): Promise<CheckpointFiles> {
  const manifestBytes = await store.get(`${prefix}/${MANIFEST_FILE}`);
  if (expectedManifestSha256 && sha256Hex(manifestBytes) !== expectedManifestSha256) {
    throw new CheckpointError(`checkpoint ${prefix}: manifest sha256 differs from the one announced`);
  }
  const all = new Map<string, Uint8Array>([[MANIFEST_FILE, manifestBytes]]);
  const { manifest } = checkpointFromFileMap(all);
  for (const name of Object.keys(manifest.files)) all.set(name, await store.get(`${prefix}/${name}`));
  return checkpointFromFileMap(all);
}

export async function hasCheckpoint(store: ObjectStore, prefix: string): Promise<boolean> {
  return (await store.stat(`${prefix}/${MANIFEST_FILE}`)) !== null;
}

export async function deleteCheckpoint(store: ObjectStore, prefix: string): Promise<void> {
  for (const info of await store.list(`${prefix}/`)) await store.delete(info.key);
}
