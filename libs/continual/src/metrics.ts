/**
 * Continual-learning metrics over an R matrix of losses or bits per byte (lower is better).
 *
 * References: Lopez-Paz & Ranzato 2017 (ACC, BWT, FWT), Chaudhry et al. 2018 (forgetting).
 * Those papers score accuracies (higher is better). Our scores are losses, so every derived
 * number is re-oriented to keep the papers' reading:
 *   - ACC  = mean of the final row: the final average loss/BPB (lower is better, unlike accuracy).
 *   - BWT  = mean over old sets j of (R[j][j] − R[T−1][j]): negative means the loss went UP on
 *            old sets after later increments, i.e. forgetting (same sign reading as the paper).
 *   - FWT  = mean over sets j ≥ 1 of (b[j] − R[j−1][j]), b = untrained model: positive means
 *            earlier training already lowered the loss of a set not seen yet.
 *   - forgetting f_j = R[T−1][j] − min_{j ≤ l < T−1} R[l][j]: how far the final loss sits
 *            above the best loss the set ever had since it was learned (≥ 0 in practice; the
 *            max-of-accuracy of Chaudhry becomes a min-of-loss). Rows before j are left out:
 *            the set had not been trained yet, so its loss there is no knowledge to forget.
 *   - retention (per old set) = champion − candidate, plasticity (new set) = champion −
 *            candidate: both positive when the candidate is better, negative when it is worse.
 */

/** R[i][j]: score on eval set j after increment i (square: one eval set per batch). */
export type RMatrix = readonly (readonly number[])[];

export interface EvalScore {
  readonly evalSet: string;
  readonly loss: number;
  readonly bpb: number;
}

/** Builds R from per-increment score rows, taking `key` of each set in `evalSets` order. */
export function rMatrix(
  rows: readonly (readonly EvalScore[])[],
  evalSets: readonly string[],
  key: 'loss' | 'bpb' = 'bpb',
): number[][] {
  return rows.map((row) =>
    evalSets.map((set) => {
      const score = row.find((s) => s.evalSet === set);
      return score === undefined ? Number.NaN : score[key];
    }),
  );
}

function assertSquare(r: RMatrix): number {
  const t = r.length;
  if (t === 0) throw new Error('R matrix is empty');
  for (const row of r) if (row.length !== t) throw new Error(`R matrix must be ${t}×${t}, got a row of ${row.length}`);
  return t;
}

const mean = (xs: readonly number[]): number => (xs.length === 0 ? Number.NaN : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Final average score: mean of the last row (lower is better for losses/BPB). */
export function acc(r: RMatrix): number {
  const t = assertSquare(r);
  return mean(r[t - 1]);
}

/** Backward transfer; negative = forgetting. NaN with a single increment (no old sets). */
export function bwt(r: RMatrix): number {
  const t = assertSquare(r);
  const diffs: number[] = [];
  for (let j = 0; j < t - 1; j++) diffs.push(r[j][j] - r[t - 1][j]);
  return mean(diffs);
}

/** Forward transfer against the untrained model's scores `baseline[j]`; positive = helped. */
export function fwt(r: RMatrix, baseline: readonly number[]): number {
  const t = assertSquare(r);
  if (baseline.length !== t) throw new Error(`baseline needs ${t} scores, got ${baseline.length}`);
  const diffs: number[] = [];
  for (let j = 1; j < t; j++) diffs.push(baseline[j] - r[j - 1][j]);
  return mean(diffs);
}

/** Per old set j < T−1: final score minus the best score since j was learned. */
export function forgettingPerSet(r: RMatrix): number[] {
  const t = assertSquare(r);
  const out: number[] = [];
  for (let j = 0; j < t - 1; j++) {
    let best = Number.POSITIVE_INFINITY;
    for (let l = j; l < t - 1; l++) best = Math.min(best, r[l][j]);
    out.push(r[t - 1][j] - best);
  }
  return out;
}

/** Average forgetting over old sets (Chaudhry et al. 2018, adapted to losses); NaN if T = 1. */
export function forgetting(r: RMatrix): number {
  return mean(forgettingPerSet(r));
}

export interface SetComparison {
  readonly evalSet: string;
  readonly candidate: number;
  readonly champion: number;
  /** champion − candidate: positive when the candidate is better. */
  readonly gain: number;
}

function compare(candidate: readonly EvalScore[], champion: readonly EvalScore[], set: string, key: 'loss' | 'bpb'): SetComparison {
  const c = candidate.find((s) => s.evalSet === set);
  const b = champion.find((s) => s.evalSet === set);
  const cv = c === undefined ? Number.NaN : c[key];
  const bv = b === undefined ? Number.NaN : b[key];
  return { evalSet: set, candidate: cv, champion: bv, gain: bv - cv };
}

/** Retention on every old set: candidate vs champion (gain < 0 means the candidate forgot). */
export function retention(
  candidate: readonly EvalScore[],
  champion: readonly EvalScore[],
  oldSets: readonly string[],
  key: 'loss' | 'bpb' = 'bpb',
): SetComparison[] {
  return oldSets.map((set) => compare(candidate, champion, set, key));
}

/** Plasticity on the new set: candidate vs champion (gain > 0 means it learned the batch). */
export function plasticity(
  candidate: readonly EvalScore[],
  champion: readonly EvalScore[],
  newSet: string,
  key: 'loss' | 'bpb' = 'bpb',
): SetComparison {
  return compare(candidate, champion, newSet, key);
}

export interface ContinualSummary {
  readonly acc: number;
  readonly bwt: number;
  readonly forgetting: number;
  readonly fwt?: number;
}

/** All matrix metrics at once (FWT only when the untrained baseline row is given). */
export function summarize(r: RMatrix, baseline?: readonly number[]): ContinualSummary {
  const base = { acc: acc(r), bwt: bwt(r), forgetting: forgetting(r) };
  return baseline === undefined ? base : { ...base, fwt: fwt(r, baseline) };
}
