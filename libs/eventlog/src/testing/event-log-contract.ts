// The EventLog contract: every adapter (local files, Kafka) must pass this suite.
import { AnyEvent } from '@ratchet/contracts';
import { EventLog, StoredEvent, SubscribeOptions, Subscription } from '../port';
import { numberOf, sampleEvent } from './sample-event';
import { waitFor } from './wait-for';

export interface EventLogHarness {
  /** Opens an adapter on a fresh, empty log (new topic / directory). */
  open(): Promise<EventLog>;
  /** Opens another instance on the same log, as a restarted process would. */
  reopen(): Promise<EventLog>;
  /** Removes what `open` created. */
  cleanup(): Promise<void>;
}

const numbers = (stored: StoredEvent[], lineage?: string) =>
  stored.filter((s) => !lineage || s.event.subject === lineage).map((s) => numberOf(s.event));

export function describeEventLogContract(adapter: string, makeHarness: () => EventLogHarness, timeoutMs = 20_000): void {
  describe(`EventLog contract: ${adapter}`, () => {
    let harness: EventLogHarness;
    let logs: EventLog[];
    let subs: Subscription[];

    const open = async (again = false) => {
      const log = again ? await harness.reopen() : await harness.open();
      logs.push(log);
      return log;
    };

    const collect = async (
      log: EventLog,
      group: string,
      sink: AnyEvent[],
      failOn?: (e: AnyEvent, attempt: number) => boolean,
      options: SubscribeOptions = { maxAttempts: 3, retryBackoffMs: 10 },
    ) => {
      const attempts = new Map<string, number>();
      const sub = await log.subscribe(
        group,
        async ({ event }) => {
          const attempt = (attempts.get(event.id) ?? 0) + 1;
          attempts.set(event.id, attempt);
          if (failOn?.(event, attempt)) throw new Error(`refusing ${event.id} on attempt ${attempt}`);
          sink.push(event);
        },
        options,
      );
      subs.push(sub);
      return sub;
    };

    beforeEach(() => {
      harness = makeHarness();
      logs = [];
      subs = [];
    });

    afterEach(async () => {
      for (const s of subs) await s.stop();
      for (const l of logs) await l.close();
      await harness.cleanup();
    });

    it('reads back appended events in order with increasing offsets', async () => {
      const log = await open();
      const result = await log.append([1, 2, 3].map((n) => sampleEvent('lin-a', n)));
      expect(result).toEqual({ appended: 3, duplicates: 0 });
      const stored = await log.read();
      expect(numbers(stored)).toEqual([1, 2, 3]);
      expect(stored[0]!.event).toEqual(sampleEvent('lin-a', 1));
      const offsets = stored.map((s) => s.offset);
      expect([...offsets].sort((a, b) => a - b)).toEqual(offsets);
      expect(new Set(offsets).size).toBe(3);
    }, timeoutMs);

    it('is idempotent on source+id, within one append and across appends', async () => {
      const log = await open();
      expect(await log.append([sampleEvent('lin-a', 1), sampleEvent('lin-a', 1)])).toEqual({ appended: 1, duplicates: 1 });
      expect(await log.append([sampleEvent('lin-a', 1), sampleEvent('lin-a', 2)])).toEqual({ appended: 1, duplicates: 1 });
      // the same id from another source is another event
      expect(await log.append([sampleEvent('lin-a', 1, 'ratchet/other')])).toEqual({ appended: 1, duplicates: 0 });
      expect((await log.read()).length).toBe(3);
    }, timeoutMs);

    it('reads from an offset', async () => {
      const log = await open();
      await log.append([1, 2, 3, 4].map((n) => sampleEvent('lin-a', n)));
      const all = await log.read();
      const third = all[2]!;
      const rest = await log.read({ from: { [third.partition]: third.offset } });
      expect(numbers(rest)).toEqual([3, 4]);
      expect(numbers(await log.read({ limit: 2 }))).toEqual([1, 2]);
    }, timeoutMs);

    it('keeps each lineage totally ordered for a subscriber', async () => {
      const log = await open();
      const seen: AnyEvent[] = [];
      await collect(log, 'order-group', seen);
      for (let n = 1; n <= 6; n++) await log.append([sampleEvent(n % 2 ? 'lin-a' : 'lin-b', n)]);
      await log.append([7, 8, 9].map((n) => sampleEvent('lin-b', n)));
      await waitFor(() => seen.length === 9, timeoutMs / 2, '9 events');
      const of = (lineage: string) => seen.filter((e) => e.subject === lineage).map(numberOf);
      expect(of('lin-a')).toEqual([1, 3, 5]);
      expect(of('lin-b')).toEqual([2, 4, 6, 7, 8, 9]);
    }, timeoutMs);

    it('delivers to each consumer group separately and resumes a group after its committed offset', async () => {
      const log = await open();
      await log.append([1, 2, 3].map((n) => sampleEvent('lin-a', n)));
      const first: AnyEvent[] = [];
      const sub = await collect(log, 'group-1', first);
      await waitFor(() => first.length === 3, timeoutMs / 2, 'first delivery');
      await sub.stop();
      subs.splice(subs.indexOf(sub), 1);

      await log.append([4, 5].map((n) => sampleEvent('lin-a', n)));
      const resumed: AnyEvent[] = [];
      await collect(log, 'group-1', resumed);
      const other: AnyEvent[] = [];
      await collect(log, 'group-2', other);
      await waitFor(() => resumed.length === 2 && other.length === 5, timeoutMs / 2, 'resumed delivery');
      expect(resumed.map(numberOf)).toEqual([4, 5]);
      expect(other.map(numberOf)).toEqual([1, 2, 3, 4, 5]);
    }, timeoutMs);

    it('redelivers an event whose handler failed, before anything after it', async () => {
      const log = await open();
      const seen: AnyEvent[] = [];
      await collect(log, 'retry-group', seen, (e, attempt) => numberOf(e) === 2 && attempt === 1);
      await log.append([1, 2, 3].map((n) => sampleEvent('lin-a', n)));
      await waitFor(() => seen.length === 3, timeoutMs / 2, 'retried delivery');
      expect(seen.map(numberOf)).toEqual([1, 2, 3]);
    }, timeoutMs);

    it('dead-letters an event that keeps failing, with the reason, and goes on', async () => {
      const log = await open();
      const seen: AnyEvent[] = [];
      await collect(log, 'poison-group', seen, (e) => numberOf(e) === 2);
      await log.append([1, 2, 3].map((n) => sampleEvent('lin-a', n)));
      await waitFor(() => seen.length === 2, timeoutMs / 2, 'delivery past the poison event');
      expect(seen.map(numberOf)).toEqual([1, 3]);
      const letters = await waitFor(async () => {
        const all = await log.deadLetters();
        return all.length > 0 ? all : null;
      }, timeoutMs / 2, 'a dead letter');
      expect(letters[0]!.group).toBe('poison-group');
      expect(letters[0]!.event?.id).toBe('lin-a-2');
      expect(letters[0]!.reason).toMatch(/refusing lin-a-2/);
    }, timeoutMs);

    it('after a restart loses nothing appended and redelivers nothing committed', async () => {
      const log = await open();
      await log.append([1, 2, 3].map((n) => sampleEvent('lin-a', n)));
      const before: AnyEvent[] = [];
      // Event 3 keeps failing until the stop: with attempts to spare it is neither handled nor
      // dead-lettered (and so not committed) however late the stop comes.
      const sub = await collect(log, 'restart-group', before, (e) => numberOf(e) === 3, { maxAttempts: 1000, retryBackoffMs: 10 });
      await waitFor(() => before.length === 2, timeoutMs / 2, 'two events before the restart');
      await sub.stop();
      subs.splice(subs.indexOf(sub), 1);
      await log.close();
      logs.splice(logs.indexOf(log), 1);

      const again = await open(true);
      expect(numbers(await again.read())).toEqual([1, 2, 3]);
      await again.append([sampleEvent('lin-a', 3), sampleEvent('lin-a', 4)]); // 3 is a duplicate
      const after: AnyEvent[] = [];
      await collect(again, 'restart-group', after);
      await waitFor(() => after.length >= 2, timeoutMs / 2, 'delivery after the restart');
      expect(after.map(numberOf)).toEqual([3, 4]);
      expect(numbers(await again.read())).toEqual([1, 2, 3, 4]);
    }, timeoutMs);
  });
}
