import { AnyEvent, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { emptyLineage, evolve, formerChampions, nextBatchToTrain, project, checkpointsAwaitingScores, evalSetsUpTo } from '.';

const sha = (c: string) => c.repeat(64);
let clock = 0;
const ev = <N extends EventName>(name: N, data: EventDataOf<N>, id = `${name}-${++clock}`): AnyEvent =>
  createEvent(name, data, { source: 'test', subject: 'lin', correlationid: 'c', id, time: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)) }) as AnyEvent;

const arrived = (batchId: string, content = batchId.slice(-1), label?: string) =>
  ev('DataBatchArrived', {
    batchId,
    lineage: 'lin',
    records: 2,
    bytes: 20,
    rejected: 0,
    contentSha256: sha(content),
    train: { key: `${batchId}/train`, sha256: sha('e'), records: 1, bytes: 10 },
    heldOut: { key: `${batchId}/held`, sha256: sha('f'), records: 1, bytes: 10 },
    source: 'test',
    ...(label !== undefined ? { label } : {}),
  });
const started = (batchId: string, checkpointId: string, parentId: string | null) =>
  ev('IncrementStarted', { batchId, checkpointId, parentId, strategy: {}, lrSchedule: {} });
const saved = (batchId: string, checkpointId: string, parentId: string | null) =>
  ev('CheckpointSaved', { checkpointId, parentId, batchId, objectKey: `ck/${checkpointId}`, manifestSha256: sha('a'), steps: 1, tokens: 1, trainLoss: 1, wallTimeMs: 1, backend: 'cpu' });
const scored = (checkpointId: string, batchId: string) =>
  ev('RetentionScored', { checkpointId, baselineId: null, batchId, sets: [{ batchId, isNew: true, tokens: 1, candidate: { loss: 1, bpb: 1 }, baseline: null, untrained: null }], retention: null, plasticity: null, bwt: null, forgetting: null });
const promoted = (checkpointId: string, previousId: string | null) => ev('ModelPromoted', { checkpointId, previousId, policy: {}, rules: [] });
const rejected = (checkpointId: string) => ev('PromotionRejected', { checkpointId, championId: null, policy: {}, rules: [{ rule: 'plasticity', passed: false, value: 0, threshold: 0.01 }] });

const fold = (events: AnyEvent[]) => events.reduce(evolve, emptyLineage('lin'));

describe('lineage projection', () => {
  it('given two arrived batches, trains the first one first', () => {
    const state = fold([arrived('b1'), arrived('b2')]);
    expect(nextBatchToTrain(state)?.batchId).toBe('b1');
    expect(state.batches.map((b) => b.status)).toEqual(['pending', 'pending']);
  });

  it('holds the next batch back until the candidate of the previous one is decided', () => {
    const chain = [arrived('b1'), arrived('b2'), started('b1', 'c1', null), saved('b1', 'c1', null)];
    expect(nextBatchToTrain(fold(chain))).toBeNull();
    expect(checkpointsAwaitingScores(fold(chain)).map((c) => c.checkpointId)).toEqual(['c1']);
    const scoredState = fold([...chain, scored('c1', 'b1')]);
    expect(nextBatchToTrain(scoredState)).toBeNull();
    expect(checkpointsAwaitingScores(scoredState)).toEqual([]);
    const decided = fold([...chain, scored('c1', 'b1'), promoted('c1', null)]);
    expect(decided.champion).toBe('c1');
    expect(nextBatchToTrain(decided)?.batchId).toBe('b2');
  });

  it('keeps an interrupted increment as the one to resume', () => {
    const state = fold([arrived('b1'), started('b1', 'c1', null)]);
    expect(nextBatchToTrain(state)).toMatchObject({ batchId: 'b1', status: 'training', checkpointId: 'c1' });
  });

  it('leaves the champion in place when a candidate is rejected, and moves on', () => {
    const state = fold([
      arrived('b1'), started('b1', 'c1', null), saved('b1', 'c1', null), scored('c1', 'b1'), promoted('c1', null),
      arrived('b2'), started('b2', 'c2', 'c1'), saved('b2', 'c2', 'c1'), scored('c2', 'b2'), rejected('c2'),
      arrived('b3'),
    ]);
    expect(state.champion).toBe('c1');
    expect(state.checkpoints['c2']?.decision?.outcome).toBe('rejected');
    expect(nextBatchToTrain(state)?.batchId).toBe('b3');
    expect(evalSetsUpTo(state, 'b3').map((b) => b.batchId)).toEqual(['b1', 'b2', 'b3']);
  });

  it('moves on after a failed increment', () => {
    const state = fold([arrived('b1'), arrived('b2'), started('b1', 'c1', null), ev('TrainingFailed', { batchId: 'b1', parentId: null, reason: 'diverged', message: 'NaN', retryable: false })]);
    expect(state.batches[0]).toMatchObject({ status: 'failed', failure: { reason: 'diverged' } });
    expect(nextBatchToTrain(state)?.batchId).toBe('b2');
  });

  it('stops awaiting scores of a checkpoint the evaluator gave up on, and moves on once it is rejected', () => {
    const failed = (id = 'ScoringFailed-c2') => ev('ScoringFailed', { checkpointId: 'c2', batchId: 'b2', baselineId: 'c1', message: 'sha256 mismatch', attempts: 3 }, id);
    const chain = [
      arrived('b1'), started('b1', 'c1', null), saved('b1', 'c1', null), scored('c1', 'b1'), promoted('c1', null),
      arrived('b2'), arrived('b3'), started('b2', 'c2', 'c1'), saved('b2', 'c2', 'c1'),
    ];
    expect(checkpointsAwaitingScores(fold(chain)).map((c) => c.checkpointId)).toEqual(['c2']);

    const unscored = fold([...chain, failed(), failed('ScoringFailed-c2-again')]);
    expect(checkpointsAwaitingScores(unscored)).toEqual([]);
    expect(unscored.checkpoints['c2']).toMatchObject({ scores: null, decision: null, scoringFailure: { message: 'sha256 mismatch', attempts: 3, eventId: 'ScoringFailed-c2' } });
    // Awaiting the registry's decision, not scores; the next batch waits for it.
    expect(unscored.batches.map((b) => b.status)).toEqual(['promoted', 'deciding', 'pending']);
    expect(nextBatchToTrain(unscored)).toBeNull();

    const settled = fold([...chain, failed(), rejected('c2')]);
    expect(settled.batches[1]?.status).toBe('rejected');
    expect(settled.champion).toBe('c1');
    expect(nextBatchToTrain(settled)?.batchId).toBe('b3');
  });

  it('ignores a scoring failure of a checkpoint never saved', () => {
    const state = fold([arrived('b1'), ev('ScoringFailed', { checkpointId: 'ghost', batchId: 'b1', baselineId: null, message: 'no such object', attempts: 1 })]);
    expect(state.checkpoints).toEqual({});
    expect(state.batches[0]?.status).toBe('pending');
  });

  it('ignores a batch whose content arrived before, and a re-delivered arrival', () => {
    const state = fold([arrived('b1', 'd'), arrived('b1', 'd'), arrived('b9', 'd')]);
    expect(state.batches.map((b) => b.batchId)).toEqual(['b1']);
  });

  it('keeps the label a batch arrived with through its life; a later arrival of the same content does not rename it', () => {
    const state = fold([
      arrived('b1', '1', 'era1-1790-1835'),
      arrived('b2'),
      started('b1', 'c1', null),
      saved('b1', 'c1', null),
      arrived('b1', '1', 'renamed'),
      arrived('b1-again', '1', 'renamed again'),
      promoted('c1', null),
    ]);
    expect(state.batches.map((b) => [b.batchId, b.status, b.arrived.label])).toEqual([
      ['b1', 'promoted', 'era1-1790-1835'],
      ['b2', 'pending', undefined],
    ]);
  });

  it('records who was champion when, including rollbacks, and ignores a stale rollback', () => {
    const state = fold([
      arrived('b1'), saved('b1', 'c1', null), promoted('c1', null),
      arrived('b2'), saved('b2', 'c2', 'c1'), promoted('c2', 'c1'),
      ev('ChampionRolledBack', { from: 'c2', to: 'c1', by: 'alice', reason: 'regression in prod' }),
      ev('ChampionRolledBack', { from: 'c2', to: 'c1', by: 'bob', reason: 'again' }),
    ]);
    expect(state.champion).toBe('c1');
    expect(state.history.map((h) => [h.kind, h.checkpointId, h.previousId])).toEqual([
      ['promoted', 'c1', null],
      ['promoted', 'c2', 'c1'],
      ['rolled-back', 'c1', 'c2'],
    ]);
    expect(state.history[2]).toMatchObject({ by: 'alice', reason: 'regression in prod' });
    expect(formerChampions(state)).toEqual(['c1', 'c2']);
  });

  it('does not let a re-delivered earlier event move a batch backwards', () => {
    const state = fold([arrived('b1'), started('b1', 'c1', null), saved('b1', 'c1', null), started('b1', 'c1', null)]);
    expect(state.batches[0]?.status).toBe('evaluating');
  });

  it('projects many lineages apart', () => {
    const other = createEvent('LineageConfigured', { lineage: 'other', preset: 'tiny', modelOverrides: {}, strategy: {}, training: {}, policy: {} }, { source: 't', subject: 'other', correlationid: 'c' }) as AnyEvent;
    const states = project([arrived('b1'), other]);
    expect([...states.keys()].sort()).toEqual(['lin', 'other']);
    expect(states.get('other')?.config?.preset).toBe('tiny');
  });
});
