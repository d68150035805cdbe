// One human line per event for the demo's log.
import { AnyEvent } from '@ratchet/contracts';
import { natsToBpb } from '@ratchet/gpt';

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined ? 'n/a' : x.toFixed(digits));
const short = (id: string | null): string => (id ? id.slice(0, 12) : 'none');

/** `name` turns a batch id into what the user knows it by (e.g. its folder). */
export function describeEvent(event: AnyEvent, name: (batchId: string) => string = (id) => id): string {
  switch (event.name) {
    case 'LineageConfigured':
      return `lineage ${event.data.lineage} configured: preset ${event.data.preset}`;
    case 'DataBatchArrived':
      return `batch ${name(event.data.batchId)} arrived: ${event.data.records} records, ${event.data.bytes} bytes (train ${event.data.train.records}, held-out ${event.data.heldOut.records}, rejected ${event.data.rejected})`;
    case 'BatchRejected':
      return `batch ${name(event.data.batchId)} rejected: ${event.data.reasons.length} bad records`;
    case 'IncrementStarted':
      return `increment started on ${name(event.data.batchId)}: ${short(event.data.checkpointId)} from ${short(event.data.parentId)}`;
    case 'CheckpointSaved':
      return `checkpoint ${short(event.data.checkpointId)} saved: ${event.data.steps} steps, ${event.data.tokens} tokens, train loss ${fmt(event.data.trainLoss)} nats/token (${fmt(event.data.trainLoss === null ? null : natsToBpb(event.data.trainLoss))} BPB), ${(event.data.wallTimeMs / 1000).toFixed(1)} s on ${event.data.backend}`;
    case 'TrainingFailed':
      return `training failed on ${name(event.data.batchId)} (${event.data.reason}): ${event.data.message}`;
    case 'RetentionScored':
      return `scored ${short(event.data.checkpointId)} on ${event.data.sets.length} held-out sets: retention ${fmt(event.data.retention)}, plasticity ${fmt(event.data.plasticity)}`;
    case 'ScoringFailed':
      return `scoring ${short(event.data.checkpointId)} on ${name(event.data.batchId)} failed after ${event.data.attempts} attempt${event.data.attempts === 1 ? '' : 's'}, given up: ${event.data.message}`;
    case 'ModelPromoted':
      return `PROMOTED ${short(event.data.checkpointId)} (was ${short(event.data.previousId)})`;
    case 'PromotionRejected':
      return `REJECTED ${short(event.data.checkpointId)}: ${event.data.rules.filter((r) => !r.passed).map((r) => `${r.rule}${r.evalSet ? ` on ${name(r.evalSet)}` : ''} ${r.message ? `(${r.message})` : `${fmt(r.value)} vs ${fmt(r.threshold)}`}`).join(', ')}`;
    case 'ChampionRolledBack':
      return `champion rolled back from ${short(event.data.from)} to ${short(event.data.to)} by ${event.data.by}: ${event.data.reason}`;
    default: {
      const unreachable: never = event;
      return String((unreachable as AnyEvent).type);
    }
  }
}
