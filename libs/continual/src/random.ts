// Small seeded PRNG (mulberry32) and string hashing for the deterministic parts of this library.
import { createHash } from 'node:crypto';

/** A uniform [0, 1) stream from a 32-bit seed; the whole state is one number. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** The whole state, to resume the stream exactly (`new SeededRandom(state)` continues it). */
  get state32(): number {
    return this.state;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

/** First 32 bits of sha256 of the parts joined by NUL: a stable seed or bucket from strings. */
export function hash32(...parts: readonly (string | number)[]): number {
  return createHash('sha256').update(parts.map(String).join('\u0000')).digest().readUInt32BE(0);
}
