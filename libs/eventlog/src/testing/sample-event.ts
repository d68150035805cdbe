import { AnyEvent, createEvent } from '@ratchet/contracts';


/** A small valid event of lineage `lineage`, numbered `n` (its id is deterministic). */
export function sampleEvent(lineage: string, n: number, source = 'ratchet/contract-test'): AnyEvent {
  return createEvent(
    'TrainingFailed',
    { batchId: `batch-${n}`, parentId: null, reason: 'error', message: `event ${n}`, retryable: true },
    { source, subject: lineage, correlationid: `batch-${n}`, id: `${lineage}-${n}`, time: new Date(0) },
  ) as AnyEvent;
}

export const numberOf = (event: AnyEvent): number => Number(event.id.split('-').pop());
