// The read models on the real PostgreSQL of deploy/local/up.sh (RATCHET_DATABASE_URL), each run in
// a fresh schema that is dropped afterwards, so reruns start clean.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { STORY_LABELS, lineageStory } from './__fixtures__/lineage-story';
import { RunningRegistry, appendAll, projected, startRegistry } from './__fixtures__/registry-app';
import { TestSchemas } from './__fixtures__/test-schemas';
import { dumpReadModels } from './db/canonical-dump';
import { openDataSource } from './db/data-source';
import { RegistryQueries } from './queries/registry-queries';

jest.setTimeout(120_000);

const schemas = new TestSchemas();
const databaseUrl = schemas.url;
const freshSchema = () => schemas.fresh();

describe('registry read models on PostgreSQL', () => {
  afterAll(() => schemas.dropAll());

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
      const labelColumn = async () =>
        db.query(`SELECT data_type, is_nullable FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'batches' AND column_name = 'label'`, [schema]);
      expect(await labelColumn()).toEqual([{ data_type: 'text', is_nullable: 'YES' }]);
      // down, one migration at a time: first the batch label, then every table
      await db.undoLastMigration();
      expect(await labelColumn()).toEqual([]);
      await db.undoLastMigration();
      const left = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [schema]);
      expect(left.map((t: { table_name: string }) => t.table_name)).toEqual(['registry_migrations']);
      await db.runMigrations();
      expect(await db.showMigrations()).toBe(false);
      expect(await labelColumn()).toEqual([{ data_type: 'text', is_nullable: 'YES' }]);
      expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
    } finally {
      await db.destroy();
    }
  });

  it('adds the batch label to a database projected before it, keeping its rows (unlabelled), and drops it again', async () => {
    const schema = freshSchema();
    const db = await openDataSource({ kind: 'postgres', url: databaseUrl, schema });
    try {
      await db.undoLastMigration(); // the database as it was before labels
      await db.query(`INSERT INTO "${schema}".batches (lineage, batch_id, seq, status, records, source) VALUES ('lin', 'b1', 0, 'pending', 10, 'http')`);
      await db.runMigrations();
      expect(await db.query(`SELECT batch_id, status, records, source, label FROM "${schema}".batches`)).toEqual([{ batch_id: 'b1', status: 'pending', records: 10, source: 'http', label: null }]);
      expect((await new RegistryQueries(db).matrix('lin')).evalSetLabels).toEqual([null]);
      await db.query(`UPDATE "${schema}".batches SET label = 'era 1' WHERE batch_id = 'b1'`);
      expect((await new RegistryQueries(db).matrix('lin')).evalSetLabels).toEqual(['era 1']);
      await db.undoLastMigration();
      expect(await db.query(`SELECT * FROM "${schema}".batches`)).toEqual([expect.objectContaining({ batch_id: 'b1', records: 10 })]);
      expect(Object.keys((await db.query(`SELECT * FROM "${schema}".batches`))[0])).not.toContain('label');
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
      expect(matrix.evalSetLabels).toEqual([STORY_LABELS.b1, STORY_LABELS.b2, null, null]);
      const detail = (await request(r.server as never).get('/lineages/lin').expect(200)).body;
      expect(detail.batches.map((b: { batchId: string; label: string | null }) => [b.batchId, b.label])).toEqual([
        ['b1', STORY_LABELS.b1],
        ['b2', STORY_LABELS.b2],
        ['b-bad', STORY_LABELS['b-bad']],
        ['b3', null],
        ['b4', null],
      ]);
      const checkpoints = (await request(r.server as never).get('/lineages/lin/checkpoints').expect(200)).body;
      expect(checkpoints.map((c: { checkpointId: string; batchLabel: string | null }) => [c.checkpointId, c.batchLabel])).toEqual([
        ['c1', STORY_LABELS.b1],
        ['c2', STORY_LABELS.b2],
        ['c3', null],
      ]);
      expect(matrix.promoted.bpb.bwt).toBeCloseTo(-0.03, 9);

      const before = await dumpReadModels(r.readModels.db.manager);
      expect(before['processed_events']).toHaveLength((await r.log.read()).length);
      expect(before['batches']!.filter((b) => b['label'] !== null)).toHaveLength(2 * 3); // the labels are part of what is rebuilt

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
