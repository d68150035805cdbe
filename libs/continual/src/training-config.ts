/**
 * How an increment trains: batch shape, budget and learning-rate schedule.
 *
 * The first model warms up to `initialLr` and cosine-decays to minLrFactor × initialLr. Every
 * later increment RE-WARMS to a smaller peak (incrementLrFactor × initialLr; Ibrahim et al. 2024
 * re-warm and re-decay at each stage) and decays again to minLrFactor × that peak by its end.
 */

/** `tokens`: all tokens processed (new + replay), so strategies compare at equal compute.
 *  `epochs`: passes over the new batch's train tokens (steps grow with the replay ratio). */
export type IncrementBudget = { readonly tokens: number } | { readonly epochs: number };

export interface TrainingConfig {
  /** Sequences per optimiser step. */
  readonly batchSize: number;
  /** Tokens per sequence; default: the model's block_size. */
  readonly seqLen?: number;
  readonly budget: IncrementBudget;
  /** Peak LR of a lineage's first model. */
  readonly initialLr: number;
  /** Increment peak LR = incrementLrFactor × initialLr. */
  readonly incrementLrFactor: number;
  /** Each schedule decays to minLrFactor × its peak. */
  readonly minLrFactor: number;
  /** Share of an increment's steps spent re-warming (at least one step). */
  readonly warmupFraction: number;
  readonly weightDecay: number;
  /** Global gradient-norm clip; 0 disables. */
  readonly gradClip: number;
  readonly seed: number;
  /** Report progress every this many steps. */
  readonly progressEvery: number;
}

export const DEFAULT_TRAINING: TrainingConfig = {
  batchSize: 16,
  budget: { epochs: 1 },
  initialLr: 3e-3,
  incrementLrFactor: 0.5,
  minLrFactor: 0.1,
  warmupFraction: 0.1,
  weightDecay: 0.1,
  gradClip: 1,
  seed: 0,
  progressEvery: 10,
};

/** Steps for a budget: tokens / (B·T), or epochs × new tokens / (B·T·(1 − replay ratio)). */
export function stepsForBudget(budget: IncrementBudget, newTokens: number, batchSize: number, seqLen: number, replayRatio: number): number {
  const perStep = batchSize * seqLen;
  const steps = 'tokens' in budget ? budget.tokens / perStep : (budget.epochs * newTokens) / (perStep * (1 - replayRatio));
  return Math.max(1, Math.ceil(steps));
}
