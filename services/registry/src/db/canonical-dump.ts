// Every read-model table as plain rows ordered by primary key: two dumps are equal exactly when
// the tables hold the same content (the rebuild test compares them, ignoring nothing).
import { EntityManager } from 'typeorm';
import { READ_MODEL_ENTITIES } from './entities';

export type ReadModelDump = Record<string, Record<string, unknown>[]>;

export async function dumpReadModels(em: EntityManager): Promise<ReadModelDump> {
  const dump: ReadModelDump = {};
  for (const entity of READ_MODEL_ENTITIES) {
    const meta = em.connection.getMetadata(entity);
    const order = Object.fromEntries(meta.primaryColumns.map((c) => [c.propertyName, 'ASC' as const]));
    const rows = await em.find(entity, { order });
    dump[meta.tableName] = rows.map((row) => ({ ...(row as object) }));
  }
  return dump;
}

/** Empties every read-model table (TRUNCATE on PostgreSQL, DELETE on SQLite). */
export async function clearReadModels(em: EntityManager): Promise<void> {
  for (const entity of READ_MODEL_ENTITIES) await em.clear(entity);
}
