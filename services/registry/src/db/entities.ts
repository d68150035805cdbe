// The read models. Every row is keyed by natural ids (lineage, batch, checkpoint, event), so a
// rebuild from the log yields the same rows, and a table dump compares without ignoring anything.
// Column types are the ones both drivers know (text, integer, double precision, boolean);
// JSON goes into text through `simple-json`, so SQLite and PostgreSQL store it alike.
import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

const text = { type: 'text', nullable: true } as const;
const int = { type: 'integer', nullable: true } as const;
const real = { type: 'double precision', nullable: true } as const;
const json = { type: 'simple-json', nullable: true } as const;

@Entity('lineages')
export class LineageRow {
  @PrimaryColumn('text', { name: 'name' }) name!: string;
  @Column({ ...text, name: 'preset' }) preset!: string | null;
  /** The data of the latest LineageConfigured. */
  @Column({ ...json, name: 'config' }) config!: Record<string, unknown> | null;
  @Column({ ...text, name: 'config_event_id' }) configEventId!: string | null;
  @Column({ ...text, name: 'configured_at' }) configuredAt!: string | null;
  @Column({ ...text, name: 'champion_id' }) championId!: string | null;
  @Column({ type: 'integer', name: 'batch_count' }) batchCount!: number;
  @Column({ type: 'integer', name: 'refused_batch_count' }) refusedBatchCount!: number;
  @Column({ type: 'integer', name: 'checkpoint_count' }) checkpointCount!: number;
  @Column({ type: 'integer', name: 'failed_count' }) failedCount!: number;
  @Column({ type: 'integer', name: 'promoted_count' }) promotedCount!: number;
  @Column({ type: 'integer', name: 'rejected_count' }) rejectedCount!: number;
  @Column({ type: 'integer', name: 'rollback_count' }) rollbackCount!: number;
}

@Entity('batches')
export class BatchRow {
  @PrimaryColumn('text', { name: 'lineage' }) lineage!: string;
  @PrimaryColumn('text', { name: 'batch_id' }) batchId!: string;
  /** Arrival order within the lineage (0, 1, ...): the column order of the R matrix. */
  @Column({ type: 'integer', name: 'seq' }) seq!: number;
  /** pending | training | evaluating | deciding | promoted | rejected | failed | refused (BatchRejected by ingest). */
  @Column({ type: 'text', name: 'status' }) status!: string;
  @Column({ ...int, name: 'records' }) records!: number | null;
  @Column({ ...int, name: 'bytes' }) bytes!: number | null;
  @Column({ ...int, name: 'rejected_records' }) rejectedRecords!: number | null;
  @Column({ ...text, name: 'content_sha256' }) contentSha256!: string | null;
  @Column({ ...text, name: 'train_key' }) trainKey!: string | null;
  @Column({ ...text, name: 'held_out_key' }) heldOutKey!: string | null;
  @Column({ ...text, name: 'source' }) source!: string | null;
  @Column({ ...text, name: 'arrived_at' }) arrivedAt!: string | null;
  @Column({ ...text, name: 'event_id' }) eventId!: string | null;
  @Column({ ...text, name: 'checkpoint_id' }) checkpointId!: string | null;
  @Column({ ...text, name: 'parent_id' }) parentId!: string | null;
  /** Strategy and LR schedule of the IncrementStarted. */
  @Column({ ...json, name: 'increment' }) increment!: { strategy: Record<string, unknown>; lrSchedule: Record<string, unknown>; startedAt: string } | null;
  @Column({ ...json, name: 'failure' }) failure!: { reason: string; message: string; retryable: boolean; at: string } | null;
  /** Reasons of a BatchRejected, with where the records went. */
  @Column({ ...json, name: 'refusal' }) refusal!: { reasons: unknown[]; rejectedTo: string; at: string } | null;
  /** What people call the batch (the `label` of DataBatchArrived or BatchRejected); a display name, the id stays the key. */
  @Column({ ...text, name: 'label' }) label!: string | null;
}

@Entity('checkpoints')
@Index('idx_checkpoints_checkpoint_id', ['checkpointId'])
export class CheckpointRow {
  @PrimaryColumn('text', { name: 'lineage' }) lineage!: string;
  @PrimaryColumn('text', { name: 'checkpoint_id' }) checkpointId!: string;
  /** Save order within the lineage. */
  @Column({ type: 'integer', name: 'seq' }) seq!: number;
  @Column({ ...text, name: 'parent_id' }) parentId!: string | null;
  @Column({ type: 'text', name: 'batch_id' }) batchId!: string;
  /** The lineage config in force when it was saved, and the increment's strategy and LR schedule. */
  @Column({ ...json, name: 'config' }) config!: Record<string, unknown> | null;
  @Column({ type: 'text', name: 'object_key' }) objectKey!: string;
  @Column({ type: 'text', name: 'manifest_sha256' }) manifestSha256!: string;
  @Column({ type: 'integer', name: 'steps' }) steps!: number;
  @Column({ type: 'integer', name: 'tokens' }) tokens!: number;
  @Column({ ...real, name: 'train_loss' }) trainLoss!: number | null;
  @Column({ type: 'integer', name: 'wall_time_ms' }) wallTimeMs!: number;
  @Column({ type: 'text', name: 'backend' }) backend!: string;
  @Column({ type: 'text', name: 'saved_at' }) savedAt!: string;
  @Column({ type: 'text', name: 'saved_event_id' }) savedEventId!: string;
  @Column({ ...text, name: 'baseline_id' }) baselineId!: string | null;
  @Column({ ...real, name: 'retention' }) retention!: number | null;
  @Column({ ...real, name: 'plasticity' }) plasticity!: number | null;
  @Column({ ...real, name: 'bwt' }) bwt!: number | null;
  @Column({ ...real, name: 'forgetting' }) forgetting!: number | null;
  @Column({ ...text, name: 'scored_at' }) scoredAt!: string | null;
  @Column({ ...text, name: 'scored_event_id' }) scoredEventId!: string | null;
  /** promoted | rejected, or null while undecided. */
  @Column({ ...text, name: 'decision' }) decision!: string | null;
  @Column({ ...json, name: 'decision_rules' }) decisionRules!: unknown[] | null;
  @Column({ ...json, name: 'decision_policy' }) decisionPolicy!: Record<string, unknown> | null;
  @Column({ ...text, name: 'decided_at' }) decidedAt!: string | null;
  @Column({ ...text, name: 'decided_by' }) decidedBy!: string | null;
  @Column({ ...text, name: 'decision_event_id' }) decisionEventId!: string | null;
}

/** Who was champion when: one row per change, numbered per lineage. */
@Entity('champion_history')
export class ChampionChangeRow {
  @PrimaryColumn('text', { name: 'lineage' }) lineage!: string;
  @PrimaryColumn('integer', { name: 'position' }) position!: number;
  @Column({ type: 'text', name: 'checkpoint_id' }) checkpointId!: string;
  @Column({ ...text, name: 'previous_id' }) previousId!: string | null;
  /** promoted | rolled-back */
  @Column({ type: 'text', name: 'kind' }) kind!: string;
  @Column({ type: 'text', name: 'reason' }) reason!: string;
  @Column({ type: 'text', name: 'changed_by' }) by!: string;
  @Column({ type: 'text', name: 'changed_at' }) at!: string;
  @Column({ type: 'text', name: 'event_id' }) eventId!: string;
  @Column({ type: 'text', name: 'event_source' }) eventSource!: string;
}

/** One row per candidate × eval set: the cells of the R matrix, with the champion's and the untrained model's scores. */
@Entity('eval_scores')
export class EvalScoreRow {
  @PrimaryColumn('text', { name: 'lineage' }) lineage!: string;
  @PrimaryColumn('text', { name: 'checkpoint_id' }) checkpointId!: string;
  @PrimaryColumn('text', { name: 'eval_set' }) evalSet!: string;
  /** The candidate's own batch. */
  @Column({ type: 'text', name: 'batch_id' }) batchId!: string;
  @Column({ type: 'boolean', name: 'is_new' }) isNew!: boolean;
  @Column({ type: 'integer', name: 'tokens' }) tokens!: number;
  @Column({ ...text, name: 'baseline_id' }) baselineId!: string | null;
  @Column({ ...real, name: 'candidate_loss' }) candidateLoss!: number | null;
  @Column({ ...real, name: 'candidate_bpb' }) candidateBpb!: number | null;
  @Column({ ...real, name: 'baseline_loss' }) baselineLoss!: number | null;
  @Column({ ...real, name: 'baseline_bpb' }) baselineBpb!: number | null;
  @Column({ ...real, name: 'untrained_loss' }) untrainedLoss!: number | null;
  @Column({ ...real, name: 'untrained_bpb' }) untrainedBpb!: number | null;
}

/** Every event projected, by the log's dedup key (source + id): a re-delivered event changes nothing. */
@Entity('processed_events')
export class ProcessedEventRow {
  @PrimaryColumn('text', { name: 'source' }) source!: string;
  @PrimaryColumn('text', { name: 'event_id' }) eventId!: string;
  @Column({ type: 'text', name: 'type' }) type!: string;
  @Column({ type: 'text', name: 'lineage' }) lineage!: string;
  @Column({ type: 'text', name: 'time' }) time!: string;
}

export const READ_MODEL_ENTITIES = [LineageRow, BatchRow, CheckpointRow, ChampionChangeRow, EvalScoreRow, ProcessedEventRow];
