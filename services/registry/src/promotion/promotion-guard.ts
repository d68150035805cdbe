// The promotion guard: when a candidate's scores arrive, decide with @ratchet/continual's `decide`
// under the lineage's policy and say so as an event; when the evaluator gave up on scoring it,
// reject it. Pure: state and scores (or the failure) in, event (or nothing) out.
import { EventOf, RetentionScored, RuleOutcome, causedBy, createEvent } from '@ratchet/contracts';
import { EvalScore, PromotionInput, RuleResult, decide } from '@ratchet/continual';
import { LineageState, evalSetsUpTo } from '@ratchet/lineage';
import { policyOf } from './lineage-policy';

/** The decision's event id derives from the checkpoint, so a re-delivered RetentionScored (or ScoringFailed) cannot yield two decisions. */
export const decisionEventId = (checkpointId: string): string => `decision:${checkpointId}`;

export type GuardOutcome =
  | { kind: 'decided'; event: EventOf<'ModelPromoted' | 'PromotionRejected'> }
  | { kind: 'skipped'; reason: string };

const score = (evalSet: string, s: { loss: number | null; bpb: number | null }): EvalScore => ({
  evalSet,
  loss: s.loss ?? Number.NaN,
  bpb: s.bpb ?? Number.NaN,
});

/** NaN and ±Infinity travel as null in JSON events. */
const finiteOrNull = (x: number): number | null => (Number.isFinite(x) ? x : null);

const toOutcome = (r: RuleResult): RuleOutcome => ({
  rule: r.rule,
  passed: r.passed,
  value: finiteOrNull(r.value),
  threshold: finiteOrNull(r.threshold),
  ...(r.evalSet !== undefined ? { evalSet: r.evalSet } : {}),
});

/** The input of `decide`: against the champion's scores, or, for a lineage's first model, the untrained model's. */
export function promotionInput(scores: RetentionScored, champion: string | null): PromotionInput {
  const newEvalSet = scores.sets.find((s) => s.isNew)?.batchId ?? scores.batchId;
  const candidate = scores.sets.map((s) => score(s.batchId, s.candidate));
  if (champion === null) {
    const baseline = scores.sets.flatMap((s) => (s.untrained ? [score(s.batchId, s.untrained)] : []));
    return { kind: 'first', newEvalSet, candidate, baseline };
  }
  const championScores = scores.sets.flatMap((s) => (s.baseline ? [score(s.batchId, s.baseline)] : []));
  return { kind: 'increment', newEvalSet, candidate, champion: championScores };
}

/**
 * Given the lineage's state (with the scores applied), when `scored` arrives: ModelPromoted or
 * PromotionRejected with every rule's numbers and the policy used, or a reason to do nothing.
 */
export function guardPromotion(state: LineageState, scored: EventOf<'RetentionScored'>, source: string): GuardOutcome {
  const { checkpointId } = scored.data;
  const skip = nothingToDecide(state, checkpointId);
  if (skip) return skip;

  const policy = policyOf(state.config);
  const verdict = decide(promotionInput(scored.data, state.champion), policy);
  const rules = verdict.rules.map(toOutcome);
  // Scores taken against a model that is no longer champion (say, after a rollback) compare the
  // candidate with the wrong reference: refuse rather than promote on stale numbers.
  const staleBaseline = state.champion !== null && scored.data.baselineId !== state.champion;
  if (staleBaseline) rules.unshift({ rule: 'baseline-is-champion', passed: false, value: null, threshold: null });
  const origin = causedBy(scored, source, decisionEventId(checkpointId));
  const policyData = { ...policy } as Record<string, unknown>;
  const event =
    verdict.decision === 'promote' && !staleBaseline
      ? createEvent('ModelPromoted', { checkpointId, previousId: state.champion, policy: policyData, rules }, origin)
      : createEvent('PromotionRejected', { checkpointId, championId: state.champion, policy: policyData, rules }, origin);
  return { kind: 'decided', event };
}

/**
 * Given the lineage's state (with the failure applied), when `failed` arrives: PromotionRejected
 * with a failed `scored` rule (value: the eval sets left unscored, as in continual's `scored` rule)
 * carrying the evaluator's message, so the champion stays and the batch settles; or a reason to do
 * nothing. Same event id as a decision on scores: whichever comes first is the only decision.
 */
export function guardScoringFailure(state: LineageState, failed: EventOf<'ScoringFailed'>, source: string): GuardOutcome {
  const { checkpointId, message, attempts } = failed.data;
  const skip = nothingToDecide(state, checkpointId);
  if (skip) return skip;
  const batchId = state.checkpoints[checkpointId]!.batchId;
  const unscored = Math.max(1, evalSetsUpTo(state, batchId).length);
  const rules: RuleOutcome[] = [
    { rule: 'scored', passed: false, value: unscored, threshold: 0, message: `not scored after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${message}` },
  ];
  const policy = { ...policyOf(state.config) } as Record<string, unknown>;
  const origin = causedBy(failed, source, decisionEventId(checkpointId));
  return { kind: 'decided', event: createEvent('PromotionRejected', { checkpointId, championId: state.champion, policy, rules }, origin) };
}

/** Why no decision is due on `checkpointId`, or null when one is. */
function nothingToDecide(state: LineageState, checkpointId: string): Extract<GuardOutcome, { kind: 'skipped' }> | null {
  const checkpoint = state.checkpoints[checkpointId];
  if (!checkpoint) return { kind: 'skipped', reason: `checkpoint ${checkpointId} was never saved in lineage ${state.lineage}` };
  if (checkpoint.decision) return { kind: 'skipped', reason: `checkpoint ${checkpointId} was already ${checkpoint.decision.outcome}` };
  if (state.champion === checkpointId) return { kind: 'skipped', reason: `checkpoint ${checkpointId} is the champion already` };
  return null;
}
