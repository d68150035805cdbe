// The registry on the embedded runtime (file event log, local object store, SQLite file) in a temp dir;
// its API test also runs with the read models in PostgreSQL (the production database).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AnyEvent } from '@ratchet/contracts';
import { waitFor } from '@ratchet/eventlog/testing';
import { LineageEvents } from './__fixtures__/lineage-events';
import { RunningRegistry, appendAll, projected, startRegistry, storeTinyCheckpoint } from './__fixtures__/registry-app';
import { TestSchemas } from './__fixtures__/test-schemas';
import * as tf from '@tensorflow/tfjs-core';
import { dumpReadModels } from './db/canonical-dump';
import { ChampionModels } from './generation/champion-models';

const decisionsFor = async (registry: RunningRegistry, checkpointId: string): Promise<AnyEvent[]> =>
  (await registry.log.read())
    .map((s) => s.event)
    .filter((e) => (e.name === 'ModelPromoted' || e.name === 'PromotionRejected') && e.data.checkpointId === checkpointId);

jest.setTimeout(120_000);

describe('registry on the embedded runtime', () => {
  let dir: string;
  let registry: RunningRegistry | null = null;
  const schemas = new TestSchemas();
  afterAll(() => schemas.dropAll());
  const start = async (database: Record<string, string> = {}) => (registry = await startRegistry({ RATCHET_DATA_DIR: dir, ...database }));
  const stop = async () => {
    await registry?.app.close();
    registry = null;
  };

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-registry-'))));
  afterEach(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  const databases: [string, () => Record<string, string>][] = [
    ['SQLite', () => ({})],
    ['PostgreSQL', () => ({ RATCHET_DATABASE_URL: schemas.url, RATCHET_DATABASE_SCHEMA: schemas.fresh() })],
  ];

  it.each(databases)('decides promotions, answers the API, rolls back, generates, and rebuilds to the same content (read models in %s)', async (_name, database) => {
    const r = await start(database());
    const http = () => request(r.server as never);
    const e = new LineageEvents('sotu');
    const manifest = await storeTinyCheckpoint(r.store, 'checkpoints/sotu/c1');

    // PUT config: validated, then a LineageConfigured on the log
    const bad = await http().put('/lineages/sotu/config').send({ preset: 'nope', policy: { retentionTolerance: -1 } }).expect(400);
    expect(bad.body.problems).toEqual(
      expect.arrayContaining([
        { field: 'policy.retentionTolerance', reason: expect.stringMatching(/>=\s*0/) },
        { field: 'preset', reason: expect.stringContaining('unknown GPT preset "nope"') },
      ]),
    );
    // a strategy the trainer would refuse is refused here, with the trainer's own parser
    const typo = await http().put('/lineages/sotu/config').send({ preset: 'tiny', strategy: { spec: 'replay+ewx' } }).expect(400);
    expect(typo.body.problems).toEqual([{ field: 'strategy.spec', reason: expect.stringContaining('unknown strategy "ewx"') }]);
    expect(typo.body.message).toMatch(/^strategy\.spec: unknown strategy "ewx"/);
    const strategy = { spec: 'replay+ewc', replay: { ratio: 0.25 } };
    await http().put('/lineages/sotu/config').send({ preset: 'tiny', strategy, training: { batchSize: 4 }, policy: { retentionTolerance: 0.05 } }).expect(202);
    await waitFor(async () => (await http().get('/lineages/sotu')).body.config?.policy?.retentionTolerance === 0.05, 10_000, 'the config');
    expect((await http().get('/lineages/sotu')).body.config).toMatchObject({ strategy, training: { batchSize: 4 } });

    // first model: the registry decides against the untrained scores
    await appendAll(r, [e.arrived('b1'), e.started('b1', 'c1', null), e.saved('b1', 'c1', null, 'checkpoints/sotu/c1', manifest), e.scored('c1', 'b1', null, [['b1', 3, null, 8]])]);
    await waitFor(async () => (await http().get('/lineages/sotu/champion')).body.champion?.checkpointId === 'c1', 10_000, 'c1 to be champion');

    // an increment that forgets b1 beyond the lineage's 5% tolerance is rejected, with its numbers
    await appendAll(r, [e.arrived('b2'), e.started('b2', 'c2', 'c1'), e.saved('b2', 'c2', 'c1'), e.scored('c2', 'b2', 'c1', [['b1', 3.3, 3, 8], ['b2', 2.5, 4, 8]])]);
    const c2 = await waitFor(async () => (await http().get('/checkpoints/c2')).body.decision && (await http().get('/checkpoints/c2')).body, 10_000, 'a decision on c2');
    expect(c2.decision).toMatchObject({ outcome: 'rejected', eventId: 'decision:c2', by: 'ratchet/registry', policy: { retentionTolerance: 0.05 } });
    const retention = c2.decision.rules.find((x: { rule: string }) => x.rule === 'retention');
    expect(retention).toMatchObject({ passed: false, threshold: 0.05, evalSet: 'b1' });
    expect(retention.value).toBeCloseTo(0.1, 9);

    // the next increment passes and is promoted
    await appendAll(r, [e.arrived('b3'), e.started('b3', 'c3', 'c1'), e.saved('b3', 'c3', 'c1'), e.scored('c3', 'b3', 'c1', [['b1', 3.01, 3, 8], ['b2', 2.6, 4, 8], ['b3', 2, 4, 8]])]);
    await waitFor(async () => (await http().get('/lineages/sotu/champion')).body.champion?.checkpointId === 'c3', 10_000, 'c3 to be champion');
    // its promotion's gains against c1: retention = worst over b1, b2 = min(3 − 3.01, 4 − 2.6); plasticity = 4 − 2 on b3
    const gauge = async (name: string) => Number(/ (\S+)$/.exec((await http().get('/metrics')).text.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes('lineage="sotu"')) ?? ' NaN')![1]);
    await waitFor(async () => (await gauge('ratchet_champion_plasticity')) === 2, 10_000, 'the champion gauges');
    expect(await gauge('ratchet_champion_retention')).toBeCloseTo(-0.01, 9);

    // a re-delivered RetentionScored (new event id, same facts) yields no second decision
    await appendAll(r, [e.event('RetentionScored', (await r.log.read()).map((s) => s.event).find((x) => x.id === 'scored:c3')!.data as never, 'scored:c3-again')]);
    await projected(r);
    expect(await decisionsFor(r, 'c3')).toHaveLength(1);

    const lineage = (await http().get('/lineages/sotu').expect(200)).body;
    expect(lineage).toMatchObject({ champion: 'c3', counts: { batches: 3, checkpoints: 3, promoted: 2, rejected: 1, rollbacks: 0 } });
    expect((await http().get('/lineages').expect(200)).body.map((l: { lineage: string }) => l.lineage)).toEqual(['sotu']);
    const checkpoints = (await http().get('/lineages/sotu/checkpoints').expect(200)).body;
    expect(checkpoints.map((c: { checkpointId: string; parentId: string; isChampion: boolean }) => [c.checkpointId, c.parentId, c.isChampion])).toEqual([
      ['c1', null, false],
      ['c2', 'c1', false],
      ['c3', 'c1', true],
    ]);

    // the R matrix: all scored candidates as rows, metrics over the promoted ones (c1, c3)
    const matrix = (await http().get('/lineages/sotu/matrix').expect(200)).body;
    expect(matrix.evalSets).toEqual(['b1', 'b2', 'b3']);
    expect(matrix.rows.map((row: { checkpointId: string; bpb: unknown[] }) => [row.checkpointId, row.bpb])).toEqual([
      ['c1', [3, null, null]],
      ['c2', [3.3, 2.5, null]],
      ['c3', [3.01, 2.6, 2]],
    ]);
    expect(matrix.promoted).toMatchObject({ checkpointIds: ['c1', 'c3'], evalSets: ['b1', 'b3'] });
    expect(matrix.promoted.bpb.acc).toBeCloseTo((3.01 + 2) / 2, 9);
    expect(matrix.promoted.bpb.bwt).toBeCloseTo(-0.01, 9);

    // rollback: 409 to a model never champion or already champion, 404 for an unknown lineage
    await http().post('/lineages/sotu/rollback').send({ to: 'c2', by: 'alice', reason: 'try' }).expect(409);
    await http().post('/lineages/sotu/rollback').send({ to: 'c3', by: 'alice', reason: 'try' }).expect(409);
    await http().post('/lineages/nowhere/rollback').send({ to: 'c1', by: 'alice', reason: 'try' }).expect(404);
    const missingReason = await http().post('/lineages/sotu/rollback').send({ to: 'c1', by: 'alice' }).expect(400);
    expect(missingReason.body.problems).toEqual([{ field: 'reason', reason: expect.any(String) }]);
    const rolled = await http().post('/lineages/sotu/rollback').send({ to: 'c1', by: 'alice', reason: 'c3 writes gibberish' }).expect(202);
    expect(rolled.body).toMatchObject({ from: 'c3', to: 'c1' });
    const champion = await waitFor(async () => {
      const body = (await http().get('/lineages/sotu/champion')).body;
      return body.champion?.checkpointId === 'c1' && body;
    }, 10_000, 'the rollback');
    expect(champion.history.map((h: { kind: string; checkpointId: string; previousId: string; by: string; reason: string }) => [h.kind, h.checkpointId, h.previousId, h.by, h.reason])).toEqual([
      ['promoted', 'c1', null, 'ratchet/registry', 'passed the promotion policy'],
      ['promoted', 'c3', 'c1', 'ratchet/registry', 'passed the promotion policy'],
      ['rolled-back', 'c1', 'c3', 'alice', 'c3 writes gibberish'],
    ]);

    // generation from the champion c1 (a tiny untrained GPT): seeded, bounded
    const ask = { prompt: 'The state of the union', maxTokens: 12, temperature: 0.8, topK: 20, seed: 7 };
    const one = (await http().post('/lineages/sotu/generate').send(ask).expect(200)).body;
    const two = (await http().post('/lineages/sotu/generate').send(ask).expect(200)).body;
    expect(one).toMatchObject({ lineage: 'sotu', checkpointId: 'c1', tokens: 12 });
    expect(typeof one.text).toBe('string');
    expect(two.text).toBe(one.text);
    const tooLong = await http().post('/lineages/sotu/generate').send({ ...ask, maxTokens: 5000 }).expect(400);
    expect(tooLong.body.problems[0].field).toBe('maxTokens');
    await http().post('/lineages/nowhere/generate').send(ask).expect(404);

    // the cached champion model is disposed when the champion changes (here: back to c3, whose files are not stored)
    const models = r.app.get(ChampionModels);
    expect(models.cached()).toEqual({ sotu: 'c1' });
    const tensorsWithModel = tf.memory().numTensors;
    await http().post('/lineages/sotu/rollback').send({ to: 'c3', by: 'bob', reason: 'c1 was worse' }).expect(202);
    await waitFor(() => Object.keys(models.cached()).length === 0, 10_000, 'the cached model to be dropped');
    expect(tf.memory().numTensors).toBeLessThan(tensorsWithModel);
    const unavailable = await http().post('/lineages/sotu/generate').send(ask).expect(503);
    expect(unavailable.body.message).toContain('cannot load the champion c3');

    // 404s, dashboard, metrics, OpenAPI
    await http().get('/lineages/nowhere').expect(404);
    await http().get('/checkpoints/nothing').expect(404);
    await http().get('/lineages/sotu/checkpoints/nothing').expect(404);
    const page = await http().get('/lineages/sotu/dashboard').expect(200).expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<svg');
    expect(page.text).toContain('c3 writes gibberish');
    expect(page.text).toContain('c1 was worse');
    const retentionSection = page.text.slice(page.text.indexOf('Retention and plasticity per candidate'), page.text.indexOf('<h2>Champion history'));
    expect(retentionSection.match(/<tr><td>(c\d)<\/td>/g)).toEqual(['<tr><td>c1</td>', '<tr><td>c2</td>', '<tr><td>c3</td>']);
    const metrics = (await http().get('/metrics').expect(200)).text;
    const series = (name: string) => metrics.split('\n').filter((l) => l.startsWith(`${name}{`) && l.includes('lineage="sotu"'));
    expect(series('ratchet_promotions_total')).toEqual(
      expect.arrayContaining([expect.stringMatching(/outcome="promoted".* 2$/), expect.stringMatching(/outcome="rejected".* 1$/)]),
    );
    expect(series('ratchet_registry_rollbacks_total')).toEqual([expect.stringMatching(/ 2$/)]);
    // c3 is champion again (rolled back to): the gauges show the gains of the promotion that made it
    expect(series('ratchet_champion_plasticity')).toEqual([expect.stringMatching(/ 2$/)]);
    const openapi = (await http().get('/openapi.json').expect(200)).body;
    expect(Object.keys(openapi.paths)).toEqual(
      expect.arrayContaining([
        '/lineages',
        '/lineages/{lineage}',
        '/lineages/{lineage}/config',
        '/lineages/{lineage}/champion',
        '/lineages/{lineage}/checkpoints',
        '/checkpoints/{id}',
        '/lineages/{lineage}/matrix',
        '/lineages/{lineage}/rollback',
        '/lineages/{lineage}/generate',
        '/lineages/{lineage}/dashboard',
        '/admin/rebuild',
      ]),
    );

    // drop and rebuild from the log: the same content
    await projected(r);
    const before = await dumpReadModels(r.readModels.db.manager);
    const rebuilt = (await http().post('/admin/rebuild').expect(200)).body;
    expect(rebuilt).toEqual({ events: (await r.log.read()).length, projected: (await r.log.read()).length });
    expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    expect(before['champion_history']).toHaveLength(4);
  });

  it('keeps the read models in a file across restarts, and rebuilds them from the log when the file is gone', async () => {
    let r = await start();
    const e = new LineageEvents('lin');
    await appendAll(r, [e.arrived('b1'), e.saved('b1', 'c1', null), e.scored('c1', 'b1', null, [['b1', 3, null, 8]])]);
    await waitFor(async () => (await request(r.server as never).get('/lineages/lin')).body.champion === 'c1', 10_000, 'c1 to be champion');
    await projected(r);
    const before = await dumpReadModels(r.readModels.db.manager);
    await stop();

    r = await start();
    expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    await stop();

    await rm(join(dir, 'registry'), { recursive: true, force: true });
    r = await start();
    expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    expect((await request(r.server as never).get('/lineages/lin/champion').expect(200)).body.champion.checkpointId).toBe('c1');
  });
});
