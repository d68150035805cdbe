/**
 * Which offsets of the records topic may be committed: a partition's committed offset must not pass
 * a record that sits in a batch not yet sealed, stored and announced, or a crash would lose it.
 * Kafka commits "the next offset to read", so that is what `committable` returns.
 */
export class OffsetTracker {
  private readonly held = new Map<number, Set<number>>();
  private readonly next = new Map<number, number>();
  private readonly committed = new Map<number, number>();

  /** A message was handled; `held` when it waits in an open batch. */
  seen(partition: number, offset: number, held: boolean): void {
    this.next.set(partition, Math.max(this.next.get(partition) ?? 0, offset + 1));
    if (held) this.heldIn(partition).add(offset);
  }

  /** The records of a batch that was stored and announced. */
  release(entries: readonly { partition: number; offset: number }[]): void {
    for (const { partition, offset } of entries) this.held.get(partition)?.delete(offset);
  }

  /** Offsets to commit now (partition → next offset), only those that moved since the last call. */
  committable(): Map<number, number> {
    const out = new Map<number, number>();
    for (const [partition, next] of this.next) {
      const held = this.held.get(partition);
      const safe = held && held.size > 0 ? Math.min(...held) : next;
      if (safe > (this.committed.get(partition) ?? -1)) out.set(partition, safe);
    }
    return out;
  }

  /** Marks what `committable` returned as committed. */
  committedTo(offsets: Map<number, number>): void {
    for (const [partition, offset] of offsets) this.committed.set(partition, offset);
  }

  clear(): void {
    this.held.clear();
    this.next.clear();
    this.committed.clear();
  }

  private heldIn(partition: number): Set<number> {
    let set = this.held.get(partition);
    if (!set) this.held.set(partition, (set = new Set()));
    return set;
  }
}
