// Where scoreModels runs: in this thread (tiny models, tests) or in a worker thread (real sizes).
import * as path from 'node:path';
import { type BackendName, runInWorker } from '@ratchet/gpt';
import { type ScoreModelsInput, type ScoreModelsProgress, type ScoredSet, scoreModels } from './score-models.task';

export type ModelScorer = (input: ScoreModelsInput, onProgress: (p: ScoreModelsProgress) => void, signal?: AbortSignal) => Promise<ScoredSet[]>;

export const inThreadScorer: ModelScorer = (input, onProgress, signal) => scoreModels(input, onProgress, signal);

// The task module next to this one: .js from dist, .ts under jest (runInWorker compiles it).
const TASK_MODULE = path.join(__dirname, `score-models.task${path.extname(__filename)}`);

/** Scores in a new worker thread per job, on `backend`; aborting terminates the worker. */
export const workerScorer =
  (backend: BackendName): ModelScorer =>
  (input, onProgress, signal) =>
    runInWorker<ScoreModelsInput, ScoredSet[], ScoreModelsProgress>(TASK_MODULE, 'scoreModelsTask', { ...input, backend }, { onProgress, ...(signal ? { signal } : {}) });
