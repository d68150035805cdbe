/**
 * Replay reservoir: a bounded, seeded sample of earlier batches' training text.
 *
 * The reservoir holds references, not text: an item is (batchId, offset) of a chunk of
 * `chunkTokens` tokens in that batch's train split, so its index is a small JSON blob saved with
 * the checkpoint. Every batch keeps a share proportional to its size (uniform over the stream, as
 * reservoir sampling gives), except that each batch keeps at least `floorPerBatch` chunks (or all
 * it has) so that small or early batches are not starved; the floor shrinks to capacity/batches
 * once there are too many batches for it. Old batches only ever lose chunks (a random subset of
 * what they held), the new batch draws its share uniformly without replacement; all draws come
 * from a PRNG seeded by (seed, batchId, chunks seen), so the same stream gives the same index.
 */
import { SeededRandom, hash32 } from './random';

export interface ReservoirOptions {
  /** Max chunks held. Default 4096. */
  readonly capacity?: number;
  /** Min chunks kept per batch. Default 64. */
  readonly floorPerBatch?: number;
  /** Tokens per chunk; the trainer uses block_size + 1 (one training window). Default 129. */
  readonly chunkTokens?: number;
  readonly seed?: number;
}

export interface ReservoirState {
  readonly version: 1;
  readonly capacity: number;
  readonly floorPerBatch: number;
  readonly chunkTokens: number;
  readonly seed: number;
  /** Every batch added so far, in arrival order, with its total number of chunks. */
  readonly batches: readonly { readonly id: string; readonly chunks: number; readonly tokens: number }[];
  /** Held chunk offsets (in tokens) per batch id, ascending. */
  readonly items: Readonly<Record<string, readonly number[]>>;
}

export interface ReplayWindow {
  readonly batchId: string;
  /** First token of the window in the batch's train tokens. */
  readonly start: number;
}

export class ReplayReservoir {
  readonly capacity: number;
  readonly floorPerBatch: number;
  readonly chunkTokens: number;
  readonly seed: number;
  private batches: { id: string; chunks: number; tokens: number }[] = [];
  private items = new Map<string, number[]>();

  constructor(options: ReservoirOptions = {}) {
    this.capacity = options.capacity ?? 4096;
    this.floorPerBatch = options.floorPerBatch ?? 64;
    this.chunkTokens = options.chunkTokens ?? 129;
    this.seed = options.seed ?? 0;
    for (const [k, v] of Object.entries({ capacity: this.capacity, chunkTokens: this.chunkTokens })) {
      if (!(Number.isInteger(v) && v > 0)) throw new RangeError(`${k} must be a positive integer, got ${v}`);
    }
    if (!(Number.isInteger(this.floorPerBatch) && this.floorPerBatch >= 0)) throw new RangeError('floorPerBatch must be ≥ 0');
  }

  static fromJSON(state: ReservoirState): ReplayReservoir {
    if (state.version !== 1) throw new Error(`unsupported reservoir version ${String(state.version)}`);
    const r = new ReplayReservoir(state);
    r.batches = state.batches.map((b) => ({ ...b }));
    for (const b of r.batches) r.items.set(b.id, [...(state.items[b.id] ?? [])]);
    return r;
  }

  toJSON(): ReservoirState {
    const items: Record<string, number[]> = {};
    for (const b of this.batches) items[b.id] = [...(this.items.get(b.id) ?? [])];
    return {
      version: 1,
      capacity: this.capacity,
      floorPerBatch: this.floorPerBatch,
      chunkTokens: this.chunkTokens,
      seed: this.seed,
      batches: this.batches.map((b) => ({ ...b })),
      items,
    };
  }

  get size(): number {
    let n = 0;
    for (const offsets of this.items.values()) n += offsets.length;
    return n;
  }

  /** Batches with at least one held chunk: the train splits the trainer must load for replay. */
  batchIds(): string[] {
    return this.batches.filter((b) => (this.items.get(b.id)?.length ?? 0) > 0).map((b) => b.id);
  }

  countByBatch(): Record<string, number> {
    return Object.fromEntries(this.batches.map((b) => [b.id, this.items.get(b.id)?.length ?? 0]));
  }

  has(batchId: string): boolean {
    return this.batches.some((b) => b.id === batchId);
  }

  /** Adds a batch's train split (by its token count) to the stream; re-adding a batch is a no-op. */
  addBatch(batchId: string, tokenCount: number): void {
    if (this.has(batchId)) return;
    const chunks = Math.floor(tokenCount / this.chunkTokens) || (tokenCount > 1 ? 1 : 0);
    this.batches.push({ id: batchId, chunks, tokens: tokenCount });
    const seen = this.batches.reduce((s, b) => s + b.chunks, 0);
    const rng = new SeededRandom(hash32('reservoir', this.seed, batchId, seen));
    const caps = this.batches.map((b) => (b.id === batchId ? b.chunks : (this.items.get(b.id)?.length ?? 0)));
    const quotas = allocate(
      this.batches.map((b) => b.chunks),
      caps,
      this.capacity,
      this.floorPerBatch,
    );
    this.batches.forEach((b, i) => {
      if (b.id === batchId) {
        const picked = sampleWithoutReplacement(b.chunks, quotas[i], rng).map((c) => c * this.chunkTokens);
        this.items.set(b.id, picked.sort((x, y) => x - y));
      } else {
        const held = this.items.get(b.id) ?? [];
        if (held.length > quotas[i]) {
          const keep = sampleWithoutReplacement(held.length, quotas[i], rng).map((k) => held[k]);
          this.items.set(b.id, keep.sort((x, y) => x - y));
        }
      }
    });
  }

  /**
   * Draws a replay window of `windowTokens` tokens: a held chunk chosen uniformly, a start jittered
   * inside it when the chunk is longer than the window, clamped to the batch's end.
   */
  sample(rng: { int(n: number): number }, windowTokens: number): ReplayWindow {
    const total = this.size;
    if (total === 0) throw new Error('replay reservoir is empty');
    let k = rng.int(total);
    for (const b of this.batches) {
      const held = this.items.get(b.id) ?? [];
      if (k < held.length) {
        const jitter = this.chunkTokens > windowTokens ? rng.int(this.chunkTokens - windowTokens + 1) : 0;
        const start = Math.max(0, Math.min(held[k] + jitter, b.tokens - windowTokens));
        return { batchId: b.id, start };
      }
      k -= held.length;
    }
    throw new Error('unreachable: reservoir index out of range');
  }
}

/**
 * Per-batch quotas summing to at most `capacity`: at least min(cap, floor') each, where
 * floor' = min(floor, ⌊capacity / batches⌋), and above that a share s·size found by bisection so
 * the total fills the capacity; each quota is capped by what the batch can still give.
 */
export function allocate(sizes: readonly number[], caps: readonly number[], capacity: number, floor: number): number[] {
  const totalCap = caps.reduce((a, b) => a + b, 0);
  if (totalCap <= capacity) return [...caps];
  const floorEff = Math.min(floor, Math.floor(capacity / sizes.length));
  const base = caps.map((c) => Math.min(c, floorEff));
  const at = (s: number): number[] => caps.map((c, i) => Math.min(c, Math.max(base[i], s * sizes[i])));
  let lo = 0;
  let hi = 1;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (at(mid).reduce((a, b) => a + b, 0) <= capacity) lo = mid;
    else hi = mid;
  }
  const real = at(lo);
  const quotas = real.map(Math.floor);
  let left = capacity - quotas.reduce((a, b) => a + b, 0);
  // Largest remainders first; ties go to the earlier batch.
  const order = real.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    if (quotas[i] < caps[i]) {
      quotas[i]++;
      left--;
    }
  }
  return quotas;
}

/** k distinct integers from [0, n), in draw order (partial Fisher–Yates over a sparse map). */
function sampleWithoutReplacement(n: number, k: number, rng: SeededRandom): number[] {
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < Math.min(k, n); i++) {
    const j = i + rng.int(n - i);
    const vj = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(vj);
  }
  return out;
}
