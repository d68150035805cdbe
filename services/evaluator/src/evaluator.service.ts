// Scores checkpoints one at a time and publishes RetentionScored (or, when every attempt failed,
// ScoringFailed); the domain work is in scoring/.
import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { EventOf } from '@ratchet/contracts';
import type { EventLog } from '@ratchet/eventlog';
import { initBackend } from '@ratchet/gpt';
import { checkpointsAwaitingScores, evalSetsUpTo, type LineageState } from '@ratchet/lineage';
import type { ObjectStore } from '@ratchet/objectstore';
import { EVENT_LOG, EventPublisher, LineageProjection, OBJECT_STORE, Readiness, SERVICE_CONFIG } from '@ratchet/service-kit';
import type { EvaluatorConfig } from './config';
import { EvaluatorMetrics } from './evaluator-metrics';
import { championLineRows } from './scoring/retention-metrics';
import { inThreadScorer, type ModelScorer, workerScorer } from './scoring/model-scorer';
import { ScoreCache } from './scoring/score-cache';
import { type CheckpointRef, type ScoringJob, type ScoringProgress, scoreCheckpoint } from './scoring/score-checkpoint';
import { SerialQueue } from './scoring/serial-queue';
import { untrainedSeedOf } from './scoring/untrained-seed';

export type CheckpointSavedEvent = EventOf<'CheckpointSaved'>;
export type RetentionScoredEvent = EventOf<'RetentionScored'>;
export type ScoringFailedEvent = EventOf<'ScoringFailed'>;

/** The deterministic id of a checkpoint's RetentionScored event: re-emission after a crash is a no-op. */
export const retentionScoredId = (checkpointId: string): string => `retention-scored:${checkpointId}`;

/** The deterministic id of a checkpoint's ScoringFailed event: a checkpoint is given up on once. */
export const scoringFailedId = (checkpointId: string): string => `scoring-failed:${checkpointId}`;

/** Error messages in ScoringFailed are cut to this many characters (events are bounded in size). */
const MAX_FAILURE_MESSAGE = 2000;

export interface EvaluatorStatus {
  backend: string | null;
  /** Checkpoints queued or being scored. */
  queued: number;
  /** Progress of the job in hand; null when idle. */
  current: ScoringProgress | null;
  cache: { entries: number; hits: number; misses: number };
}

@Injectable()
export class EvaluatorService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('evaluator');
  /** `progress` (ScoringProgress) while scoring, `scored` (RetentionScoredEvent) or `failed` (ScoringFailedEvent) after publishing. */
  readonly events = new EventEmitter();
  private readonly cache: ScoreCache;
  private readonly queue: SerialQueue;
  private readonly scorer: ModelScorer;
  private readonly abort = new AbortController();
  /** Checkpoints this process published scores (or gave up) for, before the projection has read them back. */
  private readonly published = new Set<string>();
  private backend: string | null = null;
  private current: ScoringProgress | null = null;

  constructor(
    @Inject(SERVICE_CONFIG) private readonly config: EvaluatorConfig,
    @Inject(OBJECT_STORE) private readonly store: ObjectStore,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    private readonly projection: LineageProjection,
    private readonly publisher: EventPublisher,
    private readonly metrics: EvaluatorMetrics,
    readiness: Readiness,
  ) {
    this.cache = new ScoreCache(config.RATCHET_EVAL_CACHE_ENTRIES);
    this.scorer = config.RATCHET_EVAL_IN_WORKER ? workerScorer(config.RATCHET_TF_BACKEND) : inThreadScorer;
    this.queue = new SerialQueue((key, error) => this.logger.error({ msg: 'scoring job crashed', key, error: String(error) }));
    readiness.register('tf-backend', () => this.backend !== null);
  }

  async onModuleInit(): Promise<void> {
    this.backend = await initBackend(this.config.RATCHET_TF_BACKEND);
    this.logger.log({ msg: 'tensor backend ready', requested: this.config.RATCHET_TF_BACKEND, backend: this.backend, inWorker: this.config.RATCHET_EVAL_IN_WORKER });
  }

  /** Lets the job in hand stop at its next forward pass; it is resumed at the next start. */
  async beforeApplicationShutdown(): Promise<void> {
    this.queue.stop();
    this.abort.abort();
    await this.queue.idle();
  }

  /** Subscribes to scoring progress (for a progress bar); returns the unsubscribe function. */
  onProgress(listener: (p: ScoringProgress) => void): () => void {
    this.events.on('progress', listener);
    return () => this.events.off('progress', listener);
  }

  status(): EvaluatorStatus {
    return {
      backend: this.backend,
      queued: this.queue.size,
      current: this.current,
      cache: { entries: this.cache.size, hits: this.cache.hits, misses: this.cache.misses },
    };
  }

  /** Queues a saved checkpoint for scoring; false when it is scored, queued or running already. */
  enqueue(saved: CheckpointSavedEvent): boolean {
    if (this.isScored(saved.subject, saved.data.checkpointId)) return false;
    const added = this.queue.add(`${saved.subject}\u0000${saved.data.checkpointId}`, () => this.runJob(saved));
    this.metrics.queueDepth.set(this.queue.size);
    return added;
  }

  /** Queues every checkpoint that was saved but never scored nor given up on (a crash or shutdown interrupted it); returns how many. */
  async resumeAwaiting(): Promise<number> {
    const awaiting = new Set<string>();
    for (const state of this.projection.lineages()) {
      for (const c of checkpointsAwaitingScores(state)) awaiting.add(`${state.lineage}\u0000${c.checkpointId}`);
    }
    if (awaiting.size === 0) return 0;
    let queued = 0;
    // The projection keeps a checkpoint's data but not its event, which the scores' causation needs.
    for (const { event } of await this.log.read()) {
      if (event.name !== 'CheckpointSaved') continue;
      const key = `${event.subject}\u0000${event.data.checkpointId}`;
      if (!awaiting.delete(key)) continue;
      if (this.enqueue(event)) queued += 1;
    }
    this.logger.log({ msg: 'resuming unscored checkpoints', queued });
    return queued;
  }

  /** Resolves when the queue is empty. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  private isScored(lineage: string, checkpointId: string): boolean {
    if (this.published.has(`${lineage}\u0000${checkpointId}`)) return true;
    const checkpoint = this.projection.get(lineage).checkpoints[checkpointId];
    return checkpoint !== undefined && (checkpoint.scores !== null || checkpoint.scoringFailure !== null || checkpoint.decision !== null);
  }

  private async runJob(saved: CheckpointSavedEvent): Promise<void> {
    const { checkpointId } = saved.data;
    try {
      await this.scoreWithRetries(saved, checkpointId);
    } finally {
      this.current = null;
      // This job's key leaves the queue right after it returns.
      this.metrics.queueDepth.set(Math.max(0, this.queue.size - 1));
    }
  }

  private async scoreWithRetries(saved: CheckpointSavedEvent, checkpointId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        const outcome = await this.scoreAndPublish(saved);
        this.metrics.jobs.inc({ outcome });
        return;
      } catch (error) {
        if (this.abort.signal.aborted) {
          this.metrics.jobs.inc({ outcome: 'interrupted' });
          this.logger.log({ msg: 'scoring interrupted by shutdown; resumes at the next start', checkpointId });
          return;
        }
        const final = attempt >= this.config.RATCHET_EVAL_MAX_ATTEMPTS;
        this.logger.error({ msg: final ? 'scoring failed; giving up on the checkpoint' : 'scoring failed; retrying', checkpointId, attempt, error: String(error) });
        if (final) {
          this.metrics.jobs.inc({ outcome: 'failed' });
          await this.publishFailure(saved, attempt, error);
          return;
        }
        await sleep(this.config.RATCHET_EVAL_RETRY_BACKOFF_MS * 2 ** (attempt - 1), this.abort.signal);
      }
    }
  }

  private async scoreAndPublish(saved: CheckpointSavedEvent): Promise<'scored' | 'skipped'> {
    const lineage = saved.subject;
    if (this.isScored(lineage, saved.data.checkpointId)) return 'skipped';
    const job = this.jobFor(saved, this.projection.get(lineage));
    const hitsBefore = this.cache.hits;
    const missesBefore = this.cache.misses;
    const stopTimer = this.metrics.scoringSeconds.startTimer({ lineage });
    const started = Date.now();
    const scores = await scoreCheckpoint(job, {
      store: this.store,
      cache: this.cache,
      maxTokens: this.config.RATCHET_EVAL_MAX_TOKENS,
      batchSize: this.config.RATCHET_EVAL_BATCH_SIZE,
      scorer: this.scorer,
      signal: this.abort.signal,
      onProgress: (p) => {
        this.current = p;
        this.events.emit('progress', p);
      },
    });
    stopTimer();
    this.metrics.cacheLookups.inc({ result: 'hit' }, this.cache.hits - hitsBefore);
    this.metrics.cacheLookups.inc({ result: 'miss' }, this.cache.misses - missesBefore);
    const event = this.publisher.causedBy(saved, 'RetentionScored', scores, retentionScoredId(saved.data.checkpointId));
    await this.publisher.publish(event);
    this.published.add(`${lineage}\u0000${saved.data.checkpointId}`);
    this.metrics.recordScores(lineage, scores);
    this.logger.log({
      msg: 'scored',
      lineage,
      checkpointId: scores.checkpointId,
      baselineId: scores.baselineId,
      sets: scores.sets.length,
      retention: scores.retention,
      plasticity: scores.plasticity,
      ms: Date.now() - started,
      backend: this.backend,
    });
    this.events.emit('scored', event);
    return 'scored';
  }

  /**
   * Says that the checkpoint cannot be scored, so the registry rejects it and the lineage moves on
   * (else its next batch would wait for this one for ever). If publishing fails too, the checkpoint
   * still awaits scores and the next start tries again.
   */
  private async publishFailure(saved: CheckpointSavedEvent, attempts: number, error: unknown): Promise<void> {
    const lineage = saved.subject;
    const { checkpointId, batchId } = saved.data;
    const champion = this.projection.get(lineage).champion;
    const message = (error instanceof Error ? error.message : String(error)).slice(0, MAX_FAILURE_MESSAGE);
    const data = { checkpointId, batchId, baselineId: champion !== checkpointId ? champion : null, message, attempts };
    const event = this.publisher.causedBy(saved, 'ScoringFailed', data, scoringFailedId(checkpointId));
    try {
      await this.publisher.publish(event);
    } catch (publishError) {
      this.logger.error({ msg: 'could not publish ScoringFailed; the checkpoint is retried at the next start', checkpointId, error: String(publishError) });
      return;
    }
    this.published.add(`${lineage}\u0000${checkpointId}`);
    this.logger.warn({ msg: 'gave up scoring; published ScoringFailed', lineage, checkpointId, batchId, attempts, error: message });
    this.events.emit('failed', event);
  }

  /** What to score: the candidate and the champion of this moment on every held-out set up to the candidate's batch. */
  private jobFor(saved: CheckpointSavedEvent, state: LineageState): ScoringJob {
    const { checkpointId, batchId, objectKey, manifestSha256 } = saved.data;
    const batches = evalSetsUpTo(state, batchId);
    if (batches.length === 0) throw new Error(`checkpoint ${checkpointId}: batch ${batchId} is unknown in lineage ${state.lineage}`);
    let baseline: CheckpointRef | null = null;
    if (state.champion !== null && state.champion !== checkpointId) {
      const champion = state.checkpoints[state.champion];
      if (!champion) throw new Error(`champion ${state.champion} of lineage ${state.lineage} has no CheckpointSaved`);
      baseline = { checkpointId: champion.checkpointId, objectKey: champion.saved.objectKey, manifestSha256: champion.saved.manifestSha256 };
    }
    const scoreUntrained = baseline === null || this.config.RATCHET_EVAL_UNTRAINED === 'always';
    return {
      lineage: state.lineage,
      batchId,
      candidate: { checkpointId, objectKey, manifestSha256 },
      baseline,
      untrainedSeed: scoreUntrained ? untrainedSeedOf(state.config) : null,
      sets: batches.map((b) => ({ batchId: b.batchId, key: b.arrived.heldOut.key, sha256: b.arrived.heldOut.sha256, isNew: b.batchId === batchId })),
      line: championLineRows(state, batchId),
    };
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
