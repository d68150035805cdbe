// Projects one event into the read-model tables, inside the caller's transaction. It follows the
// same rules as @ratchet/lineage's evolve (what the other services believe), written as row
// changes; the processed_events row makes a re-delivered event a no-op.
import { AnyEvent, EventOf } from '@ratchet/contracts';
import { EntityManager } from 'typeorm';
import { BatchRow, ChampionChangeRow, CheckpointRow, EvalScoreRow, LineageRow, ProcessedEventRow } from '../db/entities';
import { advanceStatus } from './batch-status';

export const emptyLineageRow = (name: string): LineageRow =>
  Object.assign(new LineageRow(), {
    name,
    preset: null,
    config: null,
    configEventId: null,
    configuredAt: null,
    championId: null,
    batchCount: 0,
    refusedBatchCount: 0,
    checkpointCount: 0,
    failedCount: 0,
    promotedCount: 0,
    rejectedCount: 0,
    rollbackCount: 0,
  });

export class ReadModelProjector {
  constructor(private readonly em: EntityManager) {}

  /** Projects `event` once; false when it had been projected before (same source + id). */
  async apply(event: AnyEvent): Promise<boolean> {
    const processed = this.em.getRepository(ProcessedEventRow);
    if (await processed.existsBy({ source: event.source, eventId: event.id })) return false;
    const lineage = (await this.em.findOneBy(LineageRow, { name: event.subject })) ?? emptyLineageRow(event.subject);
    await this.project(lineage, event);
    await this.em.save(lineage);
    await processed.insert({ source: event.source, eventId: event.id, type: event.name, lineage: event.subject, time: event.time });
    return true;
  }

  private async project(lineage: LineageRow, event: AnyEvent): Promise<void> {
    switch (event.name) {
      case 'LineageConfigured':
        lineage.preset = event.data.preset;
        lineage.config = event.data as unknown as Record<string, unknown>;
        lineage.configEventId = event.id;
        lineage.configuredAt = event.time;
        return;
      case 'DataBatchArrived':
        return this.batchArrived(lineage, event);
      case 'BatchRejected':
        return this.batchRefused(lineage, event);
      case 'IncrementStarted':
        await this.updateBatch(lineage.name, event.data.batchId, (b) => {
          b.status = advanceStatus(b.status, 'training');
          b.checkpointId = event.data.checkpointId;
          b.parentId = event.data.parentId;
          b.increment = { strategy: event.data.strategy, lrSchedule: event.data.lrSchedule, startedAt: event.time };
        });
        return;
      case 'CheckpointSaved':
        return this.checkpointSaved(lineage, event);
      case 'TrainingFailed':
        await this.updateBatch(lineage.name, event.data.batchId, (b) => {
          const before = b.status;
          b.status = advanceStatus(b.status, 'failed');
          b.failure = { reason: event.data.reason, message: event.data.message, retryable: event.data.retryable, at: event.time };
          if (before !== 'failed' && b.status === 'failed') lineage.failedCount += 1;
        });
        return;
      case 'RetentionScored':
        return this.scored(lineage, event);
      case 'ScoringFailed':
        return this.scoringFailed(lineage, event);
      case 'ModelPromoted':
        await this.decided(lineage, event, 'promoted');
        if (lineage.championId === event.data.checkpointId) return;
        lineage.championId = event.data.checkpointId;
        return this.appendHistory(lineage.name, {
          checkpointId: event.data.checkpointId,
          previousId: event.data.previousId,
          kind: 'promoted',
          reason: 'passed the promotion policy',
          by: event.source,
          event,
        });
      case 'PromotionRejected':
        return this.decided(lineage, event, 'rejected');
      case 'ChampionRolledBack': {
        const { from, to, by, reason } = event.data;
        if (lineage.championId !== from) return; // stale: the champion moved on since
        lineage.championId = to;
        lineage.rollbackCount += 1;
        return this.appendHistory(lineage.name, { checkpointId: to, previousId: from, kind: 'rolled-back', reason, by, event });
      }
      default: {
        const unreachable: never = event;
        throw new Error(`unhandled event ${(unreachable as AnyEvent).type}`);
      }
    }
  }

  private async nextSeq(entity: typeof BatchRow | typeof CheckpointRow, lineage: string): Promise<number> {
    return this.em.countBy(entity, { lineage });
  }

  private async batchArrived(lineage: LineageRow, event: EventOf<'DataBatchArrived'>): Promise<void> {
    const d = event.data;
    const existing = await this.em.findOneBy(BatchRow, { lineage: lineage.name, batchId: d.batchId });
    if (existing?.eventId) return; // re-delivered under another event id
    // Content sent before under another batch id is not a new batch (as in evolve).
    if (!existing && (await this.em.existsBy(BatchRow, { lineage: lineage.name, contentSha256: d.contentSha256 }))) return;
    const row = existing ?? Object.assign(new BatchRow(), { lineage: lineage.name, batchId: d.batchId, seq: await this.nextSeq(BatchRow, lineage.name), checkpointId: null, parentId: null, increment: null, failure: null, refusal: null, label: null });
    Object.assign(row, {
      status: 'pending',
      records: d.records,
      bytes: d.bytes,
      rejectedRecords: d.rejected,
      contentSha256: d.contentSha256,
      trainKey: d.train.key,
      heldOutKey: d.heldOut.key,
      source: d.source,
      arrivedAt: event.time,
      eventId: event.id,
      // a label of a refusal under this id before stays unless the arrival names the batch itself
      label: d.label ?? row.label,
    });
    await this.em.save(row);
    lineage.batchCount += 1;
  }

  private async batchRefused(lineage: LineageRow, event: EventOf<'BatchRejected'>): Promise<void> {
    const d = event.data;
    const refusal = { reasons: d.reasons as unknown[], rejectedTo: d.rejectedTo, at: event.time };
    const existing = await this.em.findOneBy(BatchRow, { lineage: lineage.name, batchId: d.batchId });
    if (existing) {
      existing.refusal ??= refusal;
      existing.label ??= d.label ?? null;
      await this.em.save(existing);
      return;
    }
    const row = Object.assign(new BatchRow(), {
      lineage: lineage.name,
      batchId: d.batchId,
      seq: await this.nextSeq(BatchRow, lineage.name),
      status: 'refused',
      records: null,
      bytes: null,
      rejectedRecords: d.reasons.length,
      contentSha256: null,
      trainKey: null,
      heldOutKey: null,
      source: null,
      arrivedAt: null,
      eventId: null,
      checkpointId: null,
      parentId: null,
      increment: null,
      failure: null,
      refusal,
      label: d.label ?? null,
    });
    await this.em.save(row);
    lineage.refusedBatchCount += 1;
  }

  private async checkpointSaved(lineage: LineageRow, event: EventOf<'CheckpointSaved'>): Promise<void> {
    const d = event.data;
    const batch = await this.updateBatch(lineage.name, d.batchId, (b) => {
      b.status = advanceStatus(b.status, 'evaluating');
      b.checkpointId = d.checkpointId;
      b.parentId = d.parentId;
    });
    if (await this.em.existsBy(CheckpointRow, { lineage: lineage.name, checkpointId: d.checkpointId })) return;
    const row = Object.assign(new CheckpointRow(), {
      lineage: lineage.name,
      checkpointId: d.checkpointId,
      seq: await this.nextSeq(CheckpointRow, lineage.name),
      parentId: d.parentId,
      batchId: d.batchId,
      config: { lineage: lineage.config, strategy: batch?.increment?.strategy ?? null, lrSchedule: batch?.increment?.lrSchedule ?? null },
      objectKey: d.objectKey,
      manifestSha256: d.manifestSha256,
      steps: d.steps,
      tokens: d.tokens,
      trainLoss: d.trainLoss,
      wallTimeMs: d.wallTimeMs,
      backend: d.backend,
      savedAt: event.time,
      savedEventId: event.id,
      baselineId: null,
      retention: null,
      plasticity: null,
      bwt: null,
      forgetting: null,
      scoredAt: null,
      scoredEventId: null,
      decision: null,
      decisionRules: null,
      decisionPolicy: null,
      decidedAt: null,
      decidedBy: null,
      decisionEventId: null,
    });
    await this.em.save(row);
    lineage.checkpointCount += 1;
  }

  private async scored(lineage: LineageRow, event: EventOf<'RetentionScored'>): Promise<void> {
    const d = event.data;
    const checkpoint = await this.em.findOneBy(CheckpointRow, { lineage: lineage.name, checkpointId: d.checkpointId });
    if (!checkpoint) return; // scores of a checkpoint never saved (as in evolve)
    await this.updateBatch(lineage.name, checkpoint.batchId, (b) => {
      b.status = advanceStatus(b.status, 'deciding');
    });
    Object.assign(checkpoint, {
      baselineId: d.baselineId,
      retention: d.retention,
      plasticity: d.plasticity,
      bwt: d.bwt,
      forgetting: d.forgetting,
      scoredAt: event.time,
      scoredEventId: event.id,
    });
    await this.em.save(checkpoint);
    // A later scoring replaces the earlier one, cell by cell and as a whole.
    await this.em.delete(EvalScoreRow, { lineage: lineage.name, checkpointId: d.checkpointId });
    await this.em.insert(
      EvalScoreRow,
      d.sets.map((s) => ({
        lineage: lineage.name,
        checkpointId: d.checkpointId,
        evalSet: s.batchId,
        batchId: checkpoint.batchId,
        isNew: s.isNew,
        tokens: s.tokens,
        baselineId: d.baselineId,
        candidateLoss: s.candidate.loss,
        candidateBpb: s.candidate.bpb,
        baselineLoss: s.baseline?.loss ?? null,
        baselineBpb: s.baseline?.bpb ?? null,
        untrainedLoss: s.untrained?.loss ?? null,
        untrainedBpb: s.untrained?.bpb ?? null,
      })),
    );
  }

  /** The evaluator gave up on the checkpoint: its batch awaits the (rejecting) decision, as in evolve. */
  private async scoringFailed(lineage: LineageRow, event: EventOf<'ScoringFailed'>): Promise<void> {
    const checkpoint = await this.em.findOneBy(CheckpointRow, { lineage: lineage.name, checkpointId: event.data.checkpointId });
    if (!checkpoint) return; // a failure of a checkpoint never saved (as in evolve)
    await this.updateBatch(lineage.name, checkpoint.batchId, (b) => {
      b.status = advanceStatus(b.status, 'deciding');
    });
  }

  private async decided(lineage: LineageRow, event: EventOf<'ModelPromoted' | 'PromotionRejected'>, outcome: 'promoted' | 'rejected'): Promise<void> {
    const checkpoint = await this.em.findOneBy(CheckpointRow, { lineage: lineage.name, checkpointId: event.data.checkpointId });
    if (!checkpoint || checkpoint.decision) return; // the first decision stands
    Object.assign(checkpoint, {
      decision: outcome,
      decisionRules: event.data.rules,
      decisionPolicy: event.data.policy,
      decidedAt: event.time,
      decidedBy: event.source,
      decisionEventId: event.id,
    });
    await this.em.save(checkpoint);
    await this.updateBatch(lineage.name, checkpoint.batchId, (b) => {
      b.status = advanceStatus(b.status, outcome);
    });
    if (outcome === 'promoted') lineage.promotedCount += 1;
    else lineage.rejectedCount += 1;
  }

  private async appendHistory(
    lineage: string,
    change: { checkpointId: string; previousId: string | null; kind: 'promoted' | 'rolled-back'; reason: string; by: string; event: AnyEvent },
  ): Promise<void> {
    const position = await this.em.countBy(ChampionChangeRow, { lineage });
    await this.em.insert(ChampionChangeRow, {
      lineage,
      position,
      checkpointId: change.checkpointId,
      previousId: change.previousId,
      kind: change.kind,
      reason: change.reason,
      by: change.by,
      at: change.event.time,
      eventId: change.event.id,
      eventSource: change.event.source,
    });
  }

  /** Changes a batch row if the lineage has it; returns the row (changed) or null. */
  private async updateBatch(lineage: string, batchId: string, change: (b: BatchRow) => void): Promise<BatchRow | null> {
    const row = await this.em.findOneBy(BatchRow, { lineage, batchId });
    if (!row || row.status === 'refused') return null;
    change(row);
    await this.em.save(row);
    return row;
  }
}
