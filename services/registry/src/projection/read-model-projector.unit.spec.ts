import { AnyEvent } from '@ratchet/contracts';
import { DataSource } from 'typeorm';
import { LineageEvents } from '../__fixtures__/lineage-events';
import { STORY_LABELS, lineageStory } from '../__fixtures__/lineage-story';
import { openDataSource } from '../db/data-source';
import { clearReadModels, dumpReadModels } from '../db/canonical-dump';
import { RegistryQueries } from '../queries/registry-queries';
import { ReadModelProjector } from './read-model-projector';

// sql.js runs in memory here: no I/O, so these are unit tests of the projection logic.
describe('read-model projection', () => {
  let db: DataSource;
  beforeEach(async () => (db = await openDataSource({ kind: 'sqlite', file: null })));
  afterEach(() => db.destroy());

  const project = async (events: AnyEvent[]) => {
    const applied: boolean[] = [];
    for (const event of events) applied.push(await db.transaction((em) => new ReadModelProjector(em).apply(event)));
    return applied;
  };

  it('leaves no difference between the migrated schema and the entities', async () => {
    const pending = await db.driver.createSchemaBuilder().log();
    expect(pending.upQueries.map((q) => q.query)).toEqual([]);
  });

  it('projects a lineage: config, champion, counts, batches, checkpoints with decisions, history, scores', async () => {
    await project([...lineageStory('lin'), ...lineageStory('other')]);
    const queries = new RegistryQueries(db);

    expect((await queries.lineages()).map((l) => l.lineage)).toEqual(['lin', 'other']);
    const lin = await queries.lineage('lin');
    expect(lin).toMatchObject({
      lineage: 'lin',
      preset: 'tiny',
      champion: 'c1',
      config: { preset: 'tiny', policy: { retentionTolerance: 0.02 } },
      counts: { batches: 4, refusedBatches: 1, checkpoints: 3, failed: 1, promoted: 2, rejected: 1, rollbacks: 1 },
    });
    expect(lin!.batches.map((b) => [b.batchId, b.status, b.label])).toEqual([
      ['b1', 'promoted', STORY_LABELS.b1],
      ['b2', 'promoted', STORY_LABELS.b2],
      ['b-bad', 'refused', STORY_LABELS['b-bad']],
      ['b3', 'rejected', null],
      ['b4', 'failed', null],
    ]);

    const [c3] = await queries.checkpointsById('c3');
    expect(c3).toMatchObject({
      lineage: 'lin',
      parentId: 'c2',
      batchId: 'b3',
      batchLabel: null,
      backend: 'wasm',
      config: { strategy: { replay: 0.05 }, lrSchedule: { peak: 3e-4 }, lineage: { preset: 'tiny' } },
      train: { steps: 10, tokens: 1000, trainLoss: 2.5, wallTimeMs: 1234 },
      decision: { outcome: 'rejected', rules: [{ rule: 'retention', passed: false, value: 0.05, threshold: 0.02, evalSet: 'b1' }], by: 'ratchet/registry', eventId: 'decision:c3' },
      isChampion: false,
    });
    expect(c3!.scores!.sets.map((s) => [s.evalSet, s.evalSetLabel, s.isNew, s.candidate.bpb, s.baseline?.bpb, s.untrained?.bpb])).toEqual([
      ['b1', STORY_LABELS.b1, false, 3.5, 3.03, 8],
      ['b2', STORY_LABELS.b2, false, 2.4, 2.5, 8],
      ['b3', null, true, 2, 4, 8],
    ]);
    const [c2] = await queries.checkpoints('lin', 'c1').then((all) => all.filter((c) => c.checkpointId === 'c2'));
    expect(c2).toMatchObject({ batchId: 'b2', batchLabel: STORY_LABELS.b2 });
    // labels are per lineage: the other lineage's batches have the same ids and labels of their own rows
    const [otherC1] = await queries.checkpointsById('other-c1');
    expect(otherC1).toMatchObject({ lineage: 'other', batchId: 'b1', batchLabel: STORY_LABELS.b1 });
    expect((await queries.report('lin'))!.decisions.map((d) => [d.checkpointId, d.batchLabel])).toEqual([
      ['c1', STORY_LABELS.b1],
      ['c2', STORY_LABELS.b2],
      ['c3', null],
    ]);

    expect((await queries.history('lin')).map((h) => [h.kind, h.checkpointId, h.previousId, h.by])).toEqual([
      ['promoted', 'c1', null, 'ratchet/registry'],
      ['promoted', 'c2', 'c1', 'ratchet/registry'],
      ['rolled-back', 'c1', 'c2', 'alice'],
    ]);
  });

  it('changes nothing when an event is delivered again', async () => {
    const story = lineageStory();
    expect(await project(story)).toEqual(story.map(() => true));
    const before = await dumpReadModels(db.manager);
    expect(await project([story[3]!, story[10]!, story[20]!])).toEqual([false, false, false]);
    expect(await dumpReadModels(db.manager)).toEqual(before);
  });

  it('keeps the label of the first arrival; a refusal under the same id before names the batch until the arrival does', async () => {
    const e = new LineageEvents();
    await project([e.arrived('b1', 'b1', 'first name'), e.arrived('b1', 'b1', 'second name'), e.arrived('b1-again', 'b1', 'third name')]);
    await project([e.refused('b2', 'refused name'), e.arrived('b2')]);
    await project([e.refused('b3'), e.arrived('b3', 'b3', 'arrival name')]);
    await project([e.arrived('b4', 'b4', 'arrived first'), e.refused('b4', 'refused later')]);
    const batches = (await new RegistryQueries(db).lineage('lin'))!.batches;
    expect(batches.map((b) => [b.batchId, b.label])).toEqual([
      ['b1', 'first name'],
      ['b2', 'refused name'],
      ['b3', 'arrival name'],
      ['b4', 'arrived first'],
    ]);
  });

  it('adds the label column to tables with rows in them (rows read as unlabelled), and takes it away again', async () => {
    await project(lineageStory());
    await db.undoLastMigration();
    const columns = async () => ((await db.query(`PRAGMA table_info('batches')`)) as { name: string }[]).map((c) => c.name);
    expect(await columns()).not.toContain('label');
    const kept = await db.query(`SELECT batch_id, status FROM batches ORDER BY seq`);
    expect(kept).toHaveLength(5);
    await db.runMigrations();
    expect(await columns()).toContain('label');
    expect(await db.query(`SELECT batch_id, status, label FROM batches ORDER BY seq`)).toEqual(kept.map((r: object) => ({ ...r, label: null })));
    expect((await db.driver.createSchemaBuilder().log()).upQueries).toEqual([]);
  });

  it('keeps the first decision and ignores a stale rollback or a repeated arrival', async () => {
    const e = new LineageEvents();
    await project([e.arrived('b1'), e.saved('b1', 'c1', null), e.promoted('c1', null)]);
    const before = await dumpReadModels(db.manager);
    // new event ids, same facts: a second decision, a rollback from a model that is not champion, the same content again
    await project([
      e.event('PromotionRejected', { checkpointId: 'c1', championId: null, policy: {}, rules: [] }, 'another-decision'),
      e.rolledBack('c9', 'c1'),
      e.arrived('b1'),
      e.arrived('b1-again', 'b1'),
    ]);
    const after = await dumpReadModels(db.manager);
    expect({ ...after, processed_events: [] }).toEqual({ ...before, processed_events: [] });
    expect(after['processed_events']).toHaveLength(before['processed_events']!.length + 4);
  });

  it('moves a batch whose candidate could not be scored to deciding, then to rejected, leaving the champion', async () => {
    const e = new LineageEvents();
    await project([e.arrived('b1'), e.saved('b1', 'c1', null), e.promoted('c1', null), e.arrived('b2'), e.saved('b2', 'c2', 'c1'), e.scoringFailed('c2', 'b2', 'c1')]);
    const queries = new RegistryQueries(db);
    expect((await queries.lineage('lin'))!.batches.map((b) => [b.batchId, b.status])).toEqual([['b1', 'promoted'], ['b2', 'deciding']]);
    const rules = [{ rule: 'scored', passed: false, value: 2, threshold: 0, message: 'not scored after 3 attempts: sha256 differs' }];
    await project([e.event('PromotionRejected', { checkpointId: 'c2', championId: 'c1', policy: {}, rules }, 'decision:c2', 'ratchet/registry')]);
    const lin = await queries.lineage('lin');
    expect(lin).toMatchObject({ champion: 'c1', counts: { promoted: 1, rejected: 1 } });
    expect(lin!.batches.map((b) => [b.batchId, b.status])).toEqual([['b1', 'promoted'], ['b2', 'rejected']]);
    const [c2] = await queries.checkpointsById('c2');
    expect(c2).toMatchObject({ scores: null, decision: { outcome: 'rejected', rules } });
  });

  it('gives the same tables when cleared and replayed', async () => {
    const events = [...lineageStory('lin'), ...lineageStory('other')];
    await project(events);
    const before = await dumpReadModels(db.manager);
    await db.transaction(async (em) => {
      await clearReadModels(em);
      const projector = new ReadModelProjector(em);
      for (const event of events) await projector.apply(event);
    });
    expect(await dumpReadModels(db.manager)).toEqual(before);
    expect(before['eval_scores']).toHaveLength(2 * 6);
    expect(before['batches']!.filter((b) => b['label'] !== null)).toHaveLength(2 * 3); // the labels are part of what is rebuilt
  });

  it('builds the R matrix with a row per scored candidate and metrics over the promoted ones', async () => {
    await project(lineageStory());
    const matrix = await new RegistryQueries(db).matrix('lin');
    expect(matrix.evalSets).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(matrix.evalSetLabels).toEqual([STORY_LABELS.b1, STORY_LABELS.b2, null, null]);
    expect(matrix.rows.map((r) => [r.checkpointId, r.batchLabel, r.decision, r.bpb])).toEqual([
      ['c1', STORY_LABELS.b1, 'promoted', [3, null, null, null]],
      ['c2', STORY_LABELS.b2, 'promoted', [3.03, 2.5, null, null]],
      ['c3', null, 'rejected', [3.5, 2.4, 2, null]],
    ]);
    expect(matrix.rows[0]!.loss[0]).toBeCloseTo(3 * Math.LN2, 12);
    expect(matrix.promoted.checkpointIds).toEqual(['c1', 'c2']);
    expect(matrix.promoted.evalSets).toEqual(['b1', 'b2']);
    // R = [[3, ·], [3.03, 2.5]]: ACC = mean(3.03, 2.5); BWT = R00 − R10 = −0.03; forgetting = 3.03 − 3
    expect(matrix.promoted.bpb.acc).toBeCloseTo(2.765, 12);
    expect(matrix.promoted.bpb.bwt).toBeCloseTo(-0.03, 12);
    expect(matrix.promoted.bpb.forgetting).toBeCloseTo(0.03, 12);
    expect(matrix.promoted.bpb.forgettingPerSet).toEqual([{ evalSet: 'b1', value: expect.closeTo(0.03, 12) }]);
  });
});
