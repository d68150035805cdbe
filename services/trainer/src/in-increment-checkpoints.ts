// The in-increment checkpoints of one running increment: stored as they come (in order, one at a
// time), offered back after a crash, discarded once the increment's own checkpoint is stored.
import { Logger } from '@nestjs/common';
import { deleteCheckpoint, getCheckpoint, hasCheckpoint, putCheckpoint } from '@ratchet/artifacts';
import { CheckpointFiles, verifyCheckpoint } from '@ratchet/gpt';
import { ObjectStore } from '@ratchet/objectstore';

export class InIncrementCheckpoints {
  private writes: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix: string,
    private readonly logger: Logger,
  ) {}

  /** The last stored one, or undefined; a torn or corrupt one is dropped (the increment starts over). */
  async latest(): Promise<CheckpointFiles | undefined> {
    if (!(await hasCheckpoint(this.store, this.prefix))) return undefined;
    try {
      const files = await getCheckpoint(this.store, this.prefix);
      verifyCheckpoint(files);
      return files;
    } catch (error) {
      this.logger.warn({ msg: 'in-increment checkpoint unusable, starting the increment over', prefix: this.prefix, error: String(error) });
      await this.discard();
      return undefined;
    }
  }

  save(files: CheckpointFiles, step: number): void {
    this.writes = this.writes.then(async () => {
      await putCheckpoint(this.store, this.prefix, files);
      this.logger.log({ msg: 'in-increment checkpoint stored', prefix: this.prefix, step });
    });
  }

  /** Resolves when every save so far is stored (rejects if one failed). */
  flush(): Promise<void> {
    return this.writes;
  }

  async discard(): Promise<void> {
    await this.writes.catch(() => undefined);
    await deleteCheckpoint(this.store, this.prefix);
  }
}
