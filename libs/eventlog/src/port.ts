// The EventLog port: the only channel between services (DESIGN.md "Services").
import { AnyEvent } from '@ratchet/contracts';

/** An event with its position in the log. Offsets count per partition from 0. */
export interface StoredEvent {
  event: AnyEvent;
  partition: number;
  offset: number;
}

export interface AppendResult {
  appended: number;
  /** Events skipped because an event with the same source+id is already in the log. */
  duplicates: number;
}

export interface ReadOptions {
  /** Next offset to read per partition; partitions not named are read from their first offset. */
  from?: Record<number, number>;
  limit?: number;
}

export type EventHandler = (stored: StoredEvent) => Promise<void>;

export interface SubscribeOptions {
  /** Where a group with no committed offset starts. Default: the first offset. */
  fromBeginning?: boolean;
  /** Attempts per event before it is dead-lettered and skipped. Default 5. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt. Default 100 ms. */
  retryBackoffMs?: number;
  /** Told about each handler failure (for logs and metrics). */
  onError?: (error: unknown, stored: StoredEvent | null, attempt: number) => void;
}

export interface Subscription {
  readonly group: string;
  /** Stops after the event in hand, committing its offset if it was handled. */
  stop(): Promise<void>;
}

/** An event that could not be handled or decoded, with the reason. */
export interface DeadLetter {
  group: string;
  reason: string;
  /** The decoded event, when it could be decoded. */
  event: AnyEvent | null;
  /** The raw message as text, when it could not be decoded. */
  raw: string | null;
  partition: number;
  offset: number;
}

export interface EventLog {
  /**
   * Appends events durably, keyed by lineage (`subject`), so that the events of one lineage are
   * totally ordered. Idempotent on source+id: an event already in the log is not appended again.
   */
  append(events: AnyEvent[]): Promise<AppendResult>;
  /** Reads events in log order per partition; each source+id at most once. */
  read(options?: ReadOptions): Promise<StoredEvent[]>;
  /**
   * Delivers events to `handler` as the named consumer group, one at a time per partition, in log
   * order, committing a group's offset only after its handler resolved. A handler that keeps
   * failing has its event dead-lettered after `maxAttempts`; undecodable messages too.
   */
  subscribe(group: string, handler: EventHandler, options?: SubscribeOptions): Promise<Subscription>;
  deadLetters(): Promise<DeadLetter[]>;
  close(): Promise<void>;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
export const DEFAULT_RETRY_BACKOFF_MS = 100;
