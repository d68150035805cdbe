import { Inject, Injectable } from '@nestjs/common';
import { AnyEvent, EventDataOf, EventName, EventOf, causedBy, createEvent } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { EVENT_LOG, SERVICE_NAME } from '../runtime/tokens';

/** Creates events with this service as `source` and appends them to the log. */
@Injectable()
export class EventPublisher {
  readonly source: string;

  constructor(
    @Inject(EVENT_LOG) private readonly log: EventLog,
    @Inject(SERVICE_NAME) service: string,
  ) {
    this.source = `ratchet/${service}`;
  }

  /** An event caused by `cause`; a deterministic `id` makes re-emission after a crash a no-op. */
  causedBy<N extends EventName>(cause: AnyEvent, name: N, data: EventDataOf<N>, id?: string): EventOf<N> {
    return createEvent(name, data, causedBy(cause, this.source, id));
  }

  /** The first event of a chain (e.g. a batch arriving), correlated by `correlationid`. */
  originate<N extends EventName>(name: N, data: EventDataOf<N>, subject: string, correlationid: string, id?: string): EventOf<N> {
    return createEvent(name, data, { source: this.source, subject, correlationid, ...(id ? { id } : {}) });
  }

  async publish(...events: AnyEvent[]): Promise<void> {
    await this.log.append(events);
  }
}
