// One increment as a self-contained job with structured-clonable input, so it can run in a worker thread.
import { IncrementProgress, IncrementResult, StrategyConfig, TrainingConfig, runFirstIncrement, runIncrement } from '@ratchet/continual';
import { BackendName, CheckpointFiles, GPTConfig, WorkerContext, initBackend } from '@ratchet/gpt';

export interface IncrementJob {
  backend: BackendName;
  batch: { id: string; tokens: Uint8Array };
  strategy: StrategyConfig;
  training: Partial<TrainingConfig>;
  /** The champion to resume, or the config of a lineage's first model. */
  start: { kind: 'champion'; checkpoint: CheckpointFiles; replayTokens: Map<string, Uint8Array> } | { kind: 'first'; model: GPTConfig };
}

export interface IncrementJobResult extends IncrementResult {
  backend: string;
}

/** The worker task (`runInWorker(..., 'runIncrementJob', job)`); progress goes through `ctx`. */
export async function runIncrementJob(job: IncrementJob, ctx?: WorkerContext): Promise<IncrementJobResult> {
  const backend = await initBackend(job.backend);
  const onProgress = ctx ? (p: IncrementProgress) => ctx.progress(p) : undefined;
  const common = { batch: job.batch, strategy: job.strategy, training: job.training, ...(onProgress ? { onProgress } : {}) };
  const result =
    job.start.kind === 'first'
      ? await runFirstIncrement({ ...common, config: job.start.model })
      : await runIncrement({ ...common, champion: job.start.checkpoint, replayTokens: job.start.replayTokens });
  return { ...result, backend };
}
