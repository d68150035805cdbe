/**
 * Scores a list of models on held-out sets: the part of a scoring job that runs tensors. Its input
 * and output are structured-cloneable, so it runs either in the service's thread or in a worker
 * thread through @ratchet/gpt's runInWorker (`scoreModelsTask`), keeping the service responsive
 * while models of real size are scored. Each model is built, scored and disposed in turn.
 */
import { type BackendName, ByteTokenizer, GPT, type GPTConfig, type NamedArrays, initBackend, modelFromState, type WorkerContext } from '@ratchet/gpt';
import { evaluateSet, type SetScore } from './evaluate-set';

/** A model as data: trained weights, or the untrained model of a config and init seed. */
export type ModelSpec = { kind: 'weights'; config: GPTConfig; weights: NamedArrays } | { kind: 'untrained'; config: GPTConfig; seed: number };

export interface ModelToScore {
  /** Names the model in progress and results (e.g. `candidate`). */
  role: string;
  spec: ModelSpec;
  /** Batch ids of the sets to score it on. */
  sets: string[];
}

export interface ScoreModelsInput {
  models: ModelToScore[];
  /** Token streams by set batch id (already cut to maxTokens + 1). */
  tokens: Record<string, Uint8Array>;
  maxTokens: number;
  batchSize?: number;
  /** Only in a worker: the backend to initialise there. */
  backend?: BackendName;
}

export interface ScoreModelsProgress {
  role: string;
  set: string;
  /** Tokens scored so far over the whole input. */
  done: number;
}

export interface ScoredSet {
  role: string;
  set: string;
  score: SetScore;
}

function buildModel(spec: ModelSpec): GPT {
  if (spec.kind === 'untrained') return new GPT(spec.config, { seed: spec.seed, trainable: false });
  return modelFromState({ config: spec.config, tokenizer: new ByteTokenizer().spec(), weights: spec.weights }, { trainable: false });
}

export async function scoreModels(input: ScoreModelsInput, onProgress?: (p: ScoreModelsProgress) => void, signal?: AbortSignal): Promise<ScoredSet[]> {
  const out: ScoredSet[] = [];
  let done = 0;
  for (const { role, spec, sets } of input.models) {
    signal?.throwIfAborted();
    const model = buildModel(spec);
    try {
      for (const set of sets) {
        const before = done;
        const score = await evaluateSet(model, input.tokens[set]!, {
          maxTokens: input.maxTokens,
          batchSize: input.batchSize,
          signal,
          onProgress: (d) => onProgress?.({ role, set, done: before + d }),
        });
        done = before + score.tokens;
        out.push({ role, set, score });
      }
    } finally {
      model.dispose();
    }
  }
  return out;
}

/** The worker entry (runInWorker(path, 'scoreModelsTask', input)): a worker thread has its own tf engine. */
export async function scoreModelsTask(input: ScoreModelsInput, ctx: WorkerContext): Promise<ScoredSet[]> {
  await initBackend(input.backend ?? 'wasm');
  return scoreModels(input, (p) => ctx.progress(p));
}
