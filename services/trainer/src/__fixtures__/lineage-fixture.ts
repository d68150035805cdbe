// Test helpers: batches stored the way ingest stores them, and the events around them.
import { AnyEvent, EventDataOf, EventName, RawRecord, createEvent } from '@ratchet/contracts';
import { encodeSplit, heldOutSplitKey, trainSplitKey } from '@ratchet/artifacts';
import { ObjectStore, sha256Hex } from '@ratchet/objectstore';

export const LINEAGE = 'test-lin';

export function event<N extends EventName>(name: N, data: EventDataOf<N>, id: string, correlationid = 'c'): AnyEvent {
  return createEvent(name, data, { source: 'ratchet/test', subject: LINEAGE, correlationid, id }) as AnyEvent;
}

/** Stores a batch of `texts` (last one held out) and returns its DataBatchArrived event. */
export async function storedBatch(store: ObjectStore, batchId: string, texts: string[]): Promise<AnyEvent> {
  const records: RawRecord[] = texts.map((text) => ({ text, lineage: LINEAGE }));
  const train = encodeSplit(records.slice(0, -1));
  const heldOut = encodeSplit(records.slice(-1));
  const trainKey = trainSplitKey(LINEAGE, batchId);
  const heldKey = heldOutSplitKey(LINEAGE, batchId);
  await store.put(trainKey, train);
  await store.put(heldKey, heldOut);
  return event(
    'DataBatchArrived',
    {
      batchId,
      lineage: LINEAGE,
      records: records.length,
      bytes: train.byteLength + heldOut.byteLength,
      rejected: 0,
      contentSha256: sha256Hex(Buffer.concat([train, heldOut])),
      train: { key: trainKey, sha256: sha256Hex(train), records: records.length - 1, bytes: train.byteLength },
      heldOut: { key: heldKey, sha256: sha256Hex(heldOut), records: 1, bytes: heldOut.byteLength },
      source: 'test',
    },
    `arrived-${batchId}`,
    batchId,
  );
}

export const prose = (seed: string, n = 40): string[] =>
  Array.from({ length: n }, (_, i) => `${seed} line ${i}: the quick brown fox jumps over the lazy dog, again and again.`);
