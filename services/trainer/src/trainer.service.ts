// Runs the increments: per lineage in arrival order, one at a time, each resumed from the champion.
import { EventEmitter } from 'node:events';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { checkpointPrefix, getCheckpoint, hasCheckpoint, partialCheckpointPrefix, putCheckpoint } from '@ratchet/artifacts';
import { IncrementProgress } from '@ratchet/continual';
import { verifyCheckpoint } from '@ratchet/gpt';
import { BatchState, LineageState, nextBatchToTrain } from '@ratchet/lineage';
import { ObjectStore } from '@ratchet/objectstore';
import { EventPublisher, LineageProjection, Metrics, OBJECT_STORE, SERVICE_CONFIG } from '@ratchet/service-kit';
import { TrainerConfig } from './config';
import { classifyFailure } from './failure';
import { IncrementExecutor } from './increment-executor';
import { InIncrementCheckpoints } from './in-increment-checkpoints';
import { buildJob } from './increment-inputs';
import { JobProgress } from './increment-job';
import { checkpointIdOf, resolveSettings } from './lineage-settings';

export interface TrainingProgress extends IncrementProgress {
  lineage: string;
  batchId: string;
  checkpointId: string;
}

type EventChain = { subject: string; correlationid: string; causationid: string };

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

interface TrainingRecord {
  steps: number;
  tokens: number;
  trainLoss: number;
  wallTimeMs: number;
  backend: string;
  /** Steps an in-increment checkpoint had done before a restart (0: trained in one go). */
  resumedAtStep: number;
}

@Injectable()
export class TrainerService {
  /** Emits 'progress' (TrainingProgress) while an increment trains. */
  readonly progress = new EventEmitter();
  private readonly logger = new Logger('trainer');
  private loop: Promise<void> | null = null;
  private rescan = false;
  private readonly tokensPerSecond;
  private readonly trainLoss;
  private readonly increments;

  constructor(
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(SERVICE_CONFIG) private readonly config: TrainerConfig,
    private readonly projection: LineageProjection,
    private readonly publisher: EventPublisher,
    private readonly executor: IncrementExecutor,
    metrics: Metrics,
  ) {
    this.tokensPerSecond = metrics.gauge('ratchet_train_tokens_per_second', 'Training throughput of the running (or last) increment', ['lineage']);
    this.trainLoss = metrics.gauge('ratchet_train_loss', 'Training loss of the running increment, then its final loss (nats/token)', ['lineage']);
    this.increments = metrics.counter('ratchet_increments_total', 'Increments by outcome', ['lineage', 'outcome']);
  }

  /** Looks for work; safe to call on every event (runs at most one increment at a time). */
  kick(): void {
    if (this.loop) {
      this.rescan = true;
      return;
    }
    this.loop = this.drain().finally(() => {
      this.loop = null;
    });
  }

  /** Resolves when no increment is running (for shutdown and tests). */
  async idle(): Promise<void> {
    while (this.loop) await this.loop;
  }

  private async drain(): Promise<void> {
    do {
      this.rescan = false;
      for (const state of this.projection.lineages()) {
        const batch = nextBatchToTrain(state);
        if (batch) await this.train(state, batch);
      }
    } while (this.rescan);
  }

  /** One increment, attempted again after a retryable failure; TrainingFailed once the attempts are spent. */
  private async train(state: LineageState, batch: BatchState): Promise<void> {
    const lineage = state.lineage;
    const chain = { subject: lineage, correlationid: batch.batchId, causationid: batch.eventId };
    const planned = { checkpointId: batch.checkpointId ?? `unplanned-${batch.batchId}` };
    const maxAttempts = this.config.RATCHET_TRAIN_MAX_ATTEMPTS;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.trainOnce(state, batch, chain, planned);
        return;
      } catch (error) {
        const failure = classifyFailure(error);
        if (failure.retryable && attempt < maxAttempts) {
          this.logger.warn({ msg: 'increment failed; retrying', lineage, batchId: batch.batchId, attempt, maxAttempts, message: failure.message });
          await delay(this.config.RATCHET_TRAIN_RETRY_BACKOFF_MS * 2 ** (attempt - 1));
          state = this.projection.get(lineage);
          batch = state.batches.find((b) => b.batchId === batch.batchId) ?? batch;
          continue;
        }
        const message = failure.retryable ? `${failure.message} (after ${attempt} attempts)` : failure.message;
        this.logger.error({ msg: 'increment failed', lineage, batchId: batch.batchId, ...failure, attempts: attempt });
        this.increments.inc({ lineage, outcome: failure.reason });
        await this.emit('TrainingFailed', { batchId: batch.batchId, parentId: state.champion, ...failure, message }, chain, `training-failed:${planned.checkpointId}`);
        return;
      }
    }
  }

  private async trainOnce(state: LineageState, batch: BatchState, chain: EventChain, planned: { checkpointId: string }): Promise<void> {
    const lineage = state.lineage;
    const settings = resolveSettings(state.config, {
      preset: this.config.RATCHET_DEFAULT_PRESET,
      strategy: this.config.RATCHET_DEFAULT_STRATEGY,
      maxSteps: this.config.RATCHET_MAX_STEPS,
    });
    const checkpointId = batch.checkpointId ?? checkpointIdOf(lineage, state.champion, batch.batchId, settings);
    planned.checkpointId = checkpointId;
    if (batch.status === 'pending') {
      await this.emit('IncrementStarted', { batchId: batch.batchId, checkpointId, parentId: state.champion, strategy: { ...settings.strategy }, lrSchedule: { ...settings.training, kind: state.champion ? 'rewarm' : 'cosine' } }, chain, `increment-started:${checkpointId}`);
    }
    const prefix = checkpointPrefix(lineage, checkpointId);
    const record = (await hasCheckpoint(this.store, prefix)) ? await this.readRecord(prefix) : await this.runAndStore(state, batch, checkpointId, settings, prefix);
    const stored = await this.store.stat(`${prefix}/manifest.json`);
    const manifestSha256 = stored!.sha256;
    verifyCheckpoint(await getCheckpoint(this.store, prefix, manifestSha256));
    const { resumedAtStep: _resumed, ...metrics } = record;
    await this.emit('CheckpointSaved', { checkpointId, parentId: state.champion, batchId: batch.batchId, objectKey: prefix, manifestSha256, ...metrics }, chain, `checkpoint-saved:${checkpointId}`);
    this.increments.inc({ lineage, outcome: 'saved' });
  }

  private async runAndStore(state: LineageState, batch: BatchState, checkpointId: string, settings: ReturnType<typeof resolveSettings>, prefix: string): Promise<TrainingRecord> {
    const partials = new InIncrementCheckpoints(this.store, partialCheckpointPrefix(state.lineage, checkpointId), this.logger);
    const resumeFrom = await partials.latest();
    if (resumeFrom) this.logger.log({ msg: 'resuming the increment from its in-increment checkpoint', lineage: state.lineage, checkpointId });
    const checkpointEvery = this.config.RATCHET_CHECKPOINT_EVERY;
    const job = await buildJob(this.store, state, batch, settings, this.config.RATCHET_TF_BACKEND, { checkpointEvery, ...(resumeFrom ? { resumeFrom } : {}) });
    const started = Date.now();
    const onProgress = (p: JobProgress) => {
      if (p.phase === 'partial') return partials.save(p.checkpoint, p.step);
      if (p.loss !== undefined) this.trainLoss.set({ lineage: state.lineage }, p.loss);
      this.tokensPerSecond.set({ lineage: state.lineage }, p.tokens / Math.max((Date.now() - started) / 1000, 1e-3));
      this.progress.emit('progress', { ...p, lineage: state.lineage, batchId: batch.batchId, checkpointId } satisfies TrainingProgress);
    };
    const result = await this.executor.run(job, onProgress);
    await partials.flush();
    const record: TrainingRecord = {
      steps: result.stats.steps,
      tokens: result.stats.tokens,
      trainLoss: result.stats.finalLoss,
      wallTimeMs: Math.round(result.stats.wallMs),
      backend: result.backend,
      resumedAtStep: result.stats.resumedAtStep,
    };
    this.tokensPerSecond.set({ lineage: state.lineage }, record.tokens / Math.max(record.wallTimeMs / 1000, 1e-3));
    this.trainLoss.set({ lineage: state.lineage }, record.trainLoss);
    // The record goes first: a checkpoint whose manifest exists always has its record beside it.
    await this.store.put(`${prefix}.training.json`, JSON.stringify(record), { contentType: 'application/json' });
    await putCheckpoint(this.store, prefix, result.checkpoint);
    await partials.discard();
    this.logger.log({ msg: 'checkpoint stored', lineage: state.lineage, checkpointId, ...record });
    return record;
  }

  private async readRecord(prefix: string): Promise<TrainingRecord> {
    return JSON.parse((await this.store.get(`${prefix}.training.json`)).toString('utf8')) as TrainingRecord;
  }

  private async emit<N extends EventName>(name: N, data: EventDataOf<N>, chain: EventChain, id: string): Promise<void> {
    const event = createEvent(name, data, { source: this.publisher.source, ...chain, id }) as AnyEvent;
    await this.publisher.publish(event);
    this.projection.apply(event); // so the next scan sees it without waiting for the consumer
  }
}
