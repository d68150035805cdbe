// evolve(state, event) -> state: the one fold of lineage events every service shares.
import { AnyEvent, RuleOutcome } from '@ratchet/contracts';
import { BatchState, BatchStatus, LineageState, emptyLineage } from './state';

export function evolve(state: LineageState, event: AnyEvent): LineageState {
  switch (event.name) {
    case 'LineageConfigured':
      return { ...state, config: event.data };
    case 'DataBatchArrived': {
      const { batchId, contentSha256 } = event.data;
      if (state.batches.some((b) => b.batchId === batchId) || state.contentHashes[contentSha256]) return state;
      const batch: BatchState = {
        batchId,
        arrived: event.data,
        eventId: event.id,
        status: 'pending',
        checkpointId: null,
        parentId: null,
        failure: null,
      };
      return { ...state, batches: [...state.batches, batch], contentHashes: { ...state.contentHashes, [contentSha256]: batchId } };
    }
    case 'BatchRejected':
      return state;
    case 'IncrementStarted':
      return updateBatch(state, event.data.batchId, (b) => ({
        ...b,
        status: advance(b.status, 'training'),
        checkpointId: event.data.checkpointId,
        parentId: event.data.parentId,
      }));
    case 'CheckpointSaved': {
      const saved = event.data;
      const next = updateBatch(state, saved.batchId, (b) => ({
        ...b,
        status: advance(b.status, 'evaluating'),
        checkpointId: saved.checkpointId,
        parentId: saved.parentId,
      }));
      if (next.checkpoints[saved.checkpointId]) return next;
      const checkpoint = { checkpointId: saved.checkpointId, parentId: saved.parentId, batchId: saved.batchId, saved, savedAt: event.time, scores: null, scoringFailure: null, decision: null };
      return { ...next, checkpoints: { ...next.checkpoints, [saved.checkpointId]: checkpoint } };
    }
    case 'TrainingFailed':
      return updateBatch(state, event.data.batchId, (b) => ({
        ...b,
        status: advance(b.status, 'failed'),
        failure: { reason: event.data.reason, message: event.data.message, retryable: event.data.retryable },
      }));
    case 'RetentionScored': {
      const scores = event.data;
      const checkpoint = state.checkpoints[scores.checkpointId];
      if (!checkpoint) return state;
      const next = updateBatch(state, checkpoint.batchId, (b) => ({ ...b, status: advance(b.status, 'deciding') }));
      return { ...next, checkpoints: { ...next.checkpoints, [scores.checkpointId]: { ...checkpoint, scores } } };
    }
    case 'ScoringFailed': {
      const { checkpointId, message, attempts } = event.data;
      const checkpoint = state.checkpoints[checkpointId];
      if (!checkpoint || checkpoint.scoringFailure) return state; // the first failure stands (a re-delivery changes nothing)
      const next = updateBatch(state, checkpoint.batchId, (b) => ({ ...b, status: advance(b.status, 'deciding') }));
      const scoringFailure = { message, attempts, at: event.time, eventId: event.id };
      return { ...next, checkpoints: { ...next.checkpoints, [checkpointId]: { ...checkpoint, scoringFailure } } };
    }
    case 'ModelPromoted': {
      const { checkpointId, previousId, rules } = event.data;
      const next = decide(state, checkpointId, 'promoted', rules, event.time);
      if (next.champion === checkpointId) return next;
      const change = { checkpointId, previousId, at: event.time, kind: 'promoted' as const, reason: 'passed the promotion policy', by: event.source, eventId: event.id };
      return { ...next, champion: checkpointId, history: [...next.history, change] };
    }
    case 'PromotionRejected':
      return decide(state, event.data.checkpointId, 'rejected', event.data.rules, event.time);
    case 'ChampionRolledBack': {
      const { from, to, by, reason } = event.data;
      if (state.champion !== from) return state;
      const change = { checkpointId: to, previousId: from, at: event.time, kind: 'rolled-back' as const, reason, by, eventId: event.id };
      return { ...state, champion: to, history: [...state.history, change] };
    }
    default: {
      const unreachable: never = event;
      throw new Error(`unhandled event ${(unreachable as AnyEvent).type}`);
    }
  }
}

/** Folds events of many lineages into one state per lineage. */
export function project(events: Iterable<AnyEvent>, into: Map<string, LineageState> = new Map()): Map<string, LineageState> {
  for (const event of events) into.set(event.subject, evolve(into.get(event.subject) ?? emptyLineage(event.subject), event));
  return into;
}

function decide(state: LineageState, checkpointId: string, outcome: 'promoted' | 'rejected', rules: RuleOutcome[], at: string): LineageState {
  const checkpoint = state.checkpoints[checkpointId];
  if (!checkpoint || checkpoint.decision) return state;
  const next = updateBatch(state, checkpoint.batchId, (b) => ({ ...b, status: advance(b.status, outcome) }));
  return { ...next, checkpoints: { ...next.checkpoints, [checkpointId]: { ...checkpoint, decision: { outcome, rules, at } } } };
}

function updateBatch(state: LineageState, batchId: string, change: (b: BatchState) => BatchState): LineageState {
  const index = state.batches.findIndex((b) => b.batchId === batchId);
  if (index === -1) return state;
  const batches = [...state.batches];
  batches[index] = change(batches[index]!);
  return { ...state, batches };
}

const ORDER: BatchStatus[] = ['pending', 'training', 'evaluating', 'deciding', 'promoted'];

/** Statuses only move forward, so a re-delivered earlier event cannot undo a later one. */
function advance(current: BatchStatus, next: BatchStatus): BatchStatus {
  if (current === 'promoted' || current === 'rejected' || current === 'failed') return current;
  if (next === 'rejected' || next === 'failed') return next;
  return ORDER.indexOf(next) > ORDER.indexOf(current) ? next : current;
}
