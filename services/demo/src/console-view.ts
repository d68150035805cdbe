// What the demo shows while it runs: a line per event and progress bars for training and scoring.
import { AnyEvent } from '@ratchet/contracts';
import { describeEvent } from './event-line';
import { ProgressBar } from './progress-bar';

export class ConsoleView {
  private bar: { key: string; bar: ProgressBar } | null = null;
  /** Batch ids by the folder they came from, for lines people can read. */
  readonly names = new Map<string, string>();

  /** `expected`: folder names in the order their batches will arrive, until ingest confirms them. */
  constructor(
    private readonly expected: string[] = [],
    private readonly out: NodeJS.WriteStream = process.stdout,
  ) {}

  event(event: AnyEvent): void {
    if (event.name === 'DataBatchArrived' && !this.names.has(event.data.batchId)) {
      const next = this.expected[this.names.size];
      if (next) this.names.set(event.data.batchId, next);
    }
    if (event.name === 'CheckpointSaved' || event.name === 'RetentionScored' || event.name === 'ScoringFailed') this.closeBar();
    this.line(`${event.time.slice(11, 19)}  ${describeEvent(event, (id) => this.name(id))}`);
  }

  name(batchId: string): string {
    return this.names.get(batchId) ?? batchId;
  }

  line(text: string): void {
    if (this.out.isTTY && this.bar) this.out.write('\r\x1b[2K');
    this.out.write(text + '\n');
  }

  progress(key: string, label: string, done: number, total: number, detail = ''): void {
    if (this.bar?.key !== key) {
      this.closeBar();
      this.bar = { key, bar: new ProgressBar(label, this.out) };
    }
    this.bar.bar.update(done, total, detail);
  }

  closeBar(): void {
    if (!this.bar) return;
    this.bar.bar.finish();
    this.bar = null;
  }
}
