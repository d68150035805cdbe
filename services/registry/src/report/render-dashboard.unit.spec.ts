import { emptyLineage, evolve } from '@ratchet/lineage';
import { LineageEvents } from '../__fixtures__/lineage-events';
import { lineageStory } from '../__fixtures__/lineage-story';
import { reportFromLineageState } from './lineage-report';
import { renderDashboard } from './render-dashboard';

describe('lineage dashboard', () => {
  const state = lineageStory().reduce(evolve, emptyLineage('lin'));

  it('reports a lineage from its folded events: counts, matrix, history, decisions', () => {
    const report = reportFromLineageState(state);
    expect(report).toMatchObject({ lineage: 'lin', preset: 'tiny', champion: 'c1', counts: { batches: 4, checkpoints: 3, promoted: 2, rejected: 1, failed: 1, rollbacks: 1 } });
    expect(report.matrix.evalSets).toEqual(['b1', 'b2', 'b3', 'b4']);
    expect(report.matrix.rows.map((r) => [r.checkpointId, r.decision, r.bpb])).toEqual([
      ['c1', 'promoted', [3, null, null, null]],
      ['c2', 'promoted', [3.03, 2.5, null, null]],
      ['c3', 'rejected', [3.5, 2.4, 2, null]],
    ]);
    expect(report.matrix.promoted.bpb.bwt).toBeCloseTo(-0.03, 12);
    expect(report.history.map((h) => h.kind)).toEqual(['promoted', 'promoted', 'rolled-back']);
    expect(report.decisions.map((d) => [d.checkpointId, d.outcome])).toEqual([
      ['c1', 'promoted'],
      ['c2', 'promoted'],
      ['c3', 'rejected'],
    ]);
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
    expect(html).toContain('<span class="fail">retention (b1): 0.0500 vs 0.0200</span>');
    expect(html).toContain('BWT: <b>-0.030</b>');
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
