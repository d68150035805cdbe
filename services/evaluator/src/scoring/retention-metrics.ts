/**
 * The numbers of a RetentionScored event, from its per-set scores and the champion line's history.
 * All in bits per byte (lower is better), with libs/continual's metric functions and sign reading:
 *
 *  - retention   = mean over OLD sets j of (baseline BPB_j − candidate BPB_j)
 *                  (continual `retention` gains): > 0 the candidate is better, < 0 it forgot.
 *                  null without a champion or without old sets.
 *  - plasticity  = reference BPB − candidate BPB on the NEW set (continual `plasticity` gain), the
 *                  reference being the champion, or the untrained model for a lineage's first model.
 *  - bwt         = continual `bwt(R)` of the champion line's R matrix with the candidate as its last row:
 *                  mean over old sets j of (R[j][j] − candidate_j); < 0 means forgetting.
 *  - forgetting  = continual `forgetting(R)` (Chaudhry et al. 2018 on losses): mean over old sets j
 *                  of (candidate_j − the best BPB on j of the line since j was learned), ≥ 0.
 *
 * R is the champion line's matrix: row i = the production model right after batch i was decided
 * (the promoted candidate, or the champion that stayed when the candidate was rejected, as scored
 * in that batch's RetentionScored), column j = held-out set of batch j. Batches that left no such
 * row (training failed, first model rejected, not yet decided) drop out of R as row and column,
 * which keeps it square. bwt and forgetting are null with no old row. Non-finite results are null.
 */
import type { EvalSetScore } from '@ratchet/contracts';
import { bwt, type EvalScore, forgetting, plasticity, retention } from '@ratchet/continual';
import { type LineageState, evalSetsUpTo } from '@ratchet/lineage';

/** BPB of the production model after one batch was decided, per eval set (batch id). */
export interface LineRow {
  batchId: string;
  bpb: Record<string, number>;
}

export interface RetentionNumbers {
  retention: number | null;
  plasticity: number | null;
  bwt: number | null;
  forgetting: number | null;
}

const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);
const toNumber = (x: number | null | undefined): number => (x === null || x === undefined ? Number.NaN : x);
const mean = (xs: number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

function scoresOf(sets: readonly EvalSetScore[], pick: (s: EvalSetScore) => EvalSetScore['baseline']): EvalScore[] | null {
  if (sets.some((s) => pick(s) === null)) return null;
  return sets.map((s) => ({ evalSet: s.batchId, loss: toNumber(pick(s)!.loss), bpb: toNumber(pick(s)!.bpb) }));
}

/** The rows of the champion line before `candidateBatchId`, in batch order (see the header). */
export function championLineRows(state: LineageState, candidateBatchId: string): LineRow[] {
  const rows: LineRow[] = [];
  for (const batch of evalSetsUpTo(state, candidateBatchId)) {
    if (batch.batchId === candidateBatchId) break;
    const checkpoint = batch.checkpointId ? state.checkpoints[batch.checkpointId] : undefined;
    const scores = checkpoint?.scores;
    if (!checkpoint?.decision || !scores) continue;
    const promoted = checkpoint.decision.outcome === 'promoted';
    if (!promoted && scores.baselineId === null) continue;
    const bpb: Record<string, number> = {};
    for (const set of scores.sets) bpb[set.batchId] = toNumber(promoted ? set.candidate.bpb : set.baseline?.bpb);
    rows.push({ batchId: batch.batchId, bpb });
  }
  return rows;
}

/** retention, plasticity, bwt and forgetting of a candidate scored on `sets` (exactly one of them new). */
export function retentionNumbers(sets: readonly EvalSetScore[], line: readonly LineRow[]): RetentionNumbers {
  const newSet = sets.find((s) => s.isNew);
  if (!newSet) throw new Error('the scored sets lack the new set');
  const oldIds = sets.filter((s) => !s.isNew).map((s) => s.batchId);
  const candidate = scoresOf(sets, (s) => s.candidate)!;
  const baseline = scoresOf(sets, (s) => s.baseline);
  const untrained = scoresOf(sets, (s) => s.untrained);

  const retentionValue = baseline && oldIds.length > 0 ? mean(retention(candidate, baseline, oldIds).map((c) => c.gain)) : Number.NaN;
  const reference = baseline ?? untrained;
  const plasticityValue = reference ? plasticity(candidate, reference, newSet.batchId).gain : Number.NaN;

  const rows = line.filter((r) => oldIds.includes(r.batchId));
  let bwtValue = Number.NaN;
  let forgettingValue = Number.NaN;
  if (rows.length > 0) {
    const columns = [...rows.map((r) => r.batchId), newSet.batchId];
    const last: Record<string, number> = Object.fromEntries(candidate.map((s) => [s.evalSet, s.bpb]));
    const r = [...rows.map((row) => row.bpb), last].map((row) => columns.map((set) => toNumber(row[set])));
    bwtValue = bwt(r);
    forgettingValue = forgetting(r);
  }
  return {
    retention: finiteOrNull(retentionValue),
    plasticity: finiteOrNull(plasticityValue),
    bwt: finiteOrNull(bwtValue),
    forgetting: finiteOrNull(forgettingValue),
  };
}
