// A batch split is JSON lines of raw records; training and evaluation read its text as bytes.
import { RawRecord } from '@ratchet/contracts';
import { ObjectStore, sha256Hex } from '@ratchet/objectstore';

export const encodeSplit = (records: readonly RawRecord[]): Buffer =>
  Buffer.from(records.map((r) => JSON.stringify(r) + '\n').join(''), 'utf8');

export function decodeSplit(bytes: Uint8Array): RawRecord[] {
  return Buffer.from(bytes)
    .toString('utf8')
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line) as RawRecord);
}

/** Record texts joined by a blank line, as UTF-8 bytes: the token stream of the byte tokenizer. */
export function splitText(records: readonly RawRecord[]): Uint8Array {
  return new Uint8Array(Buffer.from(records.map((r) => r.text).join('\n\n'), 'utf8'));
}

/** Reads a split and checks it is the content the event announced. */
export async function getSplitRecords(store: ObjectStore, key: string, expectedSha256?: string): Promise<RawRecord[]> {
  const bytes = await store.get(key);
  if (expectedSha256 && sha256Hex(bytes) !== expectedSha256) {
    throw new Error(`batch split ${key}: sha256 differs from the one announced in DataBatchArrived`);
  }
  return decodeSplit(bytes);
}

export async function getSplitBytes(store: ObjectStore, key: string, expectedSha256?: string): Promise<Uint8Array> {
  return splitText(await getSplitRecords(store, key, expectedSha256));
}
