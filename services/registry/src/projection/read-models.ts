// The read-model database of the service: opened (and migrated) at start, caught up with the log,
// fed every consumed event, rebuilt on demand. Projection and rebuild run one at a time, in
// transactions, so a reader never sees a half-projected event or a half-rebuilt database.
import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { AnyEvent } from '@ratchet/contracts';
import { EventLog } from '@ratchet/eventlog';
import { EVENT_LOG, Readiness } from '@ratchet/service-kit';
import { DataSource } from 'typeorm';
import { clearReadModels } from '../db/canonical-dump';
import { DatabaseSettings, openDataSource } from '../db/data-source';
import { ReadModelProjector } from './read-model-projector';

export const DATABASE_SETTINGS = Symbol('DatabaseSettings');

export interface RebuildReport {
  events: number;
  projected: number;
}

@Injectable()
export class ReadModels implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('read-models');
  private dataSource: DataSource | null = null;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(DATABASE_SETTINGS) private readonly settings: DatabaseSettings,
    @Inject(EVENT_LOG) private readonly log: EventLog,
    readiness: Readiness,
  ) {
    readiness.register('read-models', () => this.dataSource?.isInitialized === true);
  }

  /** Runs before the kit subscribes to the log: the tables then hold every event already in it. */
  async onModuleInit(): Promise<void> {
    this.dataSource = await openDataSource(this.settings);
    const report = await this.replay(false);
    this.logger.log({ msg: 'read models caught up with the log', driver: this.settings.kind, ...report });
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue;
    await this.dataSource?.destroy();
    this.dataSource = null;
  }

  get db(): DataSource {
    if (!this.dataSource) throw new Error('the read-model database is not open');
    return this.dataSource;
  }

  /** Projects one event; false when it had been projected before. */
  project(event: AnyEvent): Promise<boolean> {
    return this.serially(() => this.db.transaction((em) => new ReadModelProjector(em).apply(event)));
  }

  /** Drops every row and replays the log from its first offset. */
  rebuild(): Promise<RebuildReport> {
    return this.serially(() => this.replay(true));
  }

  private async replay(clear: boolean): Promise<RebuildReport> {
    const stored = await this.log.read();
    return this.db.transaction(async (em) => {
      if (clear) await clearReadModels(em);
      const projector = new ReadModelProjector(em);
      let projected = 0;
      for (const { event } of stored) if (await projector.apply(event)) projected += 1;
      return { events: stored.length, projected };
    });
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }
}
