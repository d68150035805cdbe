// A terminal progress bar with ETA; on a non-TTY it prints a line every 10% instead of redrawing.
export class ProgressBar {
  private readonly started: number;
  private lastDecile = -1;
  /** The first report seen: the ETA comes from the rate since then, because the work may have begun
   *  well before this bar heard of it (a worker reports its first steps in one message). */
  private first: { at: number; done: number } | null = null;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly width = 28,
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
  }

  update(done: number, total: number, detail = ''): void {
    const fraction = total > 0 ? Math.min(1, done / total) : 0;
    const at = this.now();
    this.first ??= { at, done };
    const progressed = done - this.first.done;
    const eta = progressed > 0 ? (((at - this.first.at) / 1000) * Math.max(0, total - done)) / progressed : NaN;
    const text = `${this.label} ${bar(fraction, this.width)} ${String(Math.round(fraction * 100)).padStart(3)}% ${done}/${total} ETA ${clock(eta)} ${detail}`;
    if (this.out.isTTY) {
      this.out.write(`\r\x1b[2K${text}`);
      return;
    }
    const decile = Math.floor(fraction * 10);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.out.write(text + '\n');
    }
  }

  finish(detail = ''): void {
    const elapsed = (this.now() - this.started) / 1000;
    const text = `${this.label} ${bar(1, this.width)} 100% in ${clock(elapsed)} ${detail}`;
    this.out.write(this.out.isTTY ? `\r\x1b[2K${text}\n` : `${text}\n`);
  }
}

const bar = (fraction: number, width: number): string => {
  const filled = Math.round(fraction * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
};

export function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}
