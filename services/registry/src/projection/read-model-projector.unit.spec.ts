import { AnyEvent } from '@ratchet/contracts';
import { DataSource } from 'typeorm';
import { LineageEvents } from '../__fixtures__/lineage-events';
import { lineageStory } from '../__fixtures__/lineage-story';
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
    expect(lin!.batches.map((b) => [b.batchId, b.status])).toEqual([
      ['b1', 'promoted'],
      ['b2', 'promoted'],
      ['b-bad', 'refused'],
      ['b3', 'rejected'],
      ['b4', 'failed'],
    ]);

    const [c3] = await queries.checkpointsById('c3');
    expect(c3).toMatchObject({
      lineage: 'lin',
      parentId: 'c2',
      batchId: 'b3',
      backend: 'wasm',
      config: { strategy: { replay: 0.05 }, lrSchedule: { peak: 3e-4 }, lineage: { preset: 'tiny' } },
      train: { steps: 10, tokens: 1000, trainLoss: 2.5, wallTimeMs: 1234 },
      decision: { outcome: 'rejected', rules: [{ rule: 'retention', passed: false, value: 0.05, threshold: 0.02, evalSet: 'b1' }], by: 'ratchet/registry', eventId: 'decision:c3' },
      isChampion: false,
    });
    expect(c3!.scores!.sets.map((s) => [s.evalSet, s.isNew, s.candidate.bpb, s.baseline?.bpb, s.untrained?.bpb])).toEqual([
      ['b1', false, 3.5, 3.03, 8],
      ['b2', false, 2.4, 2.5, 8],
      ['b3', true, 2, 4, 8],
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
  });

  it('builds the R matrix with a row per scored candidate and metrics over the promoted ones', async () => {
    await project(lineageStory());
    const matrix = await new RegistryQueries(db).matrix('lin');
    expect(matrix.evalSets).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(matrix.rows.map((r) => [r.checkpointId, r.decision, r.bpb])).toEqual([
      ['c1', 'promoted', [3, null, null, null]],
      ['c2', 'promoted', [3.03, 2.5, null, null]],
      ['c3', 'rejected', [3.5, 2.4, 2, null]],
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
