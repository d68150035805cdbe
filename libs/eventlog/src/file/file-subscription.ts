// A consumer group's delivery loop over the embedded log: in order, commit after handling.
import { EventHandler, SubscribeOptions, Subscription } from '../port';
import { handleWithRetry } from '../retry';
import type { FileEventLog } from './file-event-log';
import { isUndecodable } from './partition-file';

const IDLE_POLL_MS = 100;

export class FileSubscription implements Subscription {
  private stopping = false;
  private loop: Promise<void> = Promise.resolve();

  constructor(
    private readonly log: FileEventLog,
    readonly group: string,
    private readonly handler: EventHandler,
    private readonly options: SubscribeOptions,
    private readonly next: number[],
    private readonly onStopped: () => void,
  ) {}

  start(): void {
    this.loop = this.run().catch((error) => this.options.onError?.(error, null, 0));
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    this.onStopped();
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      let progressed = false;
      for (let p = 0; p < this.next.length && !this.stopping; p++) {
        while (!this.stopping && this.next[p]! < this.log.partitions[p]!.length) {
          if (!(await this.deliver(p, this.next[p]!))) return;
          this.next[p]! += 1;
          await this.log.offsets.commit(this.group, { ...this.next });
          progressed = true;
        }
      }
      if (!progressed && !this.stopping) {
        await this.log.waitForAppend(IDLE_POLL_MS);
        await this.log.refresh();
      }
    }
  }

  /** Handles one position; false when stopped before it was handled (its offset stays uncommitted). */
  private async deliver(partition: number, offset: number): Promise<boolean> {
    const entry = this.log.partitions[partition]!.events[offset]!;
    if (isUndecodable(entry)) {
      await this.log.recordDeadLetter({ group: this.group, reason: entry.reason, event: null, raw: entry.raw, partition, offset });
      return true;
    }
    const stored = this.log.storedAt(partition, offset);
    if (!stored) return true; // a later duplicate of an event already delivered
    const outcome = await handleWithRetry(this.handler, stored, this.options, () => this.stopping);
    if (outcome === 'stopped') return false;
    if (!outcome.handled) {
      await this.log.recordDeadLetter({ group: this.group, reason: outcome.reason, event: stored.event, raw: null, partition, offset });
    }
    return true;
  }
}
