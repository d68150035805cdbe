import { emptyLineage, evolve } from '@ratchet/lineage';
import { LineageEvents } from '../__fixtures__/lineage-events';
import { STORY_LABELS, lineageStory } from '../__fixtures__/lineage-story';
import { reportFromLineageState } from './lineage-report';
import { renderDashboard } from './render-dashboard';

describe('lineage dashboard', () => {
  const state = lineageStory().reduce(evolve, emptyLineage('lin'));

  it('reports a lineage from its folded events: counts, matrix, history, decisions', () => {
    const report = reportFromLineageState(state);
    expect(report).toMatchObject({ lineage: 'lin', preset: 'tiny', champion: 'c1', counts: { batches: 4, checkpoints: 3, promoted: 2, rejected: 1, failed: 1, rollbacks: 1 } });
    expect(report.matrix.evalSets).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(report.matrix.evalSetLabels).toEqual([STORY_LABELS.b1, STORY_LABELS.b2, null, null]);
    expect(report.matrix.rows.map((r) => r.batchLabel)).toEqual([STORY_LABELS.b1, STORY_LABELS.b2, null]);
    expect(report.matrix.rows.map((r) => [r.checkpointId, r.decision, r.bpb])).toEqual([
      ['c1', 'promoted', [3, null, null, null]],
      ['c2', 'promoted', [3.03, 2.5, null, null]],
      ['c3', 'rejected', [3.5, 2.4, 2, null]],
    ]);
    expect(report.matrix.promoted.bpb.bwt).toBeCloseTo(-0.03, 12);
    expect(report.history.map((h) => h.kind)).toEqual(['promoted', 'promoted', 'rolled-back']);
    expect(report.decisions.map((d) => [d.checkpointId, d.batchLabel, d.outcome])).toEqual([
      ['c1', STORY_LABELS.b1, 'promoted'],
      ['c2', STORY_LABELS.b2, 'promoted'],
      ['c3', null, 'rejected'],
    ]);
    // c1 is the first model (against the untrained one); c3 forgot b1 (3.03 → 3.5) while learning b3
    expect(report.retention.map((r) => [r.checkpointId, r.baselineId, r.decision, r.retention, r.plasticity])).toEqual([
      ['c1', null, 'promoted', null, 5],
      ['c2', 'c1', 'promoted', expect.closeTo(-0.03, 12), 1.5],
      ['c3', 'c2', 'rejected', expect.closeTo((-0.47 + 0.1) / 2, 12), 2],
    ]);
  });

  it('shows retention and plasticity per candidate, signed and coloured', () => {
    const html = renderDashboard(reportFromLineageState(state));
    const section = html.slice(html.indexOf('<h2>Retention and plasticity per candidate</h2>'), html.indexOf('<h2>Champion history</h2>'));
    expect(section.match(/<tr>/g)).toHaveLength(1 + 3); // head + one row per scored candidate
    expect(section).toContain('<td>c1</td><td><span title="era 1: 1790–1835 (batch b1)">era 1: 1790–1835</span></td><td>untrained model</td><td>–</td><td><span class="pass">+5.0000</span></td>');
    expect(section).toContain('<td>c3</td><td><span title="b3">b3</span></td><td>c2</td><td><span class="fail">-0.1850</span></td><td><span class="pass">+2.0000</span></td>');
  });

  it('renders one self-contained page: heatmap cells, BPB lines, history and failed rules', () => {
    const html = renderDashboard(reportFromLineageState(state));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link)\b|src=|href=/); // no external assets
    expect(html.match(/<svg/g)).toHaveLength(2);
    expect(html.match(/<rect/g)).toHaveLength(3 * 4); // candidates × held-out sets
    expect(html.match(/<polyline/g)).toHaveLength(3); // b1, b2, b3 have scores; b4 none
    expect(html).toContain('3.030');
    expect(html).toContain('regression in production');
    expect(html).toContain('<span class="fail">retention (era 1: 1790–1835): 0.0500 vs 0.0200</span>');
    expect(html).toContain('BWT: <b>-0.030</b>');
  });

  it('names batches by their label everywhere they are shown, escaped, and by their id where they have none', () => {
    const html = renderDashboard(reportFromLineageState(state));
    const b2 = 'era &quot;2&quot; &lt;&amp; co&gt;';
    expect(html).not.toContain(STORY_LABELS.b2);
    expect(html).not.toContain('<& co>');
    const [heatmap, chart] = html.match(/<svg[\s\S]*?<\/svg>/g)!;
    // R-matrix columns (with label and id in the tooltip) and rows (the batch the candidate learned)
    expect(heatmap).toContain(`<title>${b2} (batch b2)</title>${b2}</text>`);
    expect(heatmap).toContain(`<title>b3</title>b3</text>`);
    expect(heatmap).toContain(`✓ after era 1: 1790–1835</text>`);
    expect(heatmap).toContain(`✓ after ${b2}</text>`);
    expect(heatmap).toContain(`✗ after b3</text>`);
    expect(heatmap).toContain('<title>candidate c1, trained on era 1: 1790–1835 (batch b1)</title>');
    // the chart's x axis (one name per increment) and legend (one per held-out set)
    expect(chart).toContain(`<title>candidate c1, trained on era 1: 1790–1835 (batch b1)</title>era 1: 1790–1835</text>`);
    expect(chart).toContain(`<tspan style="fill:#ff7f0e">●</tspan> ${b2}</text>`);
    expect(chart).toMatch(/<title>[^<]*<\/title>b3<\/text>/);
    // the decisions table names the batch, its id in the tooltip
    expect(html).toContain(`<td><span title="batch b2">${b2}</span></td>`);
    expect(html).toContain('<td>c3</td><td>b3</td>');
  });

  it('cuts a long label where space is short, whole in the tooltip, without splitting a character', () => {
    const e = new LineageEvents('long');
    const label = `${'🦅'.repeat(30)} <long>`;
    const events = [e.arrived('b1', 'b1', label), e.saved('b1', 'c1', null), e.scored('c1', 'b1', null, [['b1', 3, null, 8]]), e.promoted('c1', null)];
    const html = renderDashboard(reportFromLineageState(events.reduce(evolve, emptyLineage('long'))));
    expect(html).toContain(`<title>${'🦅'.repeat(30)} &lt;long&gt; (batch b1)</title>${'🦅'.repeat(15)}…</text>`);
    expect(html).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no lone high surrogate
  });

  it('escapes what came from events', () => {
    const e = new LineageEvents('x');
    const hostile = [e.arrived('b1'), e.saved('b1', 'c1', null), e.promoted('c1', null), e.arrived('b2'), e.saved('b2', 'c2', 'c1'), e.promoted('c2', 'c1'), e.rolledBack('c2', 'c1', '<script>alert(1)</script>', 'a & b')];
    const html = renderDashboard(reportFromLineageState(hostile.reduce(evolve, emptyLineage('x'))));
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('a &amp; b');
    expect(html).toContain('No candidate has been scored yet.');
  });
});
