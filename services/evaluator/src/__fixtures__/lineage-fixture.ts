// Test fixtures: tiny-preset checkpoints and held-out splits in an object store, and the events that announce them.
import { checkpointPrefix, encodeSplit, heldOutSplitKey, putCheckpoint, trainSplitKey } from '@ratchet/artifacts';
import { AnyEvent, EventDataOf, EventName, EventOf, RawRecord, createEvent } from '@ratchet/contracts';
import { BatchSampler, ByteTokenizer, CheckpointState, GPT, Trainer, captureState, configFromName, modelFromState, saveCheckpoint } from '@ratchet/gpt';
import { ObjectStore, sha256Hex } from '@ratchet/objectstore';

export const LINEAGE = 'lin';
export const TEXTS = {
  b1: 'the quick brown fox jumps over the lazy dog. ',
  b2: 'pack my box with five dozen liquor jugs! ',
} as const;

const ev = <N extends EventName>(name: N, data: EventDataOf<N>, id: string, correlationid: string): EventOf<N> =>
  createEvent(name, data, { source: 'test', subject: LINEAGE, correlationid, id });

/** Trains `steps` steps on `text` from `from` (or a fresh tiny model with `seed`); returns the state. */
export function trainTiny(text: string, steps: number, from?: CheckpointState, seed = 1): CheckpointState {
  const model = from ? modelFromState(from) : new GPT(configFromName('tiny'), { seed });
  const trainer = new Trainer(model, { schedule: { kind: 'cosine', peakLr: 1e-2, minLr: 1e-3, warmupSteps: 2, totalSteps: steps }, gradClip: 1, weightDecay: 0, seed: 3 });
  const sampler = new BatchSampler(new ByteTokenizer().encode(text.repeat(20)), { batchSize: 4, seqLen: 16, seed: 7 });
  for (let s = 0; s < steps; s++) trainer.step(sampler.next());
  const state = captureState({ model, tokenizer: new ByteTokenizer().spec() });
  trainer.dispose();
  model.dispose();
  return state;
}

/** Stores the split objects of a batch and returns its DataBatchArrived event. */
export async function storeBatch(store: ObjectStore, batchId: keyof typeof TEXTS): Promise<EventOf<'DataBatchArrived'>> {
  const records: RawRecord[] = Array.from({ length: 8 }, (_, i) => ({ text: `${i}: ${TEXTS[batchId].repeat(2)}`, lineage: LINEAGE }));
  const heldOut = encodeSplit(records.slice(0, 4));
  const train = encodeSplit(records.slice(4));
  await store.put(heldOutSplitKey(LINEAGE, batchId), heldOut);
  await store.put(trainSplitKey(LINEAGE, batchId), train);
  const split = (key: string, bytes: Buffer) => ({ key, sha256: sha256Hex(bytes), records: 4, bytes: bytes.byteLength });
  return ev(
    'DataBatchArrived',
    {
      batchId,
      lineage: LINEAGE,
      records: 8,
      bytes: heldOut.byteLength + train.byteLength,
      rejected: 0,
      contentSha256: sha256Hex(Buffer.concat([train, heldOut])),
      train: split(trainSplitKey(LINEAGE, batchId), train),
      heldOut: split(heldOutSplitKey(LINEAGE, batchId), heldOut),
      source: 'test',
    },
    `arrived:${batchId}`,
    batchId,
  );
}

/** Stores a checkpoint under the shared layout and returns its CheckpointSaved event. */
export async function storeCheckpoint(
  store: ObjectStore,
  checkpointId: string,
  state: CheckpointState,
  batchId: string,
  parentId: string | null,
  eventId = `checkpoint-saved:${checkpointId}`,
): Promise<EventOf<'CheckpointSaved'>> {
  const prefix = checkpointPrefix(LINEAGE, checkpointId);
  const { manifestSha256 } = await putCheckpoint(store, prefix, saveCheckpoint(state));
  return ev(
    'CheckpointSaved',
    { checkpointId, parentId, batchId, objectKey: prefix, manifestSha256, steps: 20, tokens: 1280, trainLoss: 2, wallTimeMs: 10, backend: 'wasm' },
    eventId,
    batchId,
  );
}

export const promoted = (checkpointId: string, previousId: string | null): AnyEvent =>
  ev('ModelPromoted', { checkpointId, previousId, policy: {}, rules: [] }, `decision:${checkpointId}`, checkpointId);
