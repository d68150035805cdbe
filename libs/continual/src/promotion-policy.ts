/**
 * The promotion guard: a pure decision over evaluation scores and a per-lineage policy.
 *
 * Tolerances are RELATIVE by default (fractions of the reference BPB): 0.02 means "no more than
 * 2% worse than the champion on any old set". Relative thresholds stay meaningful as models get
 * better (an absolute 0.02 BPB is noise at 6 BPB and a big step at 1 BPB). Set `mode: 'absolute'`
 * to read every threshold in BPB instead. A value exactly at its threshold passes (with 1e-9 of
 * floating-point slack, so a hand-written 1.02 against 1 × (1 + 0.02) still counts as equal).
 */
import type { EvalScore } from './metrics';

export type ThresholdMode = 'relative' | 'absolute';

export interface PromotionPolicy {
  readonly mode: ThresholdMode;
  /** Max BPB regression allowed on each old set vs the champion. */
  readonly retentionTolerance: number;
  /** Min BPB improvement required on the new set vs the champion. */
  readonly plasticityMargin: number;
  /** Max regression of the mean BPB over all sets vs the champion (0: not worse). */
  readonly aggregateTolerance: number;
  /** Min BPB improvement of a lineage's first model over the untrained model on its set. */
  readonly baselineMargin: number;
}

export const DEFAULT_POLICY: PromotionPolicy = {
  mode: 'relative',
  retentionTolerance: 0.02,
  plasticityMargin: 0.01,
  aggregateTolerance: 0,
  baselineMargin: 0.1,
};

/** An increment has a champion to beat; a lineage's first model only has the untrained model. */
export type PromotionInput =
  | {
      readonly kind: 'increment';
      readonly newEvalSet: string;
      readonly candidate: readonly EvalScore[];
      readonly champion: readonly EvalScore[];
    }
  | {
      readonly kind: 'first';
      readonly newEvalSet: string;
      readonly candidate: readonly EvalScore[];
      /** Scores of the untrained model (same config, same seed) on the same sets. */
      readonly baseline: readonly EvalScore[];
    };

export type RuleName = 'finite' | 'scored' | 'retention' | 'plasticity' | 'aggregate' | 'baseline';

export interface RuleResult {
  readonly rule: RuleName;
  readonly passed: boolean;
  /** What was measured: a regression (retention, aggregate) or an improvement (plasticity, baseline), in `mode` units; counts for finite/scored. */
  readonly value: number;
  readonly threshold: number;
  readonly evalSet?: string;
}

export interface PromotionDecision {
  readonly decision: 'promote' | 'reject';
  readonly rules: readonly RuleResult[];
}

const SLACK = 1e-9;

/** How much worse `candidate` is than `reference` (positive = worse), in the policy's units. */
function regression(candidate: number, reference: number, mode: ThresholdMode): number {
  switch (mode) {
    case 'relative':
      return (candidate - reference) / reference;
    case 'absolute':
      return candidate - reference;
    default: {
      const unreachable: never = mode;
      throw new Error(`unknown threshold mode ${String(unreachable)}`);
    }
  }
}

/** How much better `candidate` is than `reference` (positive = better), in the policy's units. */
function improvement(candidate: number, reference: number, mode: ThresholdMode): number {
  // Written out rather than as −regression(), which would report −0 for "no change".
  return mode === 'relative' ? (reference - candidate) / reference : reference - candidate;
}

const bpbOf = (scores: readonly EvalScore[], set: string): number => scores.find((s) => s.evalSet === set)?.bpb ?? Number.NaN;
const meanBpb = (scores: readonly EvalScore[], sets: readonly string[]): number =>
  sets.reduce((sum, set) => sum + bpbOf(scores, set), 0) / sets.length;

function notWorseThan(value: number, threshold: number): boolean {
  return value <= threshold + SLACK;
}
function atLeast(value: number, threshold: number): boolean {
  return value >= threshold - SLACK;
}

function hygieneRules(candidate: readonly EvalScore[], reference: readonly EvalScore[]): RuleResult[] {
  const nonFinite = candidate.filter((s) => !Number.isFinite(s.loss) || !Number.isFinite(s.bpb)).length;
  const missing = reference.filter((r) => !candidate.some((c) => c.evalSet === r.evalSet)).length;
  return [
    { rule: 'finite', passed: nonFinite === 0, value: nonFinite, threshold: 0 },
    { rule: 'scored', passed: missing === 0, value: missing, threshold: 0 },
  ];
}

function aggregateRule(
  candidate: readonly EvalScore[],
  reference: readonly EvalScore[],
  policy: PromotionPolicy,
): RuleResult {
  const sets = reference.map((s) => s.evalSet);
  const value = regression(meanBpb(candidate, sets), meanBpb(reference, sets), policy.mode);
  return { rule: 'aggregate', passed: notWorseThan(value, policy.aggregateTolerance), value, threshold: policy.aggregateTolerance };
}

function incrementRules(
  input: Extract<PromotionInput, { kind: 'increment' }>,
  policy: PromotionPolicy,
): RuleResult[] {
  const { candidate, champion, newEvalSet } = input;
  const rules = hygieneRules(candidate, champion);
  for (const old of champion) {
    if (old.evalSet === newEvalSet) continue;
    const value = regression(bpbOf(candidate, old.evalSet), old.bpb, policy.mode);
    rules.push({
      rule: 'retention',
      passed: notWorseThan(value, policy.retentionTolerance),
      value,
      threshold: policy.retentionTolerance,
      evalSet: old.evalSet,
    });
  }
  const gain = improvement(bpbOf(candidate, newEvalSet), bpbOf(champion, newEvalSet), policy.mode);
  rules.push({
    rule: 'plasticity',
    passed: atLeast(gain, policy.plasticityMargin),
    value: gain,
    threshold: policy.plasticityMargin,
    evalSet: newEvalSet,
  });
  rules.push(aggregateRule(candidate, champion, policy));
  return rules;
}

function firstModelRules(input: Extract<PromotionInput, { kind: 'first' }>, policy: PromotionPolicy): RuleResult[] {
  const { candidate, baseline, newEvalSet } = input;
  const rules = hygieneRules(candidate, baseline);
  const gain = improvement(bpbOf(candidate, newEvalSet), bpbOf(baseline, newEvalSet), policy.mode);
  rules.push({
    rule: 'baseline',
    passed: atLeast(gain, policy.baselineMargin),
    value: gain,
    threshold: policy.baselineMargin,
    evalSet: newEvalSet,
  });
  rules.push(aggregateRule(candidate, baseline, policy));
  return rules;
}

/** Decides whether a candidate replaces the champion; every rule is reported with its numbers. */
export function decide(input: PromotionInput, policy: PromotionPolicy = DEFAULT_POLICY): PromotionDecision {
  let rules: RuleResult[];
  switch (input.kind) {
    case 'increment':
      rules = incrementRules(input, policy);
      break;
    case 'first':
      rules = firstModelRules(input, policy);
      break;
    default: {
      const unreachable: never = input;
      throw new Error(`unknown promotion input ${JSON.stringify(unreachable)}`);
    }
  }
  // NaN never passes a comparison, so a missing or non-finite score also fails its own rule.
  return { decision: rules.every((r) => r.passed) ? 'promote' : 'reject', rules };
}
