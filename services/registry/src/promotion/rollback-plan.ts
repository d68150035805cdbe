// Whether a rollback may happen: only to a model that was champion before and is not champion now.
export type RollbackPlan = { ok: true; from: string } | { ok: false; reason: string };

export function planRollback(champion: string | null, formerChampions: readonly string[], to: string): RollbackPlan {
  if (champion === null) return { ok: false, reason: 'the lineage has no champion to roll back from' };
  if (champion === to) return { ok: false, reason: `${to} is the champion already` };
  if (!formerChampions.includes(to)) return { ok: false, reason: `${to} was never champion of this lineage` };
  return { ok: true, from: champion };
}
