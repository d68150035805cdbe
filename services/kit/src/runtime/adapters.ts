// Builds the adapters of the configured runtime (DESIGN.md "Runtimes").
import { join } from 'node:path';
import { EventLog, FileEventLog } from '@ratchet/eventlog';
import { LocalObjectStore, ObjectStore } from '@ratchet/objectstore';
import { BaseConfig } from '../config/env';
import { createProductionAdapters } from './production-adapters';

export interface Adapters {
  eventLog: EventLog;
  objectStore: ObjectStore;
  /** True when these adapters belong to the caller (closed by it), as in the embedded demo. */
  shared: boolean;
}

export async function createAdapters(config: BaseConfig): Promise<Adapters> {
  if (config.RATCHET_RUNTIME === 'production') return { ...(await createProductionAdapters(config)), shared: false };
  const eventLog = await FileEventLog.open({ dir: join(config.RATCHET_DATA_DIR, 'log') });
  const objectStore = await LocalObjectStore.open(join(config.RATCHET_DATA_DIR, 'objects'));
  return { eventLog, objectStore, shared: false };
}
