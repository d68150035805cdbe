import { AnyEvent, EventOf } from '@ratchet/contracts';
import { DEFAULT_POLICY } from '@ratchet/continual';
import { emptyLineage, evolve, nextBatchToTrain } from '@ratchet/lineage';
import { LineageEvents } from '../__fixtures__/lineage-events';
import { GuardOutcome, guardPromotion, guardScoringFailure } from './promotion-guard';

const SOURCE = 'ratchet/registry';

/** Given `history`, when `scored` arrives (applied to the state first, as the consumer does), then this outcome. */
function when(history: AnyEvent[], scored: AnyEvent): GuardOutcome {
  const state = [...history, scored].reduce(evolve, emptyLineage('lin'));
  return guardPromotion(state, scored as EventOf<'RetentionScored'>, SOURCE);
}

/** Given `history`, when the evaluator's `failed` arrives (applied first), then this outcome. */
function whenUnscored(history: AnyEvent[], failed: AnyEvent): GuardOutcome {
  const state = [...history, failed].reduce(evolve, emptyLineage('lin'));
  return guardScoringFailure(state, failed as EventOf<'ScoringFailed'>, SOURCE);
}

function decided(outcome: GuardOutcome) {
  if (outcome.kind !== 'decided') throw new Error(`expected a decision, got: ${outcome.reason}`);
  return outcome.event;
}

describe('promotion guard', () => {
  let e: LineageEvents;
  beforeEach(() => (e = new LineageEvents()));

  const firstChampion = () => [e.arrived('b1'), e.started('b1', 'c1', null), e.saved('b1', 'c1', null), e.scored('c1', 'b1', null, [['b1', 3, null, 8]]), e.promoted('c1', null)];

  it('promotes a first model that beats the untrained model by the margin', () => {
    const scored = e.scored('c1', 'b1', null, [['b1', 4, null, 8]]);
    const event = decided(when([e.arrived('b1'), e.saved('b1', 'c1', null)], scored));
    expect(event).toMatchObject({ name: 'ModelPromoted', id: 'decision:c1', source: SOURCE, subject: 'lin', causationid: scored.id, correlationid: scored.correlationid });
    expect(event.data).toEqual({
      checkpointId: 'c1',
      previousId: null,
      policy: { ...DEFAULT_POLICY },
      rules: [
        { rule: 'finite', passed: true, value: 0, threshold: 0 },
        { rule: 'scored', passed: true, value: 0, threshold: 0 },
        { rule: 'baseline', passed: true, value: 0.5, threshold: 0.1, evalSet: 'b1' },
        { rule: 'aggregate', passed: true, value: -0.5, threshold: 0 },
      ],
    });
  });

  it('rejects a first model that does not beat the untrained model by the margin', () => {
    const event = decided(when([e.arrived('b1'), e.saved('b1', 'c1', null)], e.scored('c1', 'b1', null, [['b1', 7.6, null, 8]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data).toMatchObject({ checkpointId: 'c1', championId: null });
    const baseline = event.data.rules.find((r) => r.rule === 'baseline')!;
    expect(baseline.passed).toBe(false);
    expect(baseline.value).toBeCloseTo(0.05, 12);
    expect(baseline.threshold).toBe(0.1);
  });

  it('rejects a first model scored without untrained numbers (nothing to compare with)', () => {
    const event = decided(when([e.arrived('b1'), e.saved('b1', 'c1', null)], e.scored('c1', 'b1', null, [['b1', 4, null, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data.rules.find((r) => r.rule === 'baseline')).toMatchObject({ passed: false, value: null, evalSet: 'b1' });
  });

  it('promotes an increment that keeps the old set within tolerance and learns the new one', () => {
    const history = [...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', 2.02, 2, null], ['b2', 2.5, 3, null]])));
    expect(event.name).toBe('ModelPromoted');
    expect(event.data).toMatchObject({ checkpointId: 'c2', previousId: 'c1' });
    const [finite, scoredRule, retention, plasticity, aggregate] = event.data.rules;
    expect(finite).toEqual({ rule: 'finite', passed: true, value: 0, threshold: 0 });
    expect(scoredRule).toEqual({ rule: 'scored', passed: true, value: 0, threshold: 0 });
    expect(retention).toMatchObject({ rule: 'retention', passed: true, threshold: 0.02, evalSet: 'b1' });
    expect(retention!.value).toBeCloseTo(0.01, 12);
    expect(plasticity).toMatchObject({ rule: 'plasticity', passed: true, threshold: 0.01, evalSet: 'b2' });
    expect(plasticity!.value).toBeCloseTo(0.5 / 3, 12);
    expect(aggregate).toMatchObject({ rule: 'aggregate', passed: true, threshold: 0 });
    expect(aggregate!.value).toBeCloseTo((2.26 - 2.5) / 2.5, 12);
  });

  it('rejects an increment that forgot an old set, naming the set and its numbers', () => {
    const history = [...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', 2.1, 2, null], ['b2', 2.5, 3, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data).toMatchObject({ checkpointId: 'c2', championId: 'c1' });
    const failed = event.data.rules.filter((r) => !r.passed);
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ rule: 'retention', evalSet: 'b1', threshold: 0.02 });
    expect(failed[0]!.value).toBeCloseTo(0.05, 12);
  });

  it('rejects an increment that did not learn the new set', () => {
    const history = [...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', 2, 2, null], ['b2', 2.99, 3, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data.rules.filter((r) => !r.passed).map((r) => r.rule)).toEqual(['plasticity']);
  });

  it('applies the policy of the latest LineageConfigured over the defaults', () => {
    const history = [e.configured({ retentionTolerance: 0.5 }), e.configured({ retentionTolerance: 0.1 }), ...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', 2.1, 2, null], ['b2', 2.5, 3, null]])));
    expect(event.name).toBe('ModelPromoted');
    expect(event.data.policy).toEqual({ ...DEFAULT_POLICY, retentionTolerance: 0.1 });
    expect(event.data.rules.find((r) => r.rule === 'retention')).toMatchObject({ passed: true, threshold: 0.1 });
  });

  it('reads thresholds in BPB under an absolute policy', () => {
    const history = [e.configured({ mode: 'absolute', plasticityMargin: 0.6 }), ...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', 2, 2, null], ['b2', 2.5, 3, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data.rules.find((r) => r.rule === 'plasticity')).toMatchObject({ passed: false, value: 0.5, threshold: 0.6 });
  });

  it('rejects a candidate whose scores are not finite, counting them', () => {
    const history = [...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1')];
    const event = decided(when(history, e.scored('c2', 'b2', 'c1', [['b1', null, 2, null], ['b2', 2.5, 3, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data.rules[0]).toEqual({ rule: 'finite', passed: false, value: 1, threshold: 0 });
  });

  it('rejects scores taken against a model that is no longer champion', () => {
    const history = [
      ...firstChampion(),
      e.arrived('b2'), e.saved('b2', 'c2', 'c1'), e.scored('c2', 'b2', 'c1', [['b1', 2, 2, null], ['b2', 2, 3, null]]), e.promoted('c2', 'c1'),
      e.arrived('b3'), e.saved('b3', 'c3', 'c2'),
      e.rolledBack('c2', 'c1'),
    ];
    const event = decided(when(history, e.scored('c3', 'b3', 'c2', [['b1', 1.9, 2, null], ['b2', 1.9, 2, null], ['b3', 2, 3, null]])));
    expect(event.name).toBe('PromotionRejected');
    expect(event.data).toMatchObject({ championId: 'c1' });
    expect(event.data.rules[0]).toEqual({ rule: 'baseline-is-champion', passed: false, value: null, threshold: null });
  });

  it('decides nothing for a checkpoint already decided (a re-delivered RetentionScored)', () => {
    const history = [...firstChampion(), e.arrived('b2'), e.saved('b2', 'c2', 'c1'), e.scored('c2', 'b2', 'c1', [['b1', 2.1, 2, null], ['b2', 2.5, 3, null]]), e.rejected('c2', 'c1')];
    const again = e.scored('c2', 'b2', 'c1', [['b1', 2.1, 2, null], ['b2', 2.5, 3, null]]);
    expect(when(history, again)).toEqual({ kind: 'skipped', reason: 'checkpoint c2 was already rejected' });
  });

  it('decides nothing for scores of a checkpoint never saved', () => {
    expect(when([e.arrived('b1')], e.scored('ghost', 'b1', null, [['b1', 4, null, 8]]))).toMatchObject({ kind: 'skipped' });
  });

  it('gives the same decision, with the same id, when asked twice', () => {
    const history = [e.arrived('b1'), e.saved('b1', 'c1', null)];
    const scored = e.scored('c1', 'b1', null, [['b1', 4, null, 8]]);
    const a = decided(when(history, scored));
    const b = decided(when(history, scored));
    expect({ ...b, time: a.time }).toEqual(a);
  });

  describe('when the evaluator gave up on a candidate (ScoringFailed)', () => {
    const candidate = () => [...firstChampion(), e.arrived('b2'), e.started('b2', 'c2', 'c1'), e.saved('b2', 'c2', 'c1'), e.arrived('b3')];

    it('rejects it with a failed `scored` rule and the message; the champion stays and the lineage moves on', () => {
      const history = candidate();
      const failed = e.scoringFailed('c2', 'b2', 'c1', 'batch split batches/b2/held-out: sha256 differs');
      const event = decided(whenUnscored(history, failed));
      expect(event).toMatchObject({ name: 'PromotionRejected', id: 'decision:c2', source: SOURCE, subject: 'lin', causationid: failed.id, correlationid: failed.correlationid });
      expect(event.data).toEqual({
        checkpointId: 'c2',
        championId: 'c1',
        policy: { ...DEFAULT_POLICY },
        rules: [{ rule: 'scored', passed: false, value: 2, threshold: 0, message: 'not scored after 3 attempts: batch split batches/b2/held-out: sha256 differs' }],
      });
      const after = [...history, failed, event as AnyEvent].reduce(evolve, emptyLineage('lin'));
      expect(after.champion).toBe('c1');
      expect(after.batches.find((b) => b.batchId === 'b2')?.status).toBe('rejected');
      expect(nextBatchToTrain(after)?.batchId).toBe('b3');
    });

    it('rejects a first model that could not be scored, with no champion', () => {
      const event = decided(whenUnscored([e.arrived('b1'), e.saved('b1', 'c1', null)], e.scoringFailed('c1', 'b1', null)));
      expect(event.name).toBe('PromotionRejected');
      expect(event.data).toMatchObject({ checkpointId: 'c1', championId: null, rules: [{ rule: 'scored', passed: false, value: 1 }] });
    });

    it('decides once: nothing on a re-delivered ScoringFailed, nor after scores were decided on', () => {
      const history = [...candidate(), e.scoringFailed('c2', 'b2', 'c1')];
      const first = decided(whenUnscored(candidate(), e.scoringFailed('c2', 'b2', 'c1')));
      const again = e.scoringFailed('c2', 'b2', 'c1', 'again', 'scoring-failed:c2:again');
      expect(whenUnscored([...history, first as AnyEvent], again)).toEqual({ kind: 'skipped', reason: 'checkpoint c2 was already rejected' });
      // Asked twice before the decision is back: the same event with the same id, which the log keeps once.
      const twice = decided(whenUnscored(candidate(), e.scoringFailed('c2', 'b2', 'c1')));
      expect({ ...twice, time: first.time }).toEqual(first);
      // Scored and decided before a (late) failure: that decision stands.
      const promotedFirst = [...candidate(), e.scored('c2', 'b2', 'c1', [['b1', 2, 2, null], ['b2', 2, 3, null]]), e.promoted('c2', 'c1')];
      expect(whenUnscored(promotedFirst, e.scoringFailed('c2', 'b2', 'c1'))).toEqual({ kind: 'skipped', reason: 'checkpoint c2 was already promoted' });
    });

    it('decides nothing for a checkpoint never saved', () => {
      expect(whenUnscored([e.arrived('b1')], e.scoringFailed('ghost', 'b1', null))).toMatchObject({ kind: 'skipped' });
    });
  });
});
