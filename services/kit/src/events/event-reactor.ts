import { AnyEvent } from '@ratchet/contracts';

/** What a service does with the events it consumes; the kit feeds it in log order. */
export interface EventReactor {
  /** The consumer group, e.g. `trainer`. */
  readonly group: string;
  /** Called after the projection has applied `event` (also for events it had seen). */
  react(event: AnyEvent): Promise<void>;
  /** Called once after start-up replay, to resume work a crash interrupted. */
  resume?(): Promise<void>;
}

export const EVENT_REACTOR = Symbol('EventReactor');
