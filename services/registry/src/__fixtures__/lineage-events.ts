// Builders of one lineage's events for tests, with a clock that ticks a second per event.
import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';

export const sha = (c: string): string => c.repeat(64);

export class LineageEvents {
  private tick = 0;
  constructor(
    readonly lineage = 'lin',
    readonly source = 'test',
  ) {}

  event<N extends EventName>(name: N, data: EventDataOf<N>, id = `${name}-${this.lineage}-${this.tick + 1}`, source = this.source): AnyEvent {
    this.tick += 1;
    return createEvent(name, data, {
      source,
      subject: this.lineage,
      correlationid: 'chain',
      id,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, this.tick)),
    }) as AnyEvent;
  }

  configured(policy: Record<string, unknown> = {}, preset = 'tiny'): AnyEvent {
    return this.event('LineageConfigured', { lineage: this.lineage, preset, modelOverrides: {}, strategy: {}, training: {}, policy });
  }

  arrived(batchId: string, content = batchId, label?: string): AnyEvent {
    const hex = Buffer.from(content).toString('hex').padEnd(64, '0').slice(0, 64);
    return this.event('DataBatchArrived', {
      batchId,
      lineage: this.lineage,
      records: 10,
      bytes: 100,
      rejected: 0,
      contentSha256: hex,
      train: { key: `batches/${batchId}/train`, sha256: sha('a'), records: 9, bytes: 90 },
      heldOut: { key: `batches/${batchId}/held-out`, sha256: sha('b'), records: 1, bytes: 10 },
      source: 'test',
      ...(label !== undefined ? { label } : {}),
    });
  }

  refused(batchId: string, label?: string): AnyEvent {
    return this.event('BatchRejected', { batchId, lineage: this.lineage, reasons: [{ position: 3, field: 'text', reason: 'empty' }], rejectedTo: 'dead-letters', ...(label !== undefined ? { label } : {}) });
  }

  started(batchId: string, checkpointId: string, parentId: string | null): AnyEvent {
    return this.event('IncrementStarted', { batchId, checkpointId, parentId, strategy: { replay: 0.05 }, lrSchedule: { peak: 3e-4 } });
  }

  saved(batchId: string, checkpointId: string, parentId: string | null, objectKey = `checkpoints/${this.lineage}/${checkpointId}`, manifestSha256 = sha('c')): AnyEvent {
    return this.event(
      'CheckpointSaved',
      { checkpointId, parentId, batchId, objectKey, manifestSha256, steps: 10, tokens: 1000, trainLoss: 2.5, wallTimeMs: 1234, backend: 'wasm' },
      `checkpoint-saved:${checkpointId}`,
    );
  }

  failed(batchId: string, parentId: string | null): AnyEvent {
    return this.event('TrainingFailed', { batchId, parentId, reason: 'diverged', message: 'loss is NaN', retryable: false });
  }

  /** Scores per eval set: [batchId, candidate BPB, champion BPB or null, untrained BPB or null]; loss = BPB · ln 2. */
  scored(checkpointId: string, batchId: string, baselineId: string | null, sets: [string, number | null, number | null, number | null][]): AnyEvent {
    const s = (bpb: number | null) => ({ loss: bpb === null ? null : bpb * Math.LN2, bpb });
    return this.event(
      'RetentionScored',
      {
        checkpointId,
        baselineId,
        batchId,
        sets: sets.map(([set, candidate, baseline, untrained]) => ({
          batchId: set,
          isNew: set === batchId,
          tokens: 100,
          candidate: s(candidate),
          baseline: baseline === null ? null : s(baseline),
          untrained: untrained === null ? null : s(untrained),
        })),
        ...gains(batchId, sets),
        bwt: null,
        forgetting: null,
      },
      `scored:${checkpointId}`,
    );
  }

  /** The evaluator gave up on `checkpointId` (its id is the evaluator's, unless `id` says otherwise). */
  scoringFailed(checkpointId: string, batchId: string, baselineId: string | null, message = 'batch split batches/b/held-out: sha256 differs', id = `scoring-failed:${checkpointId}`): AnyEvent {
    return this.event('ScoringFailed', { checkpointId, batchId, baselineId, message, attempts: 3 }, id, 'ratchet/evaluator');
  }

  promoted(checkpointId: string, previousId: string | null): AnyEvent {
    return this.event('ModelPromoted', { checkpointId, previousId, policy: { mode: 'relative' }, rules: [{ rule: 'plasticity', passed: true, value: 0.2, threshold: 0.01, evalSet: 'b' }] }, `decision:${checkpointId}`, 'ratchet/registry');
  }

  rejected(checkpointId: string, championId: string | null): AnyEvent {
    return this.event('PromotionRejected', { checkpointId, championId, policy: { mode: 'relative' }, rules: [{ rule: 'retention', passed: false, value: 0.05, threshold: 0.02, evalSet: 'b1' }] }, `decision:${checkpointId}`, 'ratchet/registry');
  }

  rolledBack(from: string, to: string, by = 'alice', reason = 'regression in production'): AnyEvent {
    return this.event('ChampionRolledBack', { from, to, by, reason });
  }
}

/** Retention (mean over old sets of champion − candidate) and plasticity (new set: champion, else untrained, − candidate), as the evaluator computes them. */
function gains(batchId: string, sets: [string, number | null, number | null, number | null][]): { retention: number | null; plasticity: number | null } {
  const old = sets.filter(([set, c, b]) => set !== batchId && c !== null && b !== null).map(([, c, b]) => b! - c!);
  const fresh = sets.find(([set]) => set === batchId);
  const reference = fresh?.[2] ?? fresh?.[3] ?? null;
  return {
    retention: old.length === 0 ? null : old.reduce((a, b) => a + b, 0) / old.length,
    plasticity: fresh?.[1] === null || fresh === undefined || reference === null ? null : reference - fresh[1],
  };
}
