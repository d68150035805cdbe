import { Inject, Injectable } from '@nestjs/common';
import { AnyEvent, dedupKey } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { LineageState, emptyLineage, evolve } from '@ratchet/lineage';
import { EVENT_LOG } from '../runtime/tokens';

/** The in-memory state of every lineage, rebuilt from the log at start-up and kept current by the consumer. */
@Injectable()
export class LineageProjection {
  private readonly states = new Map<string, LineageState>();
  private readonly applied = new Set<string>();

  constructor(@Inject(EVENT_LOG) private readonly log: EventLog) {}

  async rebuild(): Promise<void> {
    this.states.clear();
    this.applied.clear();
    for (const { event } of await this.log.read()) this.apply(event);
  }

  /** Applies an event once; returns false when it was applied before. */
  apply(event: AnyEvent): boolean {
    const key = dedupKey(event);
    if (this.applied.has(key)) return false;
    this.applied.add(key);
    this.states.set(event.subject, evolve(this.get(event.subject), event));
    return true;
  }

  get(lineage: string): LineageState {
    return this.states.get(lineage) ?? emptyLineage(lineage);
  }

  lineages(): LineageState[] {
    return [...this.states.values()];
  }
}
