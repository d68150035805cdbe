// The demo's closing report on the terminal: the R matrix, every decision with its reasons.
import { AnyEvent, EventOf } from '@ratchet/contracts';
import type { DirectoryOutcome } from '@ratchet/ingest-service';
import type { RetentionMatrix } from '@ratchet/registry-service';

const num = (x: number | null | undefined, d = 3): string => (x === null || x === undefined ? '   -  ' : x.toFixed(d));

export function formatMatrix(matrix: RetentionMatrix, name: (batchId: string) => string = (id) => id): string[] {
  const head = ['candidate      batch            decision  ', ...matrix.evalSets.map((s) => name(s).slice(0, 13).padStart(14))].join('');
  const lines = ['R matrix (bits per byte on each held-out set; rows: candidates in training order)', head];
  for (const row of matrix.rows) {
    const cells = row.bpb.map((b) => num(b).padStart(14)).join('');
    lines.push(`${row.checkpointId.slice(0, 14).padEnd(15)}${name(row.batchId).slice(0, 16).padEnd(17)}${(row.decision ?? 'pending').padEnd(10)}${cells}`);
  }
  const m = matrix.promoted.bpb;
  lines.push(`over the promoted models: ACC ${num(m.acc)} BPB (mean of the last row), BWT ${num(m.bwt)} (positive: earlier sets improved since they were learned), forgetting ${num(m.forgetting)} (final minus best BPB per earlier set; <= 0: nothing forgotten)`);
  return lines;
}

type Decision = EventOf<'ModelPromoted'> | EventOf<'PromotionRejected'> | EventOf<'TrainingFailed'>;

export function formatDecisions(events: AnyEvent[], name: (batchId: string) => string = (id) => id): string[] {
  const batchOf = new Map<string, string>();
  for (const e of events) if (e.name === 'CheckpointSaved') batchOf.set(e.data.checkpointId, e.data.batchId);
  const decisions = events.filter((e): e is Decision => e.name === 'ModelPromoted' || e.name === 'PromotionRejected' || e.name === 'TrainingFailed');
  const lines = ['Decisions'];
  for (const d of decisions) {
    if (d.name === 'TrainingFailed') {
      lines.push(`  ${name(d.data.batchId)}: training failed (${d.data.reason}): ${d.data.message}`);
      continue;
    }
    const verdict = d.name === 'ModelPromoted' ? 'promoted' : 'REJECTED';
    lines.push(`  ${name(batchOf.get(d.data.checkpointId) ?? '?')}: ${d.data.checkpointId.slice(0, 14)} ${verdict}`);
    for (const r of d.data.rules) {
      lines.push(`      ${r.passed ? 'pass' : 'FAIL'} ${r.rule}${r.evalSet ? ` on ${name(r.evalSet)}` : ''}: ${num(r.value, 4)} (threshold ${num(r.threshold, 4)})${r.message ? ` ${r.message}` : ''}`);
    }
  }
  return lines;
}

/** The records ingest refused, per folder with their positions and reasons (the first few), and where all of them were kept. */
export function formatRejections(outcomes: readonly DirectoryOutcome[], shown = 5): string[] {
  const lines: string[] = [];
  for (const { folder, outcome } of outcomes) {
    if (outcome.rejected.length === 0) continue;
    const kept = 'rejectedTo' in outcome && outcome.rejectedTo ? `; all of them kept at ${outcome.rejectedTo}` : '';
    const what = outcome.status === 'rejected' ? 'nothing valid left, batch rejected' : 'the valid records went on';
    lines.push(`  ${folder}: ${outcome.rejected.length} bad record(s), ${what}${kept}`);
    for (const r of outcome.rejected.slice(0, shown)) lines.push(`      record ${r.position}${r.field ? ` (${r.field})` : ''}: ${r.reason} [${r.code}]`);
    if (outcome.rejected.length > shown) lines.push(`      ... and ${outcome.rejected.length - shown} more`);
  }
  return lines;
}
