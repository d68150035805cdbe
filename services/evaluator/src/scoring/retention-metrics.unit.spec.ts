import { AnyEvent, EvalSetScore, EventDataOf, EventName, createEvent } from '@ratchet/contracts';
import { emptyLineage, evolve } from '@ratchet/lineage';
import { type LineRow, championLineRows, retentionNumbers } from './retention-metrics';

const s = (bpb: number) => ({ loss: bpb * Math.LN2, bpb });
const set = (batchId: string, isNew: boolean, candidate: number, baseline: number | null, untrained: number | null = null): EvalSetScore => ({
  batchId,
  isNew,
  tokens: 100,
  candidate: s(candidate),
  baseline: baseline === null ? null : s(baseline),
  untrained: untrained === null ? null : s(untrained),
});

describe('retention numbers', () => {
  it('given a first model (no champion), compares the new set with the untrained model and has no retention', () => {
    expect(retentionNumbers([set('b1', true, 3, null, 8)], [])).toEqual({ retention: null, plasticity: 5, bwt: null, forgetting: null });
  });

  it('given a champion and the line history, computes retention, plasticity, BWT and forgetting in BPB', () => {
    const sets = [set('b1', false, 2.2, 2.0), set('b2', false, 2.5, 2.6), set('b3', true, 2.4, 3.0)];
    const line: LineRow[] = [
      { batchId: 'b1', bpb: { b1: 1.9 } },
      { batchId: 'b2', bpb: { b1: 1.95, b2: 2.3 } },
    ];
    const n = retentionNumbers(sets, line);
    expect(n.retention).toBeCloseTo(-0.05, 10); // mean(2.0 − 2.2, 2.6 − 2.5)
    expect(n.plasticity).toBeCloseTo(0.6, 10); // 3.0 − 2.4
    expect(n.bwt).toBeCloseTo(-0.25, 10); // mean(1.9 − 2.2, 2.3 − 2.5)
    expect(n.forgetting).toBeCloseTo(0.25, 10); // mean(2.2 − min(1.9, 1.95), 2.5 − 2.3)
  });

  it('prefers the champion over the untrained model as the plasticity reference', () => {
    expect(retentionNumbers([set('b1', false, 2, 2, 8), set('b2', true, 2.5, 2.75, 8)], []).plasticity).toBeCloseTo(0.25, 10);
  });

  it('drops a batch that left no row in the line from R (row and column), keeping it square', () => {
    const sets = [set('b1', false, 2.1, 2.0), set('b2', false, 4, 4), set('b3', true, 2.4, 3.0)];
    const n = retentionNumbers(sets, [{ batchId: 'b1', bpb: { b1: 1.8 } }]);
    expect(n.bwt).toBeCloseTo(1.8 - 2.1, 10);
    expect(n.forgetting).toBeCloseTo(2.1 - 1.8, 10);
    expect(n.retention).toBeCloseTo(mean([2.0 - 2.1, 0]), 10);
  });

  it('reports a non-finite candidate score as null numbers, not as NaN', () => {
    const sets: EvalSetScore[] = [{ ...set('b1', false, 0, 2), candidate: { loss: null, bpb: null } }, set('b2', true, 2, 3)];
    const n = retentionNumbers(sets, [{ batchId: 'b1', bpb: { b1: 1.9 } }]);
    expect(n).toEqual({ retention: null, plasticity: 1, bwt: null, forgetting: null });
  });

  it('refuses sets without a new one', () => {
    expect(() => retentionNumbers([set('b1', false, 2, 2)], [])).toThrow(/new set/);
  });
});

describe('champion line rows', () => {
  let clock = 0;
  const ev = <N extends EventName>(name: N, data: EventDataOf<N>): AnyEvent =>
    createEvent(name, data, { source: 'test', subject: 'lin', correlationid: 'c', id: `${name}-${++clock}`, time: new Date(Date.UTC(2026, 0, 1, 0, 0, clock)) }) as AnyEvent;
  const hex = (c: string) => c.repeat(64);
  const arrived = (batchId: string, c: string) =>
    ev('DataBatchArrived', {
      batchId, lineage: 'lin', records: 2, bytes: 20, rejected: 0, contentSha256: hex(c), source: 'test',
      train: { key: `${batchId}/t`, sha256: hex('e'), records: 1, bytes: 10 },
      heldOut: { key: `${batchId}/h`, sha256: hex('f'), records: 1, bytes: 10 },
    });
  const saved = (batchId: string, checkpointId: string, parentId: string | null) =>
    ev('CheckpointSaved', { checkpointId, parentId, batchId, objectKey: `ck/${checkpointId}`, manifestSha256: hex('a'), steps: 1, tokens: 1, trainLoss: 1, wallTimeMs: 1, backend: 'cpu' });
  const scored = (checkpointId: string, batchId: string, baselineId: string | null, sets: EvalSetScore[]) =>
    ev('RetentionScored', { checkpointId, baselineId, batchId, sets, retention: null, plasticity: null, bwt: null, forgetting: null });

  it('takes promoted candidates and, for a rejected candidate, the champion that stayed; skips failed batches', () => {
    const events = [
      arrived('b1', '1'), saved('b1', 'c1', null), scored('c1', 'b1', null, [set('b1', true, 1.9, null, 8)]),
      ev('ModelPromoted', { checkpointId: 'c1', previousId: null, policy: {}, rules: [] }),
      arrived('b2', '2'), saved('b2', 'c2', 'c1'), scored('c2', 'b2', 'c1', [set('b1', false, 1.8, 1.95), set('b2', true, 2.0, 2.3)]),
      ev('PromotionRejected', { checkpointId: 'c2', championId: 'c1', policy: {}, rules: [] }),
      arrived('b3', '3'), ev('TrainingFailed', { batchId: 'b3', parentId: 'c1', reason: 'diverged', message: 'NaN', retryable: false }),
      arrived('b4', '4'), saved('b4', 'c4', 'c1'),
    ];
    const state = events.reduce(evolve, emptyLineage('lin'));
    expect(championLineRows(state, 'b4')).toEqual([
      { batchId: 'b1', bpb: { b1: 1.9 } },
      { batchId: 'b2', bpb: { b1: 1.95, b2: 2.3 } },
    ]);
    expect(championLineRows(state, 'b2')).toEqual([{ batchId: 'b1', bpb: { b1: 1.9 } }]);
  });
});

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}
