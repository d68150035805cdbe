// Questions services ask of a lineage's state.
import { BatchState, CheckpointState, LineageState } from './state';

const SETTLED = new Set(['promoted', 'rejected', 'failed']);

/** The batch whose increment should run now: the first unsettled batch, when every earlier one is settled. */
export function nextBatchToTrain(state: LineageState): BatchState | null {
  const open = state.batches.find((b) => !SETTLED.has(b.status));
  return open && (open.status === 'pending' || open.status === 'training') ? open : null;
}

/** Checkpoints saved but not yet scored, in save order; one the evaluator gave up on (ScoringFailed) awaits no scores. */
export function checkpointsAwaitingScores(state: LineageState): CheckpointState[] {
  return Object.values(state.checkpoints)
    .filter((c) => c.scores === null && c.scoringFailure === null && c.decision === null)
    .sort((a, b) => a.savedAt.localeCompare(b.savedAt));
}

/** Held-out sets of every batch up to and including `batchId`, in arrival order. */
export function evalSetsUpTo(state: LineageState, batchId: string): BatchState[] {
  const index = state.batches.findIndex((b) => b.batchId === batchId);
  if (index === -1) return [];
  return state.batches.slice(0, index + 1).filter((b) => b.batchId === batchId || b.failure?.reason !== 'invalid-data');
}

/** Checkpoints that were champion at some point, newest first: the targets a rollback may choose. */
export function formerChampions(state: LineageState): string[] {
  return [...new Set(state.history.map((h) => h.checkpointId).reverse())];
}

export const isSettled = (batch: BatchState): boolean => SETTLED.has(batch.status);
