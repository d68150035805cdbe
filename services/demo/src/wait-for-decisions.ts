import { AnyEvent } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { emptyLineage, evolve, isSettled } from '@ratchet/lineage';

/** Polls the log until `batches` batches of the lineage are settled (promoted, rejected or failed). */
export async function waitForDecisions(log: EventLog, lineage: string, batches: number, timeoutMs: number): Promise<AnyEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = (await log.read()).map((s) => s.event).filter((e) => e.subject === lineage);
    const state = events.reduce(evolve, emptyLineage(lineage));
    if (state.batches.filter(isSettled).length >= batches) return events;
    if (Date.now() > deadline) throw new Error(`gave up after ${timeoutMs / 1000} s: ${state.batches.filter(isSettled).length} of ${batches} batches decided`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}
