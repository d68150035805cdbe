// One job at a time (the CPU is small and a scoring job uses all of it), at most once per key in the queue.
export class SerialQueue {
  private readonly keys = new Set<string>();
  private tail: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(private readonly onError: (key: string, error: unknown) => void) {}

  /** False when `key` is queued or running already, or the queue was stopped. */
  add(key: string, task: () => Promise<void>): boolean {
    if (this.stopped || this.keys.has(key)) return false;
    this.keys.add(key);
    this.tail = this.tail.then(async () => {
      try {
        if (!this.stopped) await task();
      } catch (error) {
        this.onError(key, error);
      } finally {
        this.keys.delete(key);
      }
    });
    return true;
  }

  /** Jobs queued or running. */
  get size(): number {
    return this.keys.size;
  }

  /** Resolves when every job queued so far, and any they queued, has finished. */
  async idle(): Promise<void> {
    let seen: Promise<void>;
    do {
      seen = this.tail;
      await seen;
    } while (seen !== this.tail);
  }

  /** Runs no further job (the one in hand finishes or aborts on its own). */
  stop(): void {
    this.stopped = true;
  }
}
