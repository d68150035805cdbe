// What the demo shows while it runs: a line per event and progress bars for training and scoring.
import { AnyEvent } from '@ratchet/contracts';
import { describeEvent } from './event-line';
import { ProgressBar } from './progress-bar';

export class ConsoleView {
  private bar: { key: string; bar: ProgressBar } | null = null;
  /** Batch ids by their label (ingest names a folder's batches after the folder), for lines people can read. */
  private readonly names = new Map<string, string>();

  constructor(private readonly out: NodeJS.WriteStream = process.stdout) {}

  event(event: AnyEvent): void {
    if ((event.name === 'DataBatchArrived' || event.name === 'BatchRejected') && event.data.label && !this.names.has(event.data.batchId)) {
      this.names.set(event.data.batchId, event.data.label);
    }
    if (event.name === 'CheckpointSaved' || event.name === 'RetentionScored' || event.name === 'ScoringFailed') this.closeBar();
    this.line(`${event.time.slice(11, 19)}  ${describeEvent(event, (id) => this.name(id))}`);
  }

  /** The batch's label, or its id when it came without one. */
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
