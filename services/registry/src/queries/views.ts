// What the HTTP API answers: read-model rows shaped for readers.
import { BatchRow, ChampionChangeRow, CheckpointRow, EvalScoreRow, LineageRow } from '../db/entities';
import { ChampionChangeView, RuleView } from '../report/lineage-report';

export interface LineageCounts {
  batches: number;
  refusedBatches: number;
  checkpoints: number;
  failed: number;
  promoted: number;
  rejected: number;
  rollbacks: number;
}

export interface LineageSummary {
  lineage: string;
  preset: string | null;
  champion: string | null;
  counts: LineageCounts;
}

export interface LineageDetail extends LineageSummary {
  config: Record<string, unknown> | null;
  configuredAt: string | null;
  /** `label`: what people call the batch, null when it came without one. */
  batches: { batchId: string; label: string | null; status: string; records: number | null; checkpointId: string | null; arrivedAt: string | null; failure: unknown }[];
}

export interface ScoreView {
  loss: number | null;
  bpb: number | null;
}

export interface CheckpointView {
  lineage: string;
  checkpointId: string;
  parentId: string | null;
  batchId: string;
  /** The label of the batch it was trained on; null when that has none. */
  batchLabel: string | null;
  config: Record<string, unknown> | null;
  objectKey: string;
  manifestSha256: string;
  backend: string;
  savedAt: string;
  train: { steps: number; tokens: number; trainLoss: number | null; wallTimeMs: number };
  scores: {
    baselineId: string | null;
    retention: number | null;
    plasticity: number | null;
    bwt: number | null;
    forgetting: number | null;
    scoredAt: string | null;
    sets: { evalSet: string; evalSetLabel: string | null; isNew: boolean; tokens: number; candidate: ScoreView; baseline: ScoreView | null; untrained: ScoreView | null }[];
  } | null;
  decision: { outcome: string; rules: RuleView[]; policy: Record<string, unknown> | null; at: string | null; by: string | null; eventId: string | null } | null;
  isChampion: boolean;
}

export const countsOf = (l: LineageRow): LineageCounts => ({
  batches: l.batchCount,
  refusedBatches: l.refusedBatchCount,
  checkpoints: l.checkpointCount,
  failed: l.failedCount,
  promoted: l.promotedCount,
  rejected: l.rejectedCount,
  rollbacks: l.rollbackCount,
});

export const summaryOf = (l: LineageRow): LineageSummary => ({ lineage: l.name, preset: l.preset, champion: l.championId, counts: countsOf(l) });

export const batchView = (b: BatchRow): LineageDetail['batches'][number] => ({
  batchId: b.batchId,
  label: b.label,
  status: b.status,
  records: b.records,
  checkpointId: b.checkpointId,
  arrivedAt: b.arrivedAt,
  failure: b.failure ?? b.refusal,
});

const pair = (loss: number | null, bpb: number | null): ScoreView | null => (loss === null && bpb === null ? null : { loss, bpb });

/** `labelOf`: a batch's label in the checkpoint's lineage (null when it has none). */
export function checkpointView(c: CheckpointRow, scores: EvalScoreRow[], champion: string | null, labelOf: (batchId: string) => string | null = () => null): CheckpointView {
  return {
    lineage: c.lineage,
    checkpointId: c.checkpointId,
    parentId: c.parentId,
    batchId: c.batchId,
    batchLabel: labelOf(c.batchId),
    config: c.config,
    objectKey: c.objectKey,
    manifestSha256: c.manifestSha256,
    backend: c.backend,
    savedAt: c.savedAt,
    train: { steps: c.steps, tokens: c.tokens, trainLoss: c.trainLoss, wallTimeMs: c.wallTimeMs },
    scores: c.scoredAt
      ? {
          baselineId: c.baselineId,
          retention: c.retention,
          plasticity: c.plasticity,
          bwt: c.bwt,
          forgetting: c.forgetting,
          scoredAt: c.scoredAt,
          sets: scores.map((s) => ({
            evalSet: s.evalSet,
            evalSetLabel: labelOf(s.evalSet),
            isNew: s.isNew,
            tokens: s.tokens,
            candidate: { loss: s.candidateLoss, bpb: s.candidateBpb },
            baseline: pair(s.baselineLoss, s.baselineBpb),
            untrained: pair(s.untrainedLoss, s.untrainedBpb),
          })),
        }
      : null,
    decision: c.decision
      ? { outcome: c.decision, rules: (c.decisionRules ?? []) as RuleView[], policy: c.decisionPolicy, at: c.decidedAt, by: c.decidedBy, eventId: c.decisionEventId }
      : null,
    isChampion: champion === c.checkpointId,
  };
}

export const championChangeView = (h: ChampionChangeRow): ChampionChangeView => ({
  checkpointId: h.checkpointId,
  previousId: h.previousId,
  kind: h.kind,
  reason: h.reason,
  by: h.by,
  at: h.at,
  eventId: h.eventId,
});
