// App-level idempotence on source+id over Kafka.
//
// The broker's idempotent producer only drops duplicates of a retried request; the contract also
// wants an event re-sent later (a service restarting and re-emitting) to be appended once. So each
// adapter instance keeps an index "dedup key -> position of its first copy" covering a prefix of
// every partition:
//   - at open it scans the topic up to the high watermarks;
//   - before an append it catches up (new high watermarks; scans only what others wrote) and
//     appends only keys it does not know, then records where its own records landed;
//   - readers and subscribers skip a record whose key's first copy is elsewhere.
// Two processes appending the same event at the same instant can both write it; readers and
// subscribers still see it once, because "first copy" is a property of the log: in one partition
// it is the lowest offset. Across partitions (the same source+id with two different subjects) the
// copy an instance indexes first wins, which can differ between instances.
// Memory: one map entry per event (the key and a short position string).

export interface IndexedRecord {
  partition: number;
  offset: number;
  /** null for a record that is not a decodable event. */
  key: string | null;
}

/** Reads partitions from[p]..to[p] (exclusive) in offset order. */
export type ScanFn = (from: number[], to: number[]) => Promise<IndexedRecord[]>;

const at = (partition: number, offset: number) => `${partition}:${offset}`;

export class DedupIndex {
  private readonly first = new Map<string, string>();
  /** Per partition, the next offset not indexed yet. */
  private readonly next: number[];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    partitions: number,
    private readonly scan: ScanFn,
    private readonly watermarks: () => Promise<number[]>,
  ) {
    this.next = new Array<number>(partitions).fill(0);
  }

  get size(): number {
    return this.first.size;
  }

  has(key: string): boolean {
    return this.first.has(key);
  }

  /** Whether (partition, offset) holds the first copy of `key`; valid for indexed positions. */
  isFirstIndexed(key: string, partition: number, offset: number): boolean {
    return this.first.get(key) === at(partition, offset);
  }

  /** Indexes everything up to the current high watermarks and returns them. */
  catchUp(): Promise<number[]> {
    return this.locked(async () => {
      const hw = await this.watermarks();
      await this.indexUpTo(hw);
      return hw;
    });
  }

  /** Records our own append: `keys` landed in `partition` from `baseOffset` on, in order. */
  recordAppend(partition: number, baseOffset: number, keys: string[]): Promise<void> {
    return this.locked(async () => {
      await this.indexUpTo(this.target(partition, baseOffset));
      keys.forEach((key, i) => this.register(key, partition, baseOffset + i));
      this.next[partition] = Math.max(this.next[partition]!, baseOffset + keys.length);
    });
  }

  /** For a subscriber: whether the record at (partition, offset) is the first copy of `key`. */
  isFirst(key: string, partition: number, offset: number): Promise<boolean> {
    return this.locked(async () => {
      if (offset >= this.next[partition]!) {
        // a gap: records someone else wrote (and another member of the group handled)
        await this.indexUpTo(this.target(partition, offset));
        this.register(key, partition, offset);
        this.next[partition] = offset + 1;
      }
      return this.isFirstIndexed(key, partition, offset);
    });
  }

  private target(partition: number, offset: number): number[] {
    return this.next.map((n, p) => (p === partition ? Math.max(n, offset) : n));
  }

  private async indexUpTo(to: number[]): Promise<void> {
    if (!to.some((t, p) => t > this.next[p]!)) return;
    const records = await this.scan([...this.next], to);
    for (const r of records) if (r.key !== null) this.register(r.key, r.partition, r.offset);
    to.forEach((t, p) => (this.next[p] = Math.max(this.next[p]!, t)));
  }

  private register(key: string, partition: number, offset: number): void {
    if (!this.first.has(key)) this.first.set(key, at(partition, offset));
  }

  private locked<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
