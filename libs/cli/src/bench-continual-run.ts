/**
 * The continual-learning benchmark: trains a model line through a stream of batches under each
 * strategy, scores every row of the R matrix on every batch's held-out set, and summarises it.
 * `joint` is the upper bound: one model trained from scratch on the union of all train splits with
 * the same total token budget as the other strategies.
 */
import { configFromName, GPT, loadCheckpoint, modelFromState, type CheckpointFiles } from '@ratchet/gpt';
import {
  acc,
  bwt,
  chunkRecords,
  type CorpusBatch,
  decide,
  type EvalScore,
  type EvalSet,
  forgetting,
  fwt,
  type IncrementResult,
  parseStrategy,
  rMatrix,
  runFirstIncrement,
  runIncrement,
  scoreSets,
  splitHeldOut,
  type StrategyConfig,
  type TrainingConfig,
  withStrategy,
} from '@ratchet/continual';

export interface BenchOptions {
  readonly preset: string;
  /** Overrides the preset's block size (shorter windows train faster on small CPUs). */
  readonly seqLen: number;
  readonly strategies: readonly string[];
  /** Tokens per increment (new + replay): the same compute for every strategy. */
  readonly tokensPerIncrement: number;
  readonly batchSize: number;
  readonly evalTokens: number;
  readonly replayRatio: number;
  readonly ewcLambda: number;
  readonly l2Alpha: number;
  readonly initialLr: number;
  readonly incrementLrFactor: number;
  readonly seed: number;
  readonly heldOutFraction: number;
  readonly log: (line: string) => void;
}

export interface PreparedBatch {
  readonly id: string;
  readonly train: Uint8Array;
  readonly heldOut: Uint8Array;
}

export interface StrategyResult {
  readonly strategy: string;
  readonly acc_bpb: number;
  readonly bwt_bpb: number | null;
  readonly forgetting_bpb: number | null;
  readonly fwt_bpb: number | null;
  readonly final_avg_bpb: number;
  readonly train_tokens: number;
  /** Tokens through forward + backward, training plus the EWC Fisher passes: the compute measure. */
  readonly compute_tokens: number;
  readonly wall_s: number;
  /** Rows of BPB, one per increment (a single final row for joint). */
  readonly r_matrix: number[][];
  readonly r_matrix_loss: number[][];
  /** What the default promotion guard would have said about each increment. */
  readonly guard: ('promote' | 'reject')[];
}

const encoder = new TextEncoder();
const SEPARATOR = '\n\n';

/** Chunks records (≤ 1 KiB), splits them by the held-out hash, and encodes both splits as bytes. */
export function prepareBatches(batches: readonly CorpusBatch[], heldOutFraction: number): PreparedBatch[] {
  return batches.map((b) => {
    const { train, heldOut } = splitHeldOut(chunkRecords(b.records, 1024), { fraction: heldOutFraction, nonEmpty: true });
    if (train.length === 0 || heldOut.length === 0) throw new Error(`batch ${b.id} is too small to split (${b.records.length} records)`);
    return { id: b.id, train: encoder.encode(train.join(SEPARATOR)), heldOut: encoder.encode(heldOut.join(SEPARATOR)) };
  });
}

function strategyConfig(name: string, o: BenchOptions): StrategyConfig {
  return withStrategy(parseStrategy(name), {
    replay: { ratio: o.replayRatio },
    ewc: { lambda: o.ewcLambda, fisherSamples: 16 },
    l2Anchor: { alpha: o.l2Alpha },
  });
}

function training(o: BenchOptions, tokens: number): Partial<TrainingConfig> {
  return { batchSize: o.batchSize, seqLen: o.seqLen, budget: { tokens }, initialLr: o.initialLr, incrementLrFactor: o.incrementLrFactor, seed: o.seed, progressEvery: 1_000_000 };
}

function score(checkpoint: CheckpointFiles, sets: readonly EvalSet[], evalTokens: number): EvalScore[] {
  const model = modelFromState(loadCheckpoint(checkpoint), { trainable: false });
  try {
    return scoreSets(model, sets, evalTokens);
  } finally {
    model.dispose();
  }
}

const fmt = (x: number): string => x.toFixed(3);

/** Scores of the untrained model (same config and seed) on every set: the FWT and first-model baseline. */
export function untrainedScores(o: BenchOptions, sets: readonly EvalSet[]): EvalScore[] {
  const model = new GPT(configFromName(o.preset, { block_size: o.seqLen }), { seed: o.seed });
  try {
    return scoreSets(model, sets, o.evalTokens);
  } finally {
    model.dispose();
  }
}

/**
 * First increments by what can change them: with an empty reservoir and no parent, replay, L2 and
 * distillation are inactive, so only EWC (its Fisher pass) makes a difference. Reusing them saves
 * one increment per strategy; the reused run's tokens and wall time are still counted.
 */
export type FirstIncrementCache = Map<string, Promise<IncrementResult>>;

export async function runStrategy(
  name: string,
  batches: readonly PreparedBatch[],
  baseline: readonly EvalScore[],
  o: BenchOptions,
  firstCache: FirstIncrementCache = new Map(),
): Promise<StrategyResult> {
  const started = Date.now();
  const sets: EvalSet[] = batches.map((b) => ({ evalSet: b.id, tokens: b.heldOut }));
  const ids = sets.map((s) => s.evalSet);
  const config = configFromName(o.preset, { block_size: o.seqLen });
  if (name === 'joint') {
    const union = new Uint8Array(batches.reduce((n, b) => n + b.train.length, 0));
    let at = 0;
    for (const b of batches) {
      union.set(b.train, at);
      at += b.train.length;
    }
    const run = await runFirstIncrement({
      config,
      batch: { id: 'union', tokens: union },
      strategy: parseStrategy('naive'),
      training: training(o, o.tokensPerIncrement * batches.length),
    });
    const row = score(run.checkpoint, sets, o.evalTokens);
    const r = rMatrix([row], ids);
    return {
      strategy: name,
      acc_bpb: r[0].reduce((a, b) => a + b, 0) / r[0].length,
      bwt_bpb: null,
      forgetting_bpb: null,
      fwt_bpb: null,
      final_avg_bpb: r[0].reduce((a, b) => a + b, 0) / r[0].length,
      train_tokens: run.stats.tokens,
      compute_tokens: run.stats.tokens + run.stats.fisherTokens,
      wall_s: (Date.now() - started) / 1000,
      r_matrix: r,
      r_matrix_loss: rMatrix([row], ids, 'loss'),
      guard: [],
    };
  }
  const strategy = strategyConfig(name, o);
  const rows: EvalScore[][] = [];
  const guard: ('promote' | 'reject')[] = [];
  let champion: CheckpointFiles | undefined;
  let tokens = 0;
  let computeTokens = 0;
  let reusedMs = 0;
  const replayTokens = new Map(batches.map((b) => [b.id, b.train]));
  for (const [i, b] of batches.entries()) {
    const common = { batch: { id: b.id, tokens: b.train }, strategy, training: training(o, o.tokensPerIncrement) };
    let run: IncrementResult;
    if (champion === undefined) {
      const key = JSON.stringify(strategy.ewc);
      const cached = firstCache.get(key);
      if (cached === undefined) firstCache.set(key, runFirstIncrement({ ...common, config }));
      run = await firstCache.get(key)!;
      if (cached !== undefined) reusedMs = run.stats.wallMs;
    } else {
      run = await runIncrement({ ...common, champion, replayTokens });
    }
    tokens += run.stats.tokens;
    computeTokens += run.stats.tokens + run.stats.fisherTokens;
    const row = score(run.checkpoint, sets, o.evalTokens);
    const verdict =
      i === 0
        ? decide({ kind: 'first', newEvalSet: b.id, candidate: row.slice(0, 1), baseline: baseline.slice(0, 1) })
        : decide({ kind: 'increment', newEvalSet: b.id, candidate: row.slice(0, i + 1), champion: rows[i - 1].slice(0, i + 1) });
    guard.push(verdict.decision);
    rows.push(row);
    // The benchmark measures strategies, so every candidate becomes the next parent.
    champion = run.checkpoint;
    o.log(`  ${name} ${b.id}: ${run.stats.steps} steps, train loss ${fmt(run.stats.finalLoss)}, BPB row [${row.map((s) => fmt(s.bpb)).join(', ')}], guard ${verdict.decision}, ${(run.stats.wallMs / 1000).toFixed(0)} s`);
  }
  const r = rMatrix(rows, ids);
  const last = r[r.length - 1];
  return {
    strategy: name,
    acc_bpb: acc(r),
    bwt_bpb: r.length > 1 ? bwt(r) : null,
    forgetting_bpb: r.length > 1 ? forgetting(r) : null,
    fwt_bpb: r.length > 1 ? fwt(r, baseline.map((s) => s.bpb)) : null,
    final_avg_bpb: last.reduce((a, c) => a + c, 0) / last.length,
    train_tokens: tokens,
    compute_tokens: computeTokens,
    // A reused first increment took no time in this run; count its original training time.
    wall_s: (Date.now() - started + reusedMs) / 1000,
    r_matrix: r,
    r_matrix_loss: rMatrix(rows, ids, 'loss'),
    guard,
  };
}
