/**
 * The increment as a worker task for @ratchet/gpt's runInWorker:
 *   runInWorker(require.resolve('@ratchet/continual/dist/increment-task'), 'incrementTask', input, { onProgress })
 * Without a champion it trains the lineage's first model from `config`.
 */
import { type BackendName, initBackend, type WorkerContext } from '@ratchet/gpt';
import {
  type FirstIncrementInput,
  type IncrementInput,
  type IncrementProgress,
  type IncrementResult,
  runFirstIncrement,
  runIncrement,
} from './increment-trainer';

export type IncrementTaskInput = (Omit<IncrementInput, 'onProgress'> | Omit<FirstIncrementInput, 'onProgress'>) & {
  /** tfjs backend inside the worker (default wasm). */
  readonly backend?: BackendName;
};

export async function incrementTask(input: IncrementTaskInput, ctx: WorkerContext): Promise<IncrementResult> {
  await initBackend(input.backend ?? 'wasm');
  const onProgress = (p: IncrementProgress): void => ctx.progress(p);
  return 'champion' in input ? runIncrement({ ...input, onProgress }) : runFirstIncrement({ ...input, onProgress });
}
