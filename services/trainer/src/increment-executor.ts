// Runs an increment job in a worker thread (default), so the service keeps answering health checks
// and consuming events while it trains; inline when RATCHET_TRAIN_IN_WORKER=false.
import { Inject, Injectable } from '@nestjs/common';
import { runInWorker } from '@ratchet/gpt';
import { SERVICE_CONFIG } from '@ratchet/service-kit';
import { TrainerConfig } from './config';
import { IncrementJob, IncrementJobResult, JobProgress, runIncrementJob } from './increment-job';

const JOB_MODULE = require.resolve('./increment-job');

@Injectable()
export class IncrementExecutor {
  constructor(@Inject(SERVICE_CONFIG) private readonly config: TrainerConfig) {}

  async run(job: IncrementJob, onProgress: (p: JobProgress) => void): Promise<IncrementJobResult> {
    if (!this.config.RATCHET_TRAIN_IN_WORKER) return runIncrementJob(job, { progress: (p) => onProgress(p as JobProgress) });
    return runInWorker<IncrementJob, IncrementJobResult, JobProgress>(JOB_MODULE, 'runIncrementJob', job, { onProgress });
  }
}
