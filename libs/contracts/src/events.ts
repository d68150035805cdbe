// The event catalogue: type names with schema versions, payload schemas, and one union per stream.
import { z } from 'zod';
import * as data from './event-data';

/** Every event type with the payload schema of each version it is published in. */
export const EVENT_SCHEMAS = {
  LineageConfigured: { 1: data.LineageConfigured },
  DataBatchArrived: { 1: data.DataBatchArrived },
  BatchRejected: { 1: data.BatchRejected },
  IncrementStarted: { 1: data.IncrementStarted },
  CheckpointSaved: { 1: data.CheckpointSaved },
  TrainingFailed: { 1: data.TrainingFailed },
  RetentionScored: { 1: data.RetentionScored },
  ScoringFailed: { 1: data.ScoringFailed },
  ModelPromoted: { 1: data.ModelPromoted },
  PromotionRejected: { 1: data.PromotionRejected },
  ChampionRolledBack: { 1: data.ChampionRolledBack },
} as const;

export type EventName = keyof typeof EVENT_SCHEMAS;
export const EVENT_NAMES = Object.keys(EVENT_SCHEMAS) as EventName[];

export type EventDataOf<N extends EventName> = z.infer<(typeof EVENT_SCHEMAS)[N][1]>;

/** CloudEvents `type` attribute: `ratchet.<Name>.v<version>`. */
export const eventType = (name: EventName, version = 1): string => `ratchet.${name}.v${version}`;

/** CloudEvents 1.0 attributes plus correlation and causation ids. */
export interface EventEnvelope<N extends EventName = EventName> {
  id: string;
  source: string;
  specversion: '1.0';
  type: string;
  /** The lineage. */
  subject: string;
  time: string;
  correlationid: string;
  causationid: string | null;
  name: N;
  data: EventDataOf<N>;
}

export type AnyEvent = { [N in EventName]: EventEnvelope<N> }[EventName];
export type EventOf<N extends EventName> = Extract<AnyEvent, { name: N }>;

/** Streams: which service produces which events (DESIGN.md "Services"). */
export type IngestEvent = EventOf<'DataBatchArrived' | 'BatchRejected'>;
export type TrainingEvent = EventOf<'IncrementStarted' | 'CheckpointSaved' | 'TrainingFailed'>;
export type EvaluationEvent = EventOf<'RetentionScored' | 'ScoringFailed'>;
export type RegistryEvent = EventOf<
  'LineageConfigured' | 'ModelPromoted' | 'PromotionRejected' | 'ChampionRolledBack'
>;
export type RatchetEvent = IngestEvent | TrainingEvent | EvaluationEvent | RegistryEvent;

export type DataBatchArrived = EventDataOf<'DataBatchArrived'>;
export type BatchRejected = EventDataOf<'BatchRejected'>;
export type IncrementStarted = EventDataOf<'IncrementStarted'>;
export type CheckpointSaved = EventDataOf<'CheckpointSaved'>;
export type TrainingFailed = EventDataOf<'TrainingFailed'>;
export type RetentionScored = EventDataOf<'RetentionScored'>;
export type ScoringFailed = EventDataOf<'ScoringFailed'>;
export type ModelPromoted = EventDataOf<'ModelPromoted'>;
export type PromotionRejected = EventDataOf<'PromotionRejected'>;
export type ChampionRolledBack = EventDataOf<'ChampionRolledBack'>;
export type LineageConfigured = EventDataOf<'LineageConfigured'>;
export type EvalSetScore = z.infer<typeof data.EvalSetScore>;
export type RuleOutcome = z.infer<typeof data.RuleOutcome>;
export type RecordRejection = z.infer<typeof data.RecordRejection>;
