/**
 * The held-out rule shared by the benchmark and the ingest service: a record goes to the held-out
 * split when the first 32 bits of sha256(salt ␀ text) fall below `fraction` of 2^32. It depends
 * on the record's content only, so re-delivering a batch (in any order) gives the same split.
 */
import { hash32 } from '../random';

export interface SplitOptions {
  /** Share of records held out, in [0, 1]. Default 0.1. */
  readonly fraction?: number;
  /** Changes the split without changing the data (e.g. per lineage). Default ''. */
  readonly salt?: string;
  /**
   * With two or more records, guarantee both splits are non-empty: if the hash rule left one
   * empty, the record with the lowest hash is held out (or, if all were held out, the one with
   * the highest hash goes to train). Still a function of the content only. Default false.
   */
  readonly nonEmpty?: boolean;
}

export interface Split<T> {
  readonly train: T[];
  readonly heldOut: T[];
}

/** True when this record text belongs to the held-out split. */
export function isHeldOut(text: string, options: SplitOptions = {}): boolean {
  const fraction = options.fraction ?? 0.1;
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`held-out fraction must be in [0, 1], got ${fraction}`);
  return hash32(options.salt ?? '', text) < fraction * 4294967296;
}

/** Splits records (strings, or objects with a `text`) by the hash of their text; order is kept. */
export function splitHeldOut<T extends string | { readonly text: string }>(records: readonly T[], options: SplitOptions = {}): Split<T> {
  const fraction = options.fraction ?? 0.1;
  if (!(fraction >= 0 && fraction <= 1)) throw new RangeError(`held-out fraction must be in [0, 1], got ${fraction}`);
  const hashes = records.map((r) => hash32(options.salt ?? '', typeof r === 'string' ? r : r.text));
  const held = hashes.map((h) => h < fraction * 4294967296);
  if (options.nonEmpty && records.length >= 2) {
    const count = held.filter(Boolean).length;
    const pick = (better: (a: number, b: number) => boolean): number => hashes.reduce((best, h, i) => (better(h, hashes[best]) ? i : best), 0);
    if (count === 0) held[pick((a, b) => a < b)] = true;
    else if (count === records.length) held[pick((a, b) => a > b)] = false;
  }
  const train: T[] = [];
  const heldOut: T[] = [];
  records.forEach((record, i) => (held[i] ? heldOut : train).push(record));
  return { train, heldOut };
}

/**
 * Cuts long records into pieces of at most `maxChars`, at paragraph or line breaks when there is
 * one in the second half of the window, so that a few long documents (a speech, a source file)
 * still split into balanced train and held-out parts. Deterministic.
 */
export function chunkRecords(records: readonly string[], maxChars: number): string[] {
  if (!(maxChars > 0)) throw new RangeError(`maxChars must be positive, got ${maxChars}`);
  const out: string[] = [];
  for (const record of records) {
    let rest = record;
    while (rest.length > maxChars) {
      const window = rest.slice(0, maxChars);
      let cut = window.lastIndexOf('\n\n');
      if (cut < maxChars / 2) cut = window.lastIndexOf('\n');
      if (cut < maxChars / 2) cut = window.lastIndexOf(' ');
      if (cut < maxChars / 2) cut = maxChars;
      out.push(rest.slice(0, cut));
      rest = rest.slice(cut).replace(/^\s+/, '');
    }
    if (rest.trim().length > 0) out.push(rest);
  }
  return out;
}
