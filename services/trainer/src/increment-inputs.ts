// Gathers what an increment needs from the object store: the champion, the batch, the replay text.
import { BatchState, LineageState } from '@ratchet/lineage';
import { checkpointPrefix, getCheckpoint, getSplitBytes } from '@ratchet/artifacts';
import { ReplayReservoir } from '@ratchet/continual';
import { CheckpointFiles } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';
import { IncrementJob } from './increment-job';
import { LineageSettings } from './lineage-settings';

export async function loadTrainTokens(store: ObjectStore, batch: BatchState): Promise<Uint8Array> {
  return getSplitBytes(store, batch.arrived.train.key, batch.arrived.train.sha256);
}

/** Batch ids the champion's replay reservoir holds chunks of (read from its extra.json, no tensors). */
export function replayBatchIds(checkpoint: CheckpointFiles): string[] {
  const extra = checkpoint.files.get('extra.json');
  if (!extra) return [];
  const parsed = JSON.parse(Buffer.from(extra).toString('utf8')) as { continual?: { reservoir?: unknown } };
  if (!parsed.continual?.reservoir) return [];
  return ReplayReservoir.fromJSON(parsed.continual.reservoir as Parameters<typeof ReplayReservoir.fromJSON>[0]).batchIds();
}

export async function buildJob(
  store: ObjectStore,
  state: LineageState,
  batch: BatchState,
  settings: LineageSettings,
  backend: IncrementJob['backend'],
  partial: { checkpointEvery: number; resumeFrom?: CheckpointFiles },
): Promise<IncrementJob> {
  const tokens = await loadTrainTokens(store, batch);
  const common = { backend, batch: { id: batch.batchId, tokens }, strategy: settings.strategy, training: settings.training, ...partial };
  if (!state.champion) return { ...common, start: { kind: 'first', model: settings.model } };
  const champion = state.checkpoints[state.champion];
  if (!champion) throw new Error(`champion ${state.champion} has no CheckpointSaved in the log`);
  const checkpoint = await getCheckpoint(store, checkpointPrefix(state.lineage, champion.checkpointId), champion.saved.manifestSha256);
  const replayTokens = new Map<string, Uint8Array>();
  for (const id of replayBatchIds(checkpoint)) {
    const earlier = state.batches.find((b) => b.batchId === id);
    if (earlier) replayTokens.set(id, await loadTrainTokens(store, earlier));
  }
  return { ...common, start: { kind: 'champion', checkpoint, replayTokens } };
}
