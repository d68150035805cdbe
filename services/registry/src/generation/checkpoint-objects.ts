// Loading a checkpoint for inference from the object store, where the trainer put each file of
// libs/gpt's `{manifest, files}` under the `objectKey` prefix of its CheckpointSaved
// (@ratchet/artifacts owns that layout).
import { getCheckpoint } from '@ratchet/artifacts';
import { CheckpointState, loadCheckpoint } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';

/**
 * Reads `<objectKey>/manifest.json` (pinned to `manifestSha256` from CheckpointSaved) and every
 * file it lists, then lets libs/gpt verify each file's sha256 while loading.
 */
export async function loadCheckpointFromStore(store: ObjectStore, objectKey: string, manifestSha256?: string): Promise<CheckpointState> {
  return loadCheckpoint(await getCheckpoint(store, objectKey.replace(/\/+$/, ''), manifestSha256));
}
