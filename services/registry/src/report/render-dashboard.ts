// The lineage dashboard as one self-contained HTML page (inline CSS and SVG, no external assets),
// rendered from plain report data so the service and the embedded demo write the same page.
import { DecisionView, LineageReport } from './lineage-report';

const PALETTE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'];

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const fmt = (x: number | null | undefined, digits = 3): string => (x === null || x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits));
/** At most `n` characters (code points, so no emoji is cut in half), the last one "…" when cut. */
const short = (text: string, n = 14): string => {
  const points = Array.from(text);
  return points.length > n ? `${points.slice(0, n - 1).join('')}…` : text;
};
/** Roughly how wide the 11px axis font sets `chars` characters. */
const textWidth = (chars: number): number => Math.ceil(chars * 6.6);

/** What the page calls a batch: its label, else its id (shortened where space is short). */
type BatchName = (batchId: string) => string;

function batchNames(report: LineageReport): BatchName {
  const labels = new Map<string, string>();
  const note = (batchId: string, label: string | null | undefined) => {
    if (label) labels.set(batchId, label);
  };
  report.matrix.evalSets.forEach((set, j) => note(set, report.matrix.evalSetLabels[j]));
  for (const row of report.matrix.rows) note(row.batchId, row.batchLabel);
  for (const d of report.decisions) note(d.batchId, d.batchLabel);
  return (batchId) => labels.get(batchId) ?? batchId;
}

/** A tooltip naming a batch by label and id, or by id alone. */
const batchTitle = (name: BatchName, batchId: string): string => (name(batchId) === batchId ? batchId : `${name(batchId)} (batch ${batchId})`);

/** Green for the lowest BPB on the page, red for the highest. */
function heatColor(v: number, min: number, max: number): string {
  const t = max > min ? (v - min) / (max - min) : 0;
  return `hsl(${Math.round(120 * (1 - t))}, 65%, 72%)`;
}

function heatmap(report: LineageReport, name: BatchName): string {
  const { evalSets, rows } = report.matrix;
  if (rows.length === 0 || evalSets.length === 0) return '<p class="empty">No candidate has been scored yet.</p>';
  const values = rows.flatMap((r) => r.bpb).filter((v): v is number => v !== null);
  const [min, max] = [Math.min(...values), Math.max(...values)];
  // columns and row heads as wide as the batch names need, within bounds (longer names are cut, the tooltip has them whole)
  const [colChars, rowChars] = [16, 24];
  const longest = (names: string[], most: number) => Math.min(most, Math.max(0, ...names.map((n) => Array.from(n).length)));
  const cellW = Math.max(72, textWidth(longest(evalSets.map(name), colChars)) + 8);
  const labelW = Math.max(170, textWidth(longest(rows.map((r) => name(r.batchId)), rowChars) + 8) + 8);
  const [cellH, headH] = [26, 26];
  const width = labelW + cellW * evalSets.length + 2;
  const height = headH + cellH * rows.length + 2;
  const parts: string[] = [];
  evalSets.forEach((set, j) =>
    parts.push(`<text x="${labelW + cellW * j + cellW / 2}" y="${headH - 8}" text-anchor="middle" class="axis"><title>${escapeHtml(batchTitle(name, set))}</title>${escapeHtml(short(name(set), colChars))}</text>`),
  );
  rows.forEach((row, i) => {
    const y = headH + cellH * i;
    const mark = row.decision === 'promoted' ? '✓' : row.decision === 'rejected' ? '✗' : '…';
    const head = `candidate ${row.checkpointId}, trained on ${batchTitle(name, row.batchId)}`;
    parts.push(`<text x="4" y="${y + cellH / 2 + 4}" class="axis"><title>${escapeHtml(head)}</title>${mark} after ${escapeHtml(short(name(row.batchId), rowChars))}</text>`);
    row.bpb.forEach((v, j) => {
      const x = labelW + cellW * j;
      const fill = v === null ? '#f2f2f2' : heatColor(v, min, max);
      const title = `candidate ${row.checkpointId} (after ${name(row.batchId)}) on ${name(evalSets[j]!)}: BPB ${fmt(v, 4)}, loss ${fmt(row.loss[j], 4)}`;
      parts.push(`<rect x="${x}" y="${y}" width="${cellW - 2}" height="${cellH - 2}" fill="${fill}"><title>${escapeHtml(title)}</title></rect>`);
      parts.push(`<text x="${x + cellW / 2 - 1}" y="${y + cellH / 2 + 4}" text-anchor="middle" class="cell">${fmt(v)}</text>`);
    });
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="R matrix heatmap (BPB)">${parts.join('')}</svg>`;
}

function bpbChart(report: LineageReport, name: BatchName): string {
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
  // as many characters of a batch's name under its increment as the space between two increments takes
  const spacing = rows.length === 1 ? W - left - right : (W - left - right) / (rows.length - 1);
  const tickChars = Math.max(6, Math.min(16, Math.floor(spacing / 6.6)));
  rows.forEach((row, i) =>
    parts.push(`<text x="${x(i)}" y="${H - bottom + 14}" text-anchor="middle" class="axis"><title>${escapeHtml(`candidate ${row.checkpointId}, trained on ${batchTitle(name, row.batchId)}`)}</title>${escapeHtml(short(name(row.batchId), tickChars))}</text>`),
  );
  evalSets.forEach((set, j) => {
    const color = PALETTE[j % PALETTE.length]!;
    const points = rows.flatMap((row, i) => (row.bpb[j] === null ? [] : [{ i, v: row.bpb[j]!, promoted: row.decision === 'promoted' }]));
    if (points.length === 0) return;
    parts.push(`<polyline fill="none" stroke="${color}" stroke-width="2" points="${points.map((p) => `${x(p.i).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ')}"/>`);
    for (const p of points) {
      parts.push(`<circle cx="${x(p.i).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="4" fill="${p.promoted ? color : '#fff'}" stroke="${color}" stroke-width="2"><title>${escapeHtml(`${name(set)} after ${name(rows[p.i]!.batchId)} (candidate ${rows[p.i]!.checkpointId}): ${fmt(p.v, 4)} BPB`)}</title></circle>`);
    }
    parts.push(`<text x="${W - right + 10}" y="${top + 14 + 16 * j}" class="axis"><title>${escapeHtml(batchTitle(name, set))}</title><tspan style="fill:${color}">●</tspan> ${escapeHtml(short(name(set), 16))}</text>`);
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" role="img" aria-label="BPB per held-out set over increments">${parts.join('')}</svg>
<p class="note">Filled points: promoted candidates; hollow: rejected or undecided.</p>`;
}

function rulesCell(d: DecisionView, name: BatchName): string {
  return d.rules
    .map((r) => {
      const what = r.evalSet ? `${r.rule} (${name(r.evalSet)})` : r.rule;
      const why = r.message ? ` (${escapeHtml(r.message)})` : '';
      return `<span class="${r.passed ? 'pass' : 'fail'}">${escapeHtml(what)}: ${fmt(r.value, 4)} vs ${fmt(r.threshold, 4)}${why}</span>`;
    })
    .join('<br>');
}

/** A gain with its sign in colour: green when the candidate did better, red when worse. */
const gain = (x: number | null): string => (x === null || !Number.isFinite(x) ? '–' : `<span class="${x >= 0 ? 'pass' : 'fail'}">${x >= 0 ? '+' : ''}${x.toFixed(4)}</span>`);

function retentionTable(report: LineageReport, name: BatchName): string {
  return table(
    ['candidate', 'batch', 'against', 'retention (old sets)', 'plasticity (new set)', 'BWT', 'forgetting', 'decision'],
    report.retention.map((r) => [
      escapeHtml(r.checkpointId),
      `<span title="${escapeHtml(batchTitle(name, r.batchId))}">${escapeHtml(name(r.batchId))}</span>`,
      escapeHtml(r.baselineId ?? 'untrained model'),
      gain(r.retention),
      gain(r.plasticity),
      gain(r.bwt),
      fmt(r.forgetting, 4),
      escapeHtml(r.decision ?? 'pending'),
    ]),
  );
}

function table(head: string[], rows: string[][]): string {
  if (rows.length === 0) return '<p class="empty">None yet.</p>';
  return `<table><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

/** The whole page for one lineage. */
export function renderDashboard(report: LineageReport): string {
  const m = report.matrix.promoted.bpb;
  const c = report.counts;
  const name = batchNames(report);
  const history = table(
    ['#', 'champion', 'previous', 'how', 'why', 'by', 'when', 'event'],
    report.history.map((h, i) => [String(i + 1), escapeHtml(h.checkpointId), escapeHtml(h.previousId ?? '–'), escapeHtml(h.kind), escapeHtml(h.reason), escapeHtml(h.by), escapeHtml(h.at), escapeHtml(h.eventId)]),
  );
  const decisions = table(
    ['checkpoint', 'batch', 'outcome', 'rules (value vs threshold)', 'when'],
    report.decisions.map((d) => [
      escapeHtml(d.checkpointId),
      name(d.batchId) === d.batchId ? escapeHtml(d.batchId) : `<span title="${escapeHtml(`batch ${d.batchId}`)}">${escapeHtml(name(d.batchId))}</span>`,
      `<span class="${d.outcome === 'promoted' ? 'pass' : 'fail'}">${d.outcome}</span>`,
      rulesCell(d, name),
      escapeHtml(d.at),
    ]),
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
${heatmap(report, name)}
<h2>BPB per held-out set over increments</h2>
${bpbChart(report, name)}
<h2>Retention and plasticity per candidate</h2>
<p class="note">Against the champion of its time, in BPB (positive: the candidate is better; retention is the mean over the earlier sets). Forgetting ≥ 0 is how far the earlier sets fell from their best.</p>
${retentionTable(report, name)}
<h2>Champion history</h2>
${history}
<h2>Decisions</h2>
${decisions}
</body></html>
`;
}
