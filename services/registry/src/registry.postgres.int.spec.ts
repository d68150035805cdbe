// The read models on the real PostgreSQL of deploy/local/up.sh (RATCHET_DATABASE_URL), each run in
// a fresh schema that is dropped afterwards, so reruns start clean.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import request from 'supertest';
import { lineageStory } from './__fixtures__/lineage-story';
import { RunningRegistry, appendAll, projected, startRegistry } from './__fixtures__/registry-app';
import { loadRegistryConfig } from './config';
import { dumpReadModels } from './db/canonical-dump';
import { openDataSource } from './db/data-source';
import { RegistryQueries } from './queries/registry-queries';

jest.setTimeout(120_000);

const url = loadRegistryConfig().RATCHET_DATABASE_URL;
if (!url) {
  throw new Error('RATCHET_DATABASE_URL is not set: start deploy/local/up.sh and load its settings (set -a; . /tmp/ratchet-infra/env; set +a)');
}
const databaseUrl: string = url;

describe('registry read models on PostgreSQL', () => {
  const schemas: string[] = [];
  const freshSchema = () => {
    const schema = `registry_test_${process.pid}_${Date.now().toString(36)}_${schemas.length}`;
    schemas.push(schema);
    return schema;
  };

  afterAll(async () => {
    const client = new Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      for (const schema of schemas) await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await client.end();
    }
  });

  it('migrates an empty database to exactly the entities, and back down', async () => {
    const schema = freshSchema();
    const db = await openDataSource({ kind: 'postgres', url: databaseUrl, schema });
    try {
      const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema]);
      expect(tables.map((t: { table_name: string }) => t.table_name)).toEqual([
        'batches',
        'champion_history',
        'checkpoints',
        'eval_scores',
        'lineages',
        'processed_events',
        'registry_migrations',
      ]);
      const pending = await db.driver.createSchemaBuilder().log();
      expect(pending.upQueries.map((q) => q.query)).toEqual([]);
      await db.undoLastMigration();
      const left = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      expect(left.map((t: { table_name: string }) => t.table_name)).toEqual(['registry_migrations']);
      await db.runMigrations();
      expect(await db.showMigrations()).toBe(false);
    } finally {
      await db.destroy();
    }
  });

  describe('the registry app', () => {
    let dir: string;
    let registry: RunningRegistry | null = null;
    beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-registry-pg-'))));
    afterEach(async () => {
      await registry?.app.close();
      registry = null;
      await rm(dir, { recursive: true, force: true });
    });

    it('projects every event idempotently and rebuilds to identical content', async () => {
      const r = (registry = await startRegistry({ RATCHET_DATA_DIR: dir, RATCHET_DATABASE_URL: databaseUrl, RATCHET_DATABASE_SCHEMA: freshSchema() }));
      const events = [...lineageStory('lin'), ...lineageStory('other')];
      await appendAll(r, events);
      await projected(r);

      const queries = new RegistryQueries(r.readModels.db);
      expect(await queries.lineage('lin')).toMatchObject({
        champion: 'c1',
        counts: { batches: 4, refusedBatches: 1, checkpoints: 3, failed: 1, promoted: 2, rejected: 1, rollbacks: 1 },
      });
      const matrix = (await request(r.server as never).get('/lineages/other/matrix').expect(200)).body;
      expect(matrix.rows.map((row: { checkpointId: string }) => row.checkpointId)).toEqual(['other-c1', 'other-c2', 'other-c3']);
      expect(matrix.promoted.bpb.bwt).toBeCloseTo(-0.03, 9);

      const before = await dumpReadModels(r.readModels.db.manager);
      expect(before['processed_events']).toHaveLength((await r.log.read()).length);

      // the same events again (re-delivery): nothing changes
      const again = await Promise.all(events.map((event) => r.readModels.project(event)));
      expect(again.every((applied) => applied === false)).toBe(true);
      expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);

      const rebuilt = (await request(r.server as never).post('/admin/rebuild').expect(200)).body;
      expect(rebuilt.projected).toBe(before['processed_events']!.length);
      expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    });
  });
});
