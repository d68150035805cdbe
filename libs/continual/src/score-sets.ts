// Scores a model on every held-out set of a lineage (bounded tokens per set): one row of R.
import { evaluate, type GPT } from '@ratchet/gpt';
import type { EvalScore } from './metrics';

export interface EvalSet {
  readonly evalSet: string;
  readonly tokens: Uint8Array;
}

/** Loss and BPB on each set's first `maxTokens` tokens (deterministic: no sampling). */
export function scoreSets(model: GPT, sets: readonly EvalSet[], maxTokens = 8192): EvalScore[] {
  return sets.map(({ evalSet, tokens }) => {
    const { loss, bpb } = evaluate(model, tokens, { maxTokens });
    return { evalSet, loss, bpb };
  });
}
