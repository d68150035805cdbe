import type { EvalScore } from './metrics';
import { DEFAULT_POLICY, decide, type PromotionPolicy, type RuleResult } from './promotion-policy';

const s = (evalSet: string, bpb: number, loss = bpb * Math.LN2): EvalScore => ({ evalSet, bpb, loss });
const rule = (rules: readonly RuleResult[], name: string, evalSet?: string): RuleResult => {
  const found = rules.find((r) => r.rule === name && (evalSet === undefined || r.evalSet === evalSet));
  if (found === undefined) throw new Error(`no rule ${name} ${evalSet ?? ''}`);
  return found;
};

// Given a champion at 1.0 BPB on two old sets and 2.0 on the new one (default: relative, 2% / 1%).
const champion = [s('a', 1.0), s('b', 1.0), s('new', 2.0)];

describe('promotion guard: increment', () => {
  it('promotes a candidate that keeps old sets and learns the new one, reporting every rule', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.01), s('b', 0.99), s('new', 1.5)] });
    expect(when.decision).toBe('promote');
    expect(when.rules.map((r) => `${r.rule}:${r.evalSet ?? ''}`)).toEqual([
      'finite:',
      'scored:',
      'retention:a',
      'retention:b',
      'plasticity:new',
      'aggregate:',
    ]);
    expect(rule(when.rules, 'retention', 'a').value).toBeCloseTo(0.01, 12);
    expect(rule(when.rules, 'retention', 'a').threshold).toBe(0.02);
    expect(rule(when.rules, 'plasticity').value).toBeCloseTo(0.25, 12);
  });

  it('rejects when one old set regresses beyond the tolerance', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.03), s('b', 0.9), s('new', 1.5)] });
    expect(when.decision).toBe('reject');
    expect(rule(when.rules, 'retention', 'a')).toMatchObject({ passed: false, threshold: 0.02 });
    expect(rule(when.rules, 'retention', 'b').passed).toBe(true);
  });

  it('passes retention exactly at the tolerance', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.02), s('b', 1.0), s('new', 1.5)] });
    expect(rule(when.rules, 'retention', 'a').passed).toBe(true);
    expect(when.decision).toBe('promote');
  });

  it('rejects when the new set did not improve by the margin', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 0.9), s('b', 0.9), s('new', 1.99)] });
    expect(when.decision).toBe('reject');
    expect(rule(when.rules, 'plasticity')).toMatchObject({ passed: false, threshold: 0.01, evalSet: 'new' });
    expect(rule(when.rules, 'plasticity').value).toBeCloseTo(0.005, 12);
  });

  it('passes plasticity exactly at the margin', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.0), s('b', 1.0), s('new', 1.98)] });
    expect(rule(when.rules, 'plasticity').passed).toBe(true);
  });

  it('rejects when the mean over all sets got worse although each old set is within tolerance', () => {
    // old sets +2% each (allowed), new set −1% (allowed): mean 1.3333 → 1.3467 is worse
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.02), s('b', 1.02), s('new', 1.98)] });
    expect(rule(when.rules, 'retention', 'a').passed).toBe(true);
    expect(rule(when.rules, 'plasticity').passed).toBe(true);
    expect(rule(when.rules, 'aggregate')).toMatchObject({ passed: false, threshold: 0 });
    expect(when.decision).toBe('reject');
  });

  it('passes the aggregate rule exactly at equal means', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.02), s('b', 1.0), s('new', 1.98)] });
    expect(rule(when.rules, 'aggregate').value).toBeCloseTo(0, 12);
    expect(rule(when.rules, 'aggregate').passed).toBe(true);
    expect(when.decision).toBe('promote');
  });

  it('rejects a candidate with a NaN or infinite score', () => {
    const nan = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', Number.NaN), s('b', 1.0), s('new', 1.5)] });
    expect(rule(nan.rules, 'finite')).toMatchObject({ passed: false, value: 1, threshold: 0 });
    expect(rule(nan.rules, 'retention', 'a').passed).toBe(false);
    expect(nan.decision).toBe('reject');
    const inf = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1), s('b', 1), { evalSet: 'new', bpb: 1, loss: Infinity }] });
    expect(rule(inf.rules, 'finite').passed).toBe(false);
    expect(inf.decision).toBe('reject');
  });

  it('rejects a candidate that was not scored on every champion set', () => {
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.0), s('new', 1.5)] });
    expect(rule(when.rules, 'scored')).toMatchObject({ passed: false, value: 1 });
    expect(when.decision).toBe('reject');
  });

  it('reads thresholds in BPB in absolute mode', () => {
    const policy: PromotionPolicy = { ...DEFAULT_POLICY, mode: 'absolute', retentionTolerance: 0.05, plasticityMargin: 0.1 };
    const when = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.05), s('b', 0.95), s('new', 1.9)] }, policy);
    expect(rule(when.rules, 'retention', 'a')).toMatchObject({ passed: true, threshold: 0.05 });
    expect(rule(when.rules, 'plasticity')).toMatchObject({ passed: true, threshold: 0.1 });
    expect(when.decision).toBe('promote');
    const worse = decide({ kind: 'increment', newEvalSet: 'new', champion, candidate: [s('a', 1.06), s('b', 0.9), s('new', 1.9)] }, policy);
    expect(rule(worse.rules, 'retention', 'a').passed).toBe(false);
  });
});

describe('promotion guard: a lineage first model', () => {
  const untrained = [s('first', 8.0)];

  it('promotes a first model that beats the untrained model by the margin', () => {
    const when = decide({ kind: 'first', newEvalSet: 'first', baseline: untrained, candidate: [s('first', 3.0)] });
    expect(when.decision).toBe('promote');
    expect(when.rules.map((r) => r.rule)).toEqual(['finite', 'scored', 'baseline', 'aggregate']);
    expect(rule(when.rules, 'baseline').value).toBeCloseTo(0.625, 12);
  });

  it('rejects a first model no better than the untrained one, and passes exactly at the margin', () => {
    const same = decide({ kind: 'first', newEvalSet: 'first', baseline: untrained, candidate: [s('first', 8.0)] });
    expect(rule(same.rules, 'baseline')).toMatchObject({ passed: false, value: 0, threshold: 0.1 });
    expect(same.decision).toBe('reject');
    const edge = decide({ kind: 'first', newEvalSet: 'first', baseline: untrained, candidate: [s('first', 7.2)] });
    expect(rule(edge.rules, 'baseline').passed).toBe(true);
  });

  it('rejects a first model with a non-finite score', () => {
    const when = decide({ kind: 'first', newEvalSet: 'first', baseline: untrained, candidate: [s('first', Number.POSITIVE_INFINITY)] });
    expect(rule(when.rules, 'finite').passed).toBe(false);
    expect(when.decision).toBe('reject');
  });
});
