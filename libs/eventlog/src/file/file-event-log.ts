// Embedded EventLog: append-only JSON-lines files on local disk, one per partition.
import { EventEmitter } from 'node:events';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { AnyEvent, dedupKey } from '@ratchet/contracts';
import { partitionOf } from '../partitioning';
import {
  AppendResult,
  DeadLetter,
  EventHandler,
  EventLog,
  ReadOptions,
  StoredEvent,
  SubscribeOptions,
  Subscription,
} from '../port';
import { OffsetStore } from './offset-store';
import { PartitionFile, isUndecodable } from './partition-file';
import { FileSubscription } from './file-subscription';

export interface FileEventLogOptions {
  dir: string;
  /** Used only when the directory is new; afterwards the stored count wins. Default 1. */
  partitions?: number;
}

interface Position {
  partition: number;
  offset: number;
}

export class FileEventLog implements EventLog {
  private readonly firstSeen = new Map<string, Position>();
  private readonly appended = new EventEmitter();
  private readonly subscriptions = new Set<FileSubscription>();
  private writeQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  readonly offsets: OffsetStore;

  private constructor(
    readonly dir: string,
    readonly partitions: PartitionFile[],
  ) {
    this.offsets = new OffsetStore(join(dir, 'groups'));
    this.appended.setMaxListeners(0);
  }

  static async open(options: FileEventLogOptions): Promise<FileEventLog> {
    const { dir } = options;
    await fs.mkdir(join(dir, 'groups'), { recursive: true });
    const count = await partitionCount(dir, options.partitions ?? 1);
    const instance = new FileEventLog(dir, []);
    for (let p = 0; p < count; p++) {
      const track = (event: AnyEvent, offset: number) => instance.track(event, p, offset);
      instance.partitions.push(await PartitionFile.open(join(dir, `partition-${p}.jsonl`), track));
    }
    return instance;
  }

  append(events: AnyEvent[]): Promise<AppendResult> {
    const run = this.writeQueue.then(() => this.appendNow(events));
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  async read(options: ReadOptions = {}): Promise<StoredEvent[]> {
    await this.refresh();
    const out: StoredEvent[] = [];
    const limit = options.limit ?? Infinity;
    for (let p = 0; p < this.partitions.length && out.length < limit; p++) {
      const file = this.partitions[p]!;
      for (let offset = options.from?.[p] ?? 0; offset < file.length && out.length < limit; offset++) {
        const stored = this.storedAt(p, offset);
        if (stored) out.push(stored);
      }
    }
    return out;
  }

  async subscribe(group: string, handler: EventHandler, options: SubscribeOptions = {}): Promise<Subscription> {
    if (this.closed) throw new Error('event log is closed');
    const committed = await this.offsets.load(group);
    const start = this.partitions.map((file, p) => committed?.[p] ?? (options.fromBeginning === false ? file.length : 0));
    const subscription = new FileSubscription(this, group, handler, options, start, () =>
      this.subscriptions.delete(subscription),
    );
    this.subscriptions.add(subscription);
    subscription.start();
    return subscription;
  }

  async deadLetters(): Promise<DeadLetter[]> {
    try {
      const text = await fs.readFile(join(this.dir, 'dead-letters.jsonl'), 'utf8');
      return text
        .split('\n')
        .filter((l) => l.length > 0)
        .map((l) => JSON.parse(l) as DeadLetter);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.writeQueue;
    await Promise.all(this.partitions.map((f) => f.close()));
  }

  /** The event at a position, or null when it is a later duplicate of an earlier event. */
  storedAt(partition: number, offset: number): StoredEvent | null {
    const entry = this.partitions[partition]!.events[offset];
    if (!entry || isUndecodable(entry)) return null;
    const first = this.firstSeen.get(dedupKey(entry));
    if (first && (first.partition !== partition || first.offset !== offset)) return null;
    return { event: entry, partition, offset };
  }

  async recordDeadLetter(letter: DeadLetter): Promise<void> {
    await fs.appendFile(join(this.dir, 'dead-letters.jsonl'), JSON.stringify(letter) + '\n');
  }

  /** Resolves on the next append or after `ms`, whichever comes first. */
  waitForAppend(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.appended.off('append', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.appended.on('append', done);
    });
  }

  async refresh(): Promise<void> {
    if (!this.closed) await Promise.all(this.partitions.map((f) => f.refresh()));
  }

  private track(event: AnyEvent, partition: number, offset: number): void {
    const key = dedupKey(event);
    if (!this.firstSeen.has(key)) this.firstSeen.set(key, { partition, offset });
  }

  private async appendNow(events: AnyEvent[]): Promise<AppendResult> {
    if (this.closed) throw new Error('event log is closed');
    await this.refresh();
    const fresh = new Map<string, AnyEvent>();
    for (const event of events) {
      const key = dedupKey(event);
      if (!this.firstSeen.has(key) && !fresh.has(key)) fresh.set(key, event);
    }
    const byPartition = new Map<number, AnyEvent[]>();
    for (const event of fresh.values()) {
      const p = partitionOf(event.subject, this.partitions.length);
      byPartition.set(p, [...(byPartition.get(p) ?? []), event]);
    }
    for (const [p, list] of byPartition) await this.partitions[p]!.append(list);
    if (fresh.size > 0) this.appended.emit('append');
    return { appended: fresh.size, duplicates: events.length - fresh.size };
  }
}

async function partitionCount(dir: string, requested: number): Promise<number> {
  const metaPath = join(dir, 'log.json');
  try {
    return (JSON.parse(await fs.readFile(metaPath, 'utf8')) as { partitions: number }).partitions;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    if (!Number.isInteger(requested) || requested < 1) throw new Error(`partitions must be >= 1, got ${requested}`);
    await fs.writeFile(metaPath, JSON.stringify({ partitions: requested }));
    return requested;
  }
}
