// A lineage's state folded from its events (DESIGN.md "Services": every durable fact is an event).
import {
  CheckpointSaved,
  DataBatchArrived,
  LineageConfigured,
  RetentionScored,
  RuleOutcome,
} from '@ratchet/contracts';

export type BatchStatus =
  | 'pending' // arrived, no increment started yet
  | 'training' // IncrementStarted, no checkpoint yet
  | 'evaluating' // CheckpointSaved, no scores yet
  | 'deciding' // RetentionScored (or ScoringFailed: the candidate could not be scored), no decision yet
  | 'promoted'
  | 'rejected'
  | 'failed';

export interface BatchState {
  batchId: string;
  arrived: DataBatchArrived;
  /** Id of the DataBatchArrived event (the correlation id of its chain). */
  eventId: string;
  status: BatchStatus;
  checkpointId: string | null;
  parentId: string | null;
  failure: { reason: string; message: string; retryable: boolean } | null;
}

export interface CheckpointState {
  checkpointId: string;
  parentId: string | null;
  batchId: string;
  saved: CheckpointSaved;
  savedAt: string;
  scores: RetentionScored | null;
  /** The evaluator gave up on scoring it (ScoringFailed): it waits for no scores any more, only for the registry's rejection. */
  scoringFailure: { message: string; attempts: number; at: string; eventId: string } | null;
  decision: { outcome: 'promoted' | 'rejected'; rules: RuleOutcome[]; at: string } | null;
}

export interface ChampionChange {
  checkpointId: string;
  previousId: string | null;
  at: string;
  kind: 'promoted' | 'rolled-back';
  reason: string;
  by: string;
  eventId: string;
}

export interface LineageState {
  lineage: string;
  config: LineageConfigured | null;
  /** In arrival order. */
  batches: BatchState[];
  checkpoints: Record<string, CheckpointState>;
  champion: string | null;
  history: ChampionChange[];
  /** sha256 of every batch's content, to recognise a batch sent twice. */
  contentHashes: Record<string, string>;
}

export const emptyLineage = (lineage: string): LineageState => ({
  lineage,
  config: null,
  batches: [],
  checkpoints: {},
  champion: null,
  history: [],
  contentHashes: {},
});
