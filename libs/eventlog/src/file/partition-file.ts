// One partition of the embedded log: an append-only JSON-lines file, recovered after a crash.
import { promises as fs } from 'node:fs';
import { AnyEvent, dedupKey, fromJsonLine, toJsonLine } from '@ratchet/contracts';

export interface UndecodableLine {
  offset: number;
  raw: string;
  reason: string;
}

export class PartitionFile {
  readonly events: (AnyEvent | UndecodableLine)[] = [];
  private size = 0;
  /** Appends and refreshes run one at a time: interleaved, a refresh could ingest an append's bytes twice. */
  private exclusive: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly path: string,
    private readonly handle: fs.FileHandle,
    private readonly onEvent: (event: AnyEvent, offset: number) => void,
  ) {}

  /** Opens (or creates) the file, cutting off a torn last line left by a crash mid-append. */
  static async open(path: string, onEvent: (event: AnyEvent, offset: number) => void): Promise<PartitionFile> {
    const handle = await fs.open(path, 'a+');
    const file = new PartitionFile(path, handle, onEvent);
    const bytes = await fs.readFile(path);
    const complete = bytes.lastIndexOf(0x0a) + 1;
    if (complete < bytes.byteLength) await handle.truncate(complete);
    file.ingest(bytes.subarray(0, complete));
    return file;
  }

  get length(): number {
    return this.events.length;
  }

  /** Picks up lines appended by another writer of the same directory. */
  refresh(): Promise<void> {
    return this.serialized(() => this.refreshNow());
  }

  /** Appends events as one write followed by fsync: durable before it resolves. */
  append(events: AnyEvent[]): Promise<void> {
    return this.serialized(() => this.appendNow(events));
  }

  private serialized<T>(operation: () => Promise<T>): Promise<T> {
    const run = this.exclusive.then(operation);
    this.exclusive = run.catch(() => undefined);
    return run;
  }

  private async refreshNow(): Promise<void> {
    const { size } = await this.handle.stat();
    if (size <= this.size) return;
    const buffer = Buffer.alloc(size - this.size);
    await this.handle.read(buffer, 0, buffer.byteLength, this.size);
    const complete = buffer.lastIndexOf(0x0a) + 1;
    this.ingest(buffer.subarray(0, complete));
  }

  private async appendNow(events: AnyEvent[]): Promise<void> {
    if (events.length === 0) return;
    const text = events.map((e) => toJsonLine(e) + '\n').join('');
    const bytes = Buffer.from(text, 'utf8');
    await this.handle.appendFile(bytes);
    await this.handle.sync();
    this.ingest(bytes);
  }

  async close(): Promise<void> {
    await this.exclusive;
    await this.handle.close();
  }

  private ingest(bytes: Uint8Array): void {
    let start = 0;
    while (start < bytes.byteLength) {
      const end = bytes.indexOf(0x0a, start);
      if (end === -1) break;
      const line = bytes.subarray(start, end);
      const decoded = fromJsonLine(line);
      if (decoded.ok) {
        this.onEvent(decoded.value, this.events.length);
        this.events.push(decoded.value);
      } else {
        const raw = Buffer.from(line).toString('utf8');
        this.events.push({ offset: this.events.length, raw, reason: decoded.error.message });
      }
      start = end + 1;
    }
    this.size += start;
  }
}

export const isUndecodable = (entry: AnyEvent | UndecodableLine): entry is UndecodableLine => 'raw' in entry;
export { dedupKey };
