// The R matrix of a lineage (Lopez-Paz & Ranzato 2017): a row per scored candidate, a column per
// batch's held-out set, in loss and in BPB; with ACC, BWT and forgetting over the promoted rows,
// computed by @ratchet/continual's metric functions.
import { acc, bwt, forgetting, forgettingPerSet, rMatrix } from '@ratchet/continual';

export interface CandidateScores {
  checkpointId: string;
  /** The batch the candidate was trained on. */
  batchId: string;
  decision: 'promoted' | 'rejected' | null;
  scores: { evalSet: string; loss: number | null; bpb: number | null }[];
}

export interface MatrixRow {
  checkpointId: string;
  batchId: string;
  /** What people call the row's batch; null when it arrived without a label. */
  batchLabel: string | null;
  decision: 'promoted' | 'rejected' | null;
  /** One cell per column; null where the candidate was not scored on that set (or the score was not finite). */
  loss: (number | null)[];
  bpb: (number | null)[];
}

export interface ContinualMetrics {
  /** Mean of the last promoted row (final average score; lower is better). */
  acc: number | null;
  /** Backward transfer; negative means forgetting. Null with a single promoted model. */
  bwt: number | null;
  /** Average forgetting over old sets; null with a single promoted model. */
  forgetting: number | null;
  forgettingPerSet: { evalSet: string; value: number | null }[];
}

export interface RetentionMatrix {
  /** Columns: held-out sets (batch ids) in arrival order. */
  evalSets: string[];
  /** The label of each column's batch (same order as evalSets); null where it has none. */
  evalSetLabels: (string | null)[];
  /** Rows: scored candidates in the order they were trained. */
  rows: MatrixRow[];
  /**
   * Metrics over the promoted models only: row i is the i-th promoted model, column j the batch
   * the j-th promoted model learned, which makes the square matrix the metric functions need.
   */
  promoted: {
    checkpointIds: string[];
    evalSets: string[];
    bpb: ContinualMetrics;
    loss: ContinualMetrics;
  };
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

function metrics(r: number[][], evalSets: string[]): ContinualMetrics {
  if (r.length === 0) return { acc: null, bwt: null, forgetting: null, forgettingPerSet: [] };
  return {
    acc: finiteOrNull(acc(r)),
    bwt: finiteOrNull(bwt(r)),
    forgetting: finiteOrNull(forgetting(r)),
    forgettingPerSet: forgettingPerSet(r).map((value, j) => ({ evalSet: evalSets[j]!, value: finiteOrNull(value) })),
  };
}

/** `labelOf` gives a batch's label (null when it has none), for the columns and the rows. */
export function buildRetentionMatrix(evalSets: string[], candidates: CandidateScores[], labelOf: (batchId: string) => string | null = () => null): RetentionMatrix {
  const scoreRow = (c: CandidateScores) => c.scores.map((s) => ({ evalSet: s.evalSet, loss: s.loss ?? Number.NaN, bpb: s.bpb ?? Number.NaN }));
  const rows = candidates.map((c) => {
    const row = [scoreRow(c)];
    return {
      checkpointId: c.checkpointId,
      batchId: c.batchId,
      batchLabel: labelOf(c.batchId),
      decision: c.decision,
      loss: rMatrix(row, evalSets, 'loss')[0]!.map(finiteOrNull),
      bpb: rMatrix(row, evalSets, 'bpb')[0]!.map(finiteOrNull),
    };
  });
  const promoted = candidates.filter((c) => c.decision === 'promoted');
  const promotedSets = promoted.map((c) => c.batchId);
  const promotedRows = promoted.map(scoreRow);
  return {
    evalSets,
    evalSetLabels: evalSets.map(labelOf),
    rows,
    promoted: {
      checkpointIds: promoted.map((c) => c.checkpointId),
      evalSets: promotedSets,
      bpb: metrics(rMatrix(promotedRows, promotedSets, 'bpb'), promotedSets),
      loss: metrics(rMatrix(promotedRows, promotedSets, 'loss'), promotedSets),
    },
  };
}
