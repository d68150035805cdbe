// Everything the dashboard shows about a lineage, as plain data. The registry fills it from its
// read models; `reportFromLineageState` fills it from @ratchet/lineage's folded state, so a
// process holding the events (the embedded demo) renders the same report without a database.
import { LineageState } from '@ratchet/lineage';
import { CandidateScores, RetentionMatrix, buildRetentionMatrix } from './retention-matrix';

export interface RuleView {
  rule: string;
  passed: boolean;
  value: number | null;
  threshold: number | null;
  evalSet?: string;
  /** Why it failed, when the numbers do not say it (a candidate the evaluator could not score). */
  message?: string;
}

export interface DecisionView {
  checkpointId: string;
  batchId: string;
  /** What people call the batch; null when it has no label. */
  batchLabel: string | null;
  outcome: 'promoted' | 'rejected';
  at: string;
  rules: RuleView[];
}

export interface ChampionChangeView {
  checkpointId: string;
  previousId: string | null;
  kind: string;
  reason: string;
  by: string;
  at: string;
  eventId: string;
}

/** How a scored candidate compared with the champion of its time (BPB gains: > 0 is better; as scored, so possibly NaN). */
export interface RetentionView {
  checkpointId: string;
  batchId: string;
  /** The champion it was scored against; null for a lineage's first model (compared with the untrained one). */
  baselineId: string | null;
  decision: 'promoted' | 'rejected' | null;
  /** Mean over the earlier sets of champion BPB − candidate BPB; < 0: it forgot. */
  retention: number | null;
  /** On the new set: champion (or untrained) BPB − candidate BPB. */
  plasticity: number | null;
  bwt: number | null;
  forgetting: number | null;
}

export interface LineageReport {
  lineage: string;
  preset: string | null;
  champion: string | null;
  counts: { batches: number; checkpoints: number; promoted: number; rejected: number; failed: number; rollbacks: number };
  matrix: RetentionMatrix;
  history: ChampionChangeView[];
  decisions: DecisionView[];
  /** Every scored candidate in save order. */
  retention: RetentionView[];
}

export function reportFromLineageState(state: LineageState): LineageReport {
  const labels = new Map(state.batches.map((b) => [b.batchId, b.arrived.label ?? null]));
  const labelOf = (batchId: string): string | null => labels.get(batchId) ?? null;
  const checkpoints = Object.values(state.checkpoints).sort((a, b) => a.savedAt.localeCompare(b.savedAt));
  const candidates: CandidateScores[] = checkpoints
    .filter((c) => c.scores !== null)
    .map((c) => ({
      checkpointId: c.checkpointId,
      batchId: c.batchId,
      decision: c.decision?.outcome ?? null,
      scores: c.scores!.sets.map((s) => ({ evalSet: s.batchId, loss: s.candidate.loss, bpb: s.candidate.bpb })),
    }));
  const decisions: DecisionView[] = checkpoints.flatMap((c) =>
    c.decision ? [{ checkpointId: c.checkpointId, batchId: c.batchId, batchLabel: labelOf(c.batchId), outcome: c.decision.outcome, at: c.decision.at, rules: c.decision.rules }] : [],
  );
  return {
    lineage: state.lineage,
    preset: state.config?.preset ?? null,
    champion: state.champion,
    counts: {
      batches: state.batches.length,
      checkpoints: checkpoints.length,
      promoted: decisions.filter((d) => d.outcome === 'promoted').length,
      rejected: decisions.filter((d) => d.outcome === 'rejected').length,
      failed: state.batches.filter((b) => b.status === 'failed').length,
      rollbacks: state.history.filter((h) => h.kind === 'rolled-back').length,
    },
    matrix: buildRetentionMatrix(state.batches.map((b) => b.batchId), candidates, labelOf),
    history: state.history.map((h) => ({ ...h })),
    decisions,
    retention: checkpoints.flatMap((c) =>
      c.scores
        ? [
            {
              checkpointId: c.checkpointId,
              batchId: c.batchId,
              baselineId: c.scores.baselineId,
              decision: c.decision?.outcome ?? null,
              retention: c.scores.retention,
              plasticity: c.scores.plasticity,
              bwt: c.scores.bwt,
              forgetting: c.scores.forgetting,
            },
          ]
        : [],
    ),
  };
}
