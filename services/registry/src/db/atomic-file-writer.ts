// Saves the sql.js database image without ever leaving a half-written file: each image goes to a
// temporary sibling that is fsynced and renamed over the target. Saves run one after another, so
// the file always ends with the newest image even when TypeORM fires saves back to back.
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { dirname } from 'node:path';

export class AtomicFileWriter {
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  write(bytes: Uint8Array): Promise<void> {
    const next = this.chain.then(() => this.writeNow(bytes));
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every save requested so far has finished. */
  flushed(): Promise<void> {
    return this.chain;
  }

  private async writeNow(bytes: Uint8Array): Promise<void> {
    await fs.mkdir(dirname(this.file), { recursive: true });
    const tmp = `${this.file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, this.file);
  }
}
