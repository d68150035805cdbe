// The lineage dashboard as one self-contained HTML page (inline CSS and SVG, no external assets),
// rendered from plain report data so the service and the embedded demo write the same page.
import { DecisionView, LineageReport } from './lineage-report';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
const short = (id: string, n = 14): string => (id.length > n ? `${id.slice(0, n - 1)}…` : id);

/** Green for the lowest BPB on the page, red for the highest. */
function heatColor(v: number, min: number, max: number): string {
  const t = max > min ? (v - min) / (max - min) : 0;
  return `hsl(${Math.round(120 * (1 - t))}, 65%, 72%)`;
}

function heatmap(report: LineageReport): string {
  const { evalSets, rows } = report.matrix;
  if (rows.length === 0 || evalSets.length === 0) return '<p class="empty">No candidate has been scored yet.</p>';
  const values = rows.flatMap((r) => r.bpb).filter((v): v is number => v !== null);
  const [min, max] = [Math.min(...values), Math.max(...values)];
  const [labelW, cellW, cellH, headH] = [170, 72, 26, 26];
  const width = labelW + cellW * evalSets.length + 2;
  const height = headH + cellH * rows.length + 2;
  const parts: string[] = [];
  evalSets.forEach((set, j) => parts.push(`<text x="${labelW + cellW * j + cellW / 2}" y="${headH - 8}" text-anchor="middle" class="axis">${escapeHtml(short(set, 10))}</text>`));
  rows.forEach((row, i) => {
    const y = headH + cellH * i;
    const mark = row.decision === 'promoted' ? '✓' : row.decision === 'rejected' ? '✗' : '…';
    parts.push(`<text x="4" y="${y + cellH / 2 + 4}" class="axis">${mark} ${escapeHtml(short(row.checkpointId, 18))}</text>`);
    row.bpb.forEach((v, j) => {
      const x = labelW + cellW * j;
      const fill = v === null ? '#f2f2f2' : heatColor(v, min, max);
      const title = `${row.checkpointId} on ${evalSets[j]}: BPB ${fmt(v, 4)}, loss ${fmt(row.loss[j], 4)}`;
      parts.push(`<rect x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${fill}"><title>${escapeHtml(title)}</title></rect>`);
      parts.push(`<text x="${x + cellW / 2 - 1}" y="${y + cellH / 2 + 4}" text-anchor="middle" class="cell">${fmt(v)}</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="R matrix heatmap (BPB)">${parts.join('')}</svg>`;
}

function bpbChart(report: LineageReport): string {
  const { evalSets, rows } = report.matrix;
  const values = rows.flatMap((r) => r.bpb).filter((v): v is number => v !== null);
  if (values.length === 0) return '<p class="empty">No scores yet.</p>';
  const [W, H, left, right, top, bottom] = [640, 260, 50, 130, 12, 40];
  let [min, max] = [Math.min(...values), Math.max(...values)];
  if (max - min < 1e-9) [min, max] = [min - 0.5, max + 0.5];
  const x = (i: number) => left + (rows.length === 1 ? (W - left - right) / 2 : ((W - left - right) * i) / (rows.length - 1));
  const y = (v: number) => top + ((H - top - bottom) * (max - v)) / (max - min);
  const parts: string[] = [
    `<line x1="${left}" y1="${H - bottom}" x2="${W - right}" y2="${H - bottom}" class="frame"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${H - bottom}" class="frame"/>`,
    `<text x="${left - 6}" y="${y(max) + 4}" text-anchor="end" class="axis">${fmt(max, 2)}</text>`,
    `<text x="${left - 6}" y="${y(min) + 4}" text-anchor="end" class="axis">${fmt(min, 2)}</text>`,
    `<text x="${(left + W - right) / 2}" y="${H - 6}" text-anchor="middle" class="axis">increment (candidate, in training order)</text>`,
  ];
  rows.forEach((row, i) => parts.push(`<text x="${x(i)}" y="${H - bottom + 14}" text-anchor="middle" class="axis">${escapeHtml(short(row.batchId, 8))}</text>`));
  evalSets.forEach((set, j) => {
    const color = PALETTE[j % PALETTE.length]!;
    const points = rows.flatMap((row, i) => (row.bpb[j] === null ? [] : [{ i, v: row.bpb[j]!, promoted: row.decision === 'promoted' }]));
    if (points.length === 0) return;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`);
    for (const p of points) {
      parts.push(`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="4" fill="${p.promoted ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${escapeHtml(`${set} after ${rows[p.i]!.checkpointId}: ${fmt(p.v, 4)} BPB`)}</title></circle>`);
    }
    parts.push(`<text x="${W - right + 10}" y="${top + 14 + 16 * j}" class="axis"><tspan style="fill:${color}">●</tspan> ${escapeHtml(short(set, 16))}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="BPB per held-out set over increments">${parts.join('')}</svg>
<p class="note">Filled points: promoted candidates; hollow: rejected or undecided.</p>`;
}

function rulesCell(d: DecisionView): string {
  return d.rules
    .map((r) => {
      const what = r.evalSet ? `${r.rule} (${escapeHtml(r.evalSet)})` : r.rule;
      const why = r.message ? ` (${escapeHtml(r.message)})` : '';
      return `<span class="${r.passed ? 'pass' : 'fail'}">${escapeHtml(what)}: ${fmt(r.value, 4)} vs ${fmt(r.threshold, 4)}${why}</span>`;
    })
    .join('<br>');
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="empty">None yet.</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The whole page for one lineage. */
export function renderDashboard(report: LineageReport): string {
  const m = report.matrix.promoted.bpb;
  const c = report.counts;
  const history = table(
    ['#', 'champion', 'previous', 'how', 'why', 'by', 'when', 'event'],
    report.history.map((h, i) => [String(i + 1), escapeHtml(h.checkpointId), escapeHtml(h.previousId ?? '–'), escapeHtml(h.kind), escapeHtml(h.reason), escapeHtml(h.by), escapeHtml(h.at), escapeHtml(h.eventId)]),
  );
  const decisions = table(
    ['checkpoint', 'batch', 'outcome', 'rules (value vs threshold)', 'when'],
    report.decisions.map((d) => [escapeHtml(d.checkpointId), escapeHtml(d.batchId), `<span class="${d.outcome === 'promoted' ? 'pass' : 'fail'}">${d.outcome}</span>`, rulesCell(d), escapeHtml(d.at)]),
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ratchet · ${escapeHtml(report.lineage)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px}
.facts span{display:inline-block;margin-right:18px}.note,.empty{color:#666}
table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f6f6}
.pass{color:#17732a}.fail{color:#b3261e;font-weight:600}
svg .axis{font-size:11px;fill:#444}svg .cell{font-size:11px;fill:#111}svg .frame{stroke:#999}
</style></head><body>
<h1>Lineage ${escapeHtml(report.lineage)}</h1>
<p class="facts"><span>champion: <b>${escapeHtml(report.champion ?? 'none yet')}</b></span><span>preset: ${escapeHtml(report.preset ?? '–')}</span>
<span>batches: ${c.batches}</span><span>checkpoints: ${c.checkpoints}</span><span>promoted: ${c.promoted}</span><span>rejected: ${c.rejected}</span><span>failed: ${c.failed}</span><span>rollbacks: ${c.rollbacks}</span></p>
<p class="facts"><span>ACC (BPB, promoted models): <b>${fmt(m.acc)}</b></span><span>BWT: <b>${fmt(m.bwt)}</b></span><span>forgetting: <b>${fmt(m.forgetting)}</b></span></p>
<h2>R matrix (BPB; rows: candidates, columns: held-out sets)</h2>
${heatmap(report)}
<h2>BPB per held-out set over increments</h2>
${bpbChart(report)}
<h2>Champion history</h2>
${history}
<h2>Decisions</h2>
${decisions}
</body></html>
`;
}
