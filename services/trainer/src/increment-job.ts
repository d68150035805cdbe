// One increment as a self-contained job with structured-clonable input, so it can run in a worker thread.
import { IncrementProgress, IncrementResult, StrategyConfig, TrainingConfig, runFirstIncrement, runIncrement } from '@ratchet/continual';
import { BackendName, CheckpointFiles, GPTConfig, WorkerContext, initBackend } from '@ratchet/gpt';

export interface IncrementJob {
  backend: BackendName;
  batch: { id: string; tokens: Uint8Array };
  strategy: StrategyConfig;
  training: Partial<TrainingConfig>;
  /** Steps between in-increment checkpoints (0: none), and the one to continue from after a crash. */
  checkpointEvery: number;
  resumeFrom?: CheckpointFiles;
  /** The champion to resume, or the config of a lineage's first model. */
  start: { kind: 'champion'; checkpoint: CheckpointFiles; replayTokens: Map<string, Uint8Array> } | { kind: 'first'; model: GPTConfig };
}

export interface IncrementJobResult extends IncrementResult {
  backend: string;
}

/** What the job reports while it runs: training progress, or an in-increment checkpoint to store. */
export type JobProgress = IncrementProgress | { phase: 'partial'; step: number; checkpoint: CheckpointFiles };

/** The worker task (`runInWorker(..., 'runIncrementJob', job)`); progress goes through `ctx`. */
export async function runIncrementJob(job: IncrementJob, ctx?: WorkerContext): Promise<IncrementJobResult> {
  const backend = await initBackend(job.backend);
  const report = (p: JobProgress) => ctx?.progress(p);
  const common = {
    batch: job.batch,
    strategy: job.strategy,
    training: job.training,
    onProgress: report,
    checkpointEvery: job.checkpointEvery,
    onCheckpoint: (checkpoint: CheckpointFiles, step: number) => report({ phase: 'partial', step, checkpoint }),
    ...(job.resumeFrom ? { resumeFrom: job.resumeFrom } : {}),
  };
  const result =
    job.start.kind === 'first'
      ? await runFirstIncrement({ ...common, config: job.start.model })
      : await runIncrement({ ...common, champion: job.start.checkpoint, replayTokens: job.start.replayTokens });
  return { ...result, backend };
}
