/**
 * Train / held-out split of one batch. The rule is `splitHeldOut` (hash of lineage ␀ text below the
 * fraction), so it depends on content only. A small batch can land all on one side; then the
 * record nearest to the threshold moves across: the smallest hash when nothing is held out, the
 * largest when nothing is left to train on. That is the same as nudging the threshold just far
 * enough, so the result is still a pure function of the batch's content.
 */
import { hash32, splitHeldOut } from '@ratchet/continual';

export interface SplitSettings {
  fraction: number;
  /** The lineage. */
  salt: string;
}

export interface BatchSplit<T> {
  train: T[];
  heldOut: T[];
  /** Which way a record was moved to keep both sides non-empty, if one was. */
  moved: 'none' | 'to-held-out' | 'to-train';
}

export const MIN_BATCH_RECORDS = 2;

export function splitBatch<T extends { text: string }>(records: readonly T[], settings: SplitSettings): BatchSplit<T> {
  if (records.length < MIN_BATCH_RECORDS) throw new RangeError(`a batch needs at least ${MIN_BATCH_RECORDS} records, got ${records.length}`);
  const positioned = records.map((record, index) => ({ record, index, text: record.text }));
  const { train, heldOut } = splitHeldOut(positioned, { fraction: settings.fraction, salt: settings.salt });
  if (heldOut.length > 0 && train.length > 0) return { train: train.map((p) => p.record), heldOut: heldOut.map((p) => p.record), moved: 'none' };

  const from = heldOut.length === 0 ? train : heldOut;
  const keyed = from.map((p) => ({ p, hash: hash32(settings.salt, p.text) }));
  // smallest hash (ties: first position) moves to held-out; largest (ties: last position) to train
  keyed.sort((a, b) => a.hash - b.hash || a.p.index - b.p.index);
  const pick = heldOut.length === 0 ? keyed[0]! : keyed[keyed.length - 1]!;
  const rest = from.filter((p) => p !== pick.p);
  return heldOut.length === 0
    ? { train: rest.map((p) => p.record), heldOut: [pick.p.record], moved: 'to-held-out' }
    : { train: [pick.p.record], heldOut: rest.map((p) => p.record), moved: 'to-train' };
}
