// Reading a lineage's events back as chains: one per arrived batch, from DataBatchArrived to the
// decision, with each event's position in the log (the lineage's events share one partition, so
// the position is the log order).
import { AnyEvent, EventName, EventOf } from '@ratchet/contracts';

export interface Positioned<E> {
  event: E;
  /** Index in the lineage's events as read from the log. */
  at: number;
}

export type Decision = EventOf<'ModelPromoted'> | EventOf<'PromotionRejected'>;

export interface BatchChain {
  arrived: Positioned<EventOf<'DataBatchArrived'>>;
  started: Positioned<EventOf<'IncrementStarted'>>[];
  saved: Positioned<EventOf<'CheckpointSaved'>>[];
  failed: Positioned<EventOf<'TrainingFailed'>>[];
  scored: Positioned<EventOf<'RetentionScored'>>[];
  decisions: Positioned<Decision>[];
}

const is =
  <N extends EventName>(name: N) =>
  (e: AnyEvent): e is EventOf<N> =>
    e.name === name;

const checkpointOfDecision = (d: Decision): string => d.data.checkpointId;

/** Chains in arrival order. Scores and decisions join their batch through the checkpoint id. */
export function chainsOf(events: AnyEvent[]): BatchChain[] {
  const positioned = events.map((event, at) => ({ event, at }));
  const of = <N extends EventName>(name: N) =>
    positioned.filter((p): p is Positioned<EventOf<N>> => is(name)(p.event));
  const saved = of('CheckpointSaved');
  const batchOfCheckpoint = new Map<string, string>();
  for (const p of [...of('IncrementStarted'), ...saved])
    batchOfCheckpoint.set(p.event.data.checkpointId, p.event.data.batchId);
  const decisions = [...of('ModelPromoted'), ...of('PromotionRejected')].sort(
    (a, b) => a.at - b.at,
  ) as Positioned<Decision>[];
  return of('DataBatchArrived').map((arrived) => {
    const batchId = arrived.event.data.batchId;
    const mine = (checkpointId: string) => batchOfCheckpoint.get(checkpointId) === batchId;
    return {
      arrived,
      started: of('IncrementStarted').filter((p) => p.event.data.batchId === batchId),
      saved: saved.filter((p) => p.event.data.batchId === batchId),
      failed: of('TrainingFailed').filter((p) => p.event.data.batchId === batchId),
      scored: of('RetentionScored').filter(
        (p) => p.event.data.batchId === batchId || mine(p.event.data.checkpointId),
      ),
      decisions: decisions.filter((p) => mine(checkpointOfDecision(p.event))),
    };
  });
}

export const decisionCount = (chains: BatchChain[]): number =>
  chains.reduce((n, c) => n + c.decisions.length, 0);

/** The champion the decisions leave behind (no rollbacks in this test): the last promoted checkpoint. */
export function championOf(events: AnyEvent[]): string | null {
  const promoted = events.filter(is('ModelPromoted'));
  return promoted.length > 0 ? promoted[promoted.length - 1]!.data.checkpointId : null;
}

export const outcomeOf = (d: Decision): 'promoted' | 'rejected' =>
  d.name === 'ModelPromoted' ? 'promoted' : 'rejected';
