// Draws (B, T+1) training windows from token arrays with a seeded RNG; its state is the data cursor.
import { Rng, RngState } from './rng';

/** A batch on the host: inputs and next-token targets, each (batchSize, seqLen) row-major int32. */
export interface Batch {
  inputs: Int32Array;
  targets: Int32Array;
  batchSize: number;
  seqLen: number;
}

export interface SamplerOptions {
  batchSize: number;
  seqLen: number;
  seed?: number;
  /** random: windows at random offsets (default); sequential: consecutive windows, epoch after epoch. */
  mode?: 'random' | 'sequential';
}

/** The data cursor saved in checkpoints. */
export interface SamplerState {
  rng: RngState;
  /** sequential mode: index of the next source and offset within it. */
  source: number;
  position: number;
  epoch: number;
  /** Batches drawn so far. */
  batches: number;
}

export class BatchSampler {
  private readonly rng: Rng;
  private readonly sources: ArrayLike<number>[];
  private readonly windows: number[]; // usable window starts per source
  private readonly totalWindows: number;
  private source = 0;
  private position = 0;
  private epoch = 0;
  private batches = 0;

  constructor(
    tokens: ArrayLike<number> | ArrayLike<number>[],
    readonly options: SamplerOptions,
  ) {
    this.sources = isListOfArrays(tokens) ? tokens : [tokens];
    const span = options.seqLen + 1;
    this.windows = this.sources.map((s) => Math.max(0, s.length - span + 1));
    this.totalWindows = this.windows.reduce((a, b) => a + b, 0);
    if (this.totalWindows === 0) throw new Error(`no token array is long enough for a window of ${span} tokens`);
    this.rng = new Rng(options.seed ?? 0);
  }

  next(): Batch {
    const { batchSize: B, seqLen: T } = this.options;
    const inputs = new Int32Array(B * T);
    const targets = new Int32Array(B * T);
    for (let b = 0; b < B; b++) {
      const [src, start] = this.options.mode === 'sequential' ? this.nextSequential() : this.nextRandom();
      const s = this.sources[src]!;
      for (let t = 0; t < T; t++) {
        inputs[b * T + t] = s[start + t]!;
        targets[b * T + t] = s[start + t + 1]!;
      }
    }
    this.batches += 1;
    return { inputs, targets, batchSize: B, seqLen: T };
  }

  getState(): SamplerState {
    return { rng: this.rng.getState(), source: this.source, position: this.position, epoch: this.epoch, batches: this.batches };
  }

  setState(state: SamplerState): void {
    this.rng.setState(state.rng);
    this.source = state.source;
    this.position = state.position;
    this.epoch = state.epoch;
    this.batches = state.batches;
  }

  private nextRandom(): [number, number] {
    // Uniform over all windows of all sources.
    let k = this.rng.int(this.totalWindows);
    for (let i = 0; i < this.windows.length; i++) {
      if (k < this.windows[i]!) return [i, k];
      k -= this.windows[i]!;
    }
    throw new Error('unreachable: window index out of range');
  }

  private nextSequential(): [number, number] {
    const T = this.options.seqLen;
    for (;;) {
      if (this.position < this.windows[this.source]!) {
        const start = this.position;
        this.position += T;
        return [this.source, start];
      }
      this.position = 0;
      this.source += 1;
      if (this.source >= this.sources.length) {
        this.source = 0;
        this.epoch += 1;
      }
    }
  }
}

function isListOfArrays(x: ArrayLike<number> | ArrayLike<number>[]): x is ArrayLike<number>[] {
  return Array.isArray(x) && x.length > 0 && typeof x[0] !== 'number';
}
