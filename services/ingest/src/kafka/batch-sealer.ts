/**
 * When a lineage's buffered Kafka records become a batch. A batch is sealed
 *   - by count: when it holds `maxRecords` records;
 *   - by bytes: before a record would take it past `maxBytes` (so a batch never exceeds it);
 *   - by time: once `windowMs` have passed since its first record, checked when the next record
 *     arrives (on the records' own timestamps) and by `due(now)` on a timer (whose `now` runs on the
 *     records' timestamps too: RecordClock), but only when it holds
 *     at least `minRecords` (a lone record waits for company: a batch needs a train and a held-out record);
 *   - by a seal message for the lineage, whatever it holds; only a seal message can name (label) the batch.
 * Measuring the window on the records' Kafka timestamps means a replay after a crash re-forms the
 * same batches, hence the same content-derived batch ids. No clock inside: callers pass times in.
 */

export type SealReason = 'records' | 'bytes' | 'window' | 'message';

export interface SealerLimits {
  maxRecords: number;
  maxBytes: number;
  windowMs: number;
  /** Fewest records the window seals. Default 2. */
  minRecords?: number;
}

export interface SealedBatch<T> {
  lineage: string;
  items: T[];
  bytes: number;
  reason: SealReason;
  /** Time of the first record. */
  openedAt: number;
  /** What people call the batch: the seal message's label, when it gave one. */
  label?: string;
}

interface OpenBatch<T> {
  items: T[];
  bytes: number;
  openedAt: number;
}

export class BatchSealer<T> {
  private readonly open = new Map<string, OpenBatch<T>>();
  private readonly minRecords: number;

  constructor(private readonly limits: SealerLimits) {
    if (!(limits.maxRecords >= 1 && limits.maxBytes >= 1 && limits.windowMs >= 1)) throw new RangeError('seal limits must be positive');
    this.minRecords = limits.minRecords ?? 2;
  }

  /** Buffers a record of `bytes` that arrived `at`; returns the batches this sealed (0, 1 or 2). */
  add(lineage: string, item: T, bytes: number, at: number): SealedBatch<T>[] {
    const sealed: SealedBatch<T>[] = [];
    const current = this.open.get(lineage);
    if (current && current.items.length >= this.minRecords && at >= current.openedAt + this.limits.windowMs) {
      sealed.push(this.take(lineage, 'window'));
    } else if (current && current.bytes + bytes > this.limits.maxBytes) {
      sealed.push(this.take(lineage, 'bytes'));
    }
    const batch = this.open.get(lineage) ?? { items: [], bytes: 0, openedAt: at };
    batch.items.push(item);
    batch.bytes += bytes;
    this.open.set(lineage, batch);
    if (batch.items.length >= this.limits.maxRecords) sealed.push(this.take(lineage, 'records'));
    return sealed;
  }

  /** A seal message (naming the batch `label`, when given): the open batch of `lineage`, whatever its size; null when nothing is buffered. */
  seal(lineage: string, label?: string): SealedBatch<T> | null {
    if (!this.open.has(lineage)) return null;
    const batch = this.take(lineage, 'message');
    return label === undefined ? batch : { ...batch, label };
  }

  /** Batches whose window has passed by `now` (the timer's check). */
  due(now: number): SealedBatch<T>[] {
    const lineages = [...this.open.entries()]
      .filter(([, b]) => b.items.length >= this.minRecords && now >= b.openedAt + this.limits.windowMs)
      .map(([lineage]) => lineage);
    return lineages.map((lineage) => this.take(lineage, 'window'));
  }

  /** Records buffered per lineage. */
  buffered(): Record<string, number> {
    return Object.fromEntries([...this.open.entries()].map(([lineage, b]) => [lineage, b.items.length]));
  }

  /** Drops every open batch (after a rebalance or failure the records are read again from the committed offsets). */
  clear(): void {
    this.open.clear();
  }

  private take(lineage: string, reason: SealReason): SealedBatch<T> {
    const batch = this.open.get(lineage)!;
    this.open.delete(lineage);
    return { lineage, items: batch.items, bytes: batch.bytes, reason, openedAt: batch.openedAt };
  }
}
