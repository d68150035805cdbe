// Opens the read-model database: PostgreSQL when a URL is given (production), else SQLite through
// sql.js (pure WebAssembly) in a file, or in memory for unit tests. Migrations run on open.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Client } from 'pg';
import { DataSource, DataSourceOptions } from 'typeorm';
import { REGISTRY_MIGRATIONS } from '../migrations';
import { AtomicFileWriter } from './atomic-file-writer';
import { READ_MODEL_ENTITIES } from './entities';

export type DatabaseSettings =
  | { kind: 'postgres'; url: string; schema: string }
  /** `file` null: an in-memory database (unit tests). */
  | { kind: 'sqlite'; file: string | null };

const common = {
  entities: READ_MODEL_ENTITIES,
  migrations: REGISTRY_MIGRATIONS,
  migrationsRun: true,
  migrationsTableName: 'registry_migrations',
  // The schema is the migrations' business, never TypeORM's guess from the entities.
  synchronize: false,
  logging: false,
} as const;

export async function openDataSource(settings: DatabaseSettings): Promise<DataSource> {
  let options: DataSourceOptions;
  if (settings.kind === 'postgres') {
    await ensureSchema(settings.url, settings.schema);
    options = { ...common, type: 'postgres', url: settings.url, schema: settings.schema, extra: { max: 5 } };
  } else if (settings.file) {
    mkdirSync(dirname(settings.file), { recursive: true });
    const writer = new AtomicFileWriter(settings.file);
    options = { ...common, type: 'sqljs', location: settings.file, autoSave: true, autoSaveCallback: (bytes: Uint8Array) => writer.write(bytes) };
  } else {
    options = { ...common, type: 'sqljs' };
  }
  const dataSource = new DataSource(options);
  await dataSource.initialize();
  return dataSource;
}

/** The schema must exist before TypeORM looks for its migrations table in it. */
async function ensureSchema(url: string, schema: string): Promise<void> {
  if (schema === 'public') return;
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  } finally {
    await client.end();
  }
}
