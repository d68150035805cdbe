// Committed offsets of a consumer group, one small JSON file written atomically (tmp + fsync + rename).
import { promises as fs } from 'node:fs';
import { join } from 'node:path';

export type Offsets = Record<number, number>;

export class OffsetStore {
  constructor(private readonly dir: string) {}

  async load(group: string): Promise<Offsets | null> {
    try {
      return JSON.parse(await fs.readFile(this.path(group), 'utf8')) as Offsets;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw error;
    }
  }

  async commit(group: string, offsets: Offsets): Promise<void> {
    const target = this.path(group);
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await handle.writeFile(JSON.stringify(offsets));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, target);
  }

  private path(group: string): string {
    return join(this.dir, `${encodeURIComponent(group)}.json`);
  }
}
