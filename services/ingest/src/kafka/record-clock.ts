/**
 * "Now" on the records' own clock, for the timer that seals a batch whose window has passed: the
 * newest record's timestamp plus the wall time since that record was read. Live, record
 * timestamps follow the wall clock and so does this. In a replay after a crash, old records are
 * read again within milliseconds; on this clock a window that had not closed between two records
 * the first time does not close between them now, so the replay re-forms the same batches (the
 * wall clock would seal each half-read batch at the first tick, under a new content-derived id,
 * and its records would be trained twice).
 */
export class RecordClock {
  private newest: { timestamp: number; readAt: number } | null = null;

  /** A record with Kafka timestamp `timestamp` was read at wall time `readAt`. */
  observe(timestamp: number, readAt: number): void {
    if (!Number.isFinite(timestamp)) return;
    if (!this.newest || timestamp >= this.newest.timestamp) this.newest = { timestamp, readAt };
  }

  now(wallNow: number): number {
    return this.newest ? this.newest.timestamp + Math.max(0, wallNow - this.newest.readAt) : wallNow;
  }

  /** Forgets what was read (the records come again from the committed offsets). */
  clear(): void {
    this.newest = null;
  }
}
