// The registry on the embedded runtime when the evaluator gives up on a candidate (ScoringFailed):
// one PromotionRejected, the champion stays, and neither re-delivery, restart nor rebuild decides again.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AnyEvent, EventOf } from '@ratchet/contracts';
import { waitFor } from '@ratchet/eventlog/testing';
import { LineageEvents } from './__fixtures__/lineage-events';
import { RunningRegistry, appendAll, projected, startRegistry } from './__fixtures__/registry-app';
import { dumpReadModels } from './db/canonical-dump';

jest.setTimeout(120_000);

const decisionsFor = async (registry: RunningRegistry, checkpointId: string): Promise<EventOf<'ModelPromoted' | 'PromotionRejected'>[]> =>
  (await registry.log.read())
    .map((s) => s.event)
    .filter((e): e is EventOf<'ModelPromoted' | 'PromotionRejected'> => (e.name === 'ModelPromoted' || e.name === 'PromotionRejected') && e.data.checkpointId === checkpointId);

describe('registry when a candidate cannot be scored', () => {
  let dir: string;
  let registry: RunningRegistry | null = null;
  const start = async () => (registry = await startRegistry({ RATCHET_DATA_DIR: dir }));
  const stop = async () => {
    await registry?.app.close();
    registry = null;
  };

  beforeEach(async () => (dir = await mkdtemp(join(tmpdir(), 'ratchet-registry-unscored-'))));
  afterEach(async () => {
    await stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('rejects it once with a failed `scored` rule, keeps the champion, and does not decide again', async () => {
    let r = await start();
    const e = new LineageEvents('lin');
    await appendAll(r, [e.arrived('b1'), e.started('b1', 'c1', null), e.saved('b1', 'c1', null), e.scored('c1', 'b1', null, [['b1', 3, null, 8]])]);
    await waitFor(async () => (await decisionsFor(r, 'c1')).length === 1, 10_000, 'a decision on c1');

    const failed = e.scoringFailed('c2', 'b2', 'c1', 'batch split batches/lin/b2/held-out.jsonl: sha256 differs from the one announced in DataBatchArrived');
    await appendAll(r, [e.arrived('b2'), e.started('b2', 'c2', 'c1'), e.saved('b2', 'c2', 'c1'), failed]);
    const rejection = await waitFor(async () => (await decisionsFor(r, 'c2'))[0], 10_000, 'a decision on c2');
    expect(rejection).toMatchObject({ name: 'PromotionRejected', id: 'decision:c2', source: 'ratchet/registry', causationid: failed.id });
    expect(rejection.data).toMatchObject({ checkpointId: 'c2', championId: 'c1' });
    expect(rejection.data.rules).toEqual([
      { rule: 'scored', passed: false, value: 2, threshold: 0, message: expect.stringMatching(/^not scored after 3 attempts: batch split .*sha256 differs/) },
    ]);

    // a re-delivered ScoringFailed (another event id, same facts) yields no second decision
    await appendAll(r, [e.scoringFailed('c2', 'b2', 'c1', 'again', 'scoring-failed:c2:again')]);
    await projected(r);
    expect(await decisionsFor(r, 'c2')).toHaveLength(1);

    const http = () => request(r.server as never);
    const lineage = (await http().get('/lineages/lin').expect(200)).body;
    expect(lineage).toMatchObject({ champion: 'c1', counts: { promoted: 1, rejected: 1 } });
    expect(lineage.batches.map((b: { batchId: string; status: string }) => [b.batchId, b.status])).toEqual([['b1', 'promoted'], ['b2', 'rejected']]);
    const c2 = (await http().get('/checkpoints/c2').expect(200)).body;
    expect(c2).toMatchObject({ scores: null, decision: { outcome: 'rejected', eventId: 'decision:c2', rules: [{ rule: 'scored', passed: false }] } });

    // neither a rebuild of the read models nor a restart (which resumes undecided candidates) decides again
    await projected(r);
    const before = await dumpReadModels(r.readModels.db.manager);
    await r.readModels.rebuild();
    expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    await stop();
    r = await start();
    await projected(r);
    expect(await dumpReadModels(r.readModels.db.manager)).toEqual(before);
    const decisions: AnyEvent[] = [...(await decisionsFor(r, 'c1')), ...(await decisionsFor(r, 'c2'))];
    expect(decisions.map((d) => [d.name, d.id])).toEqual([['ModelPromoted', 'decision:c1'], ['PromotionRejected', 'decision:c2']]);
  });
});
