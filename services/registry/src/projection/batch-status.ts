// Batch statuses only move forward (the same rule as @ratchet/lineage's evolve), so a re-delivered
// earlier event cannot undo a later one.
const ORDER = ['pending', 'training', 'evaluating', 'deciding', 'promoted'];
const FINAL = new Set(['promoted', 'rejected', 'failed', 'refused']);

export function advanceStatus(current: string, next: string): string {
  if (FINAL.has(current)) return current;
  if (next === 'rejected' || next === 'failed') return next;
  return ORDER.indexOf(next) > ORDER.indexOf(current) ? next : current;
}
